head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" | arxiv-extract | abstract-clean
