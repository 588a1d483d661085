# Line order: hypotheses beyond the last reference are reported and ignored;
# references beyond the last hypothesis are missing (scored 0).
printf '%s\n' '{"title":"a"}' '{"title":"b"}' '{"title":"c"}' > "$TMP/hyp.jsonl"
head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example | awk -F'\t' '$2 == "model"' | cut -f1,3
head -1 "$TMP/hyp.jsonl" > "$TMP/hyp1.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp1.jsonl" --per-example | awk -F'\t' '$2 == "model"' | cut -f1,3
