# --no-stem: rouge-score with use_stemmer=False ("networks" and "network" differ).
printf '%s\n' '{"id":"1","title":"Deep networks","abstract":"We train deep network models. Results follow."}' > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --per-example | awk -F'\t' '$2 == "first-sentence" {print $3}'
title-eval --ref "$TMP/ref.jsonl" --per-example --no-stem | awk -F'\t' '$2 == "first-sentence" {print $3}'
