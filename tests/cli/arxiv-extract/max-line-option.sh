head -3 "$SHARED/data/arxiv/kaggle-first200.ndjson" | arxiv-extract --max-line 1400 --fields id
