# --ref - reads the references from standard input.
head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" | title-eval --ref - --json --bootstrap 0 | jq -c '[.ref, .examples]'
