set -o pipefail
arxiv-extract "$DATA/arxiv-sample.ndjson.zst" | jq -cS . > "$TMP/ours"
zstdcat --long=31 "$DATA/arxiv-sample.ndjson.zst" | jq -c -f "$TESTDATA/extract-ref.jq" | jq -cS . > "$TMP/ref"
wc -l < "$TMP/ours"; cmp "$TMP/ours" "$TMP/ref" && echo same
