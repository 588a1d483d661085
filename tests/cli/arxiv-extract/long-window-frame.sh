head -50 "$SHARED/data/arxiv/kaggle-first200.ndjson" | zstd -q -c --long=30 | arxiv-extract --fields id | wc -l
