{ head -1 "$SHARED/data/arxiv/kaggle-first200.ndjson" | zstd -q -c; echo garbage; } | arxiv-extract --fields id
