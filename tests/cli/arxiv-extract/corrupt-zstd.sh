zstd -q -c "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/z"
{ head -c 5000 "$TMP/z"; head -c 3000 /dev/zero; tail -c +8001 "$TMP/z"; } > "$TMP/c.zst"
arxiv-extract "$TMP/c.zst" > /dev/null
