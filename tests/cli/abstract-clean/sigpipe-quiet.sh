arxiv-extract "$DATA/arxiv-sample.ndjson.zst" > "$TMP/r"; cat "$TMP/r" "$TMP/r" "$TMP/r" | abstract-clean | head -1 | jq -r .id
