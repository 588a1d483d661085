{ sed -n 1p "$SHARED/data/arxiv/kaggle-first200.ndjson" | zstd -q -c; sed -n 2p "$SHARED/data/arxiv/kaggle-first200.ndjson" | zstd -q -c; } | arxiv-extract --fields id
