# The report for people: model and baselines with bootstrap intervals, mean
# length, verbatim share; the means, lengths and verbatim shares were checked
# with rouge-score and Python (model 50.24/42.20/49.03, 7.66 words, 29.0%;
# reference 9.09 words, 4.0%).
cp "$SHARED/data/arxiv/kaggle-first200.ndjson" "$TMP/ref.jsonl" && cp "$TESTDATA/eval-hyp.jsonl" "$TMP/hyp.jsonl" && cd "$TMP" || exit 1
title-eval --ref ref.jsonl --hyp hyp.jsonl
