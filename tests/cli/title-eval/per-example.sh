# --per-example: a TSV line per example and system (F1 x100, words, verbatim 0/1).
head -3 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TESTDATA/eval-hyp.jsonl" --per-example
