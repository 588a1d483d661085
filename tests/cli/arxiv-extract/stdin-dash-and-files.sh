head -2 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/a"
sed -n 3p "$SHARED/data/arxiv/kaggle-first200.ndjson" | arxiv-extract --fields id "$TMP/a" - "$TMP/a"
