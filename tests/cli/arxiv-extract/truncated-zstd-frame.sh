zstd -q -c "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/z"
head -c 70000 "$TMP/z" > "$TMP/t.zst"
arxiv-extract --fields id "$TMP/t.zst" > "$TMP/out"; s=$?
n=$(wc -l < "$TMP/out"); [ "$n" -gt 5 ] && [ "$n" -lt 200 ] && echo "some records out"; exit $s
