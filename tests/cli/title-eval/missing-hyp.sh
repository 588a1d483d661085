# A reference id without a hypothesis is scored 0, counted in the report and
# on standard error; hypotheses matching no reference are reported.
head -5 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl"
grep -v '"0704.0002"' "$TESTDATA/eval-hyp.jsonl" | head -8 > "$TMP/hyp.jsonl"
cd "$TMP" || exit 1
title-eval --ref ref.jsonl --hyp hyp.jsonl --bootstrap 0
