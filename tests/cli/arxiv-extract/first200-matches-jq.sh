set -o pipefail
arxiv-extract "$SHARED/data/arxiv/kaggle-first200.ndjson" | jq -cS . > "$TMP/ours"
jq -c -f "$TESTDATA/extract-ref.jq" "$SHARED/data/arxiv/kaggle-first200.ndjson" | jq -cS . > "$TMP/ref"
[ "$(wc -l < "$TMP/ours")" -eq 200 ] && cmp "$TMP/ours" "$TMP/ref" && echo same
