# --json: one object for scripts; jq reads it back.
cp "$SHARED/data/arxiv/kaggle-first200.ndjson" "$TMP/ref.jsonl" && cp "$TESTDATA/eval-hyp.jsonl" "$TMP/hyp.jsonl" && cd "$TMP" || exit 1
title-eval --ref ref.jsonl --hyp hyp.jsonl --json --bootstrap 200 --by-category=2 > r.json || exit 1
cat r.json
jq -r '.systems[] | [.name, .rouge1, .rougeL_ci[0], .verbatim_pct] | @tsv' r.json
