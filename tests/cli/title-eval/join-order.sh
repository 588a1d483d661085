# Hypotheses without ids are joined by line order; {"title"} lines.
printf '%s\n' '{"title":"Calculation of prompt diphoton production"}' '{"title":"Sparsity certifying graph decompositions"}' > "$TMP/hyp.jsonl"
head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example | awk -F'\t' '$2 == "model"'
