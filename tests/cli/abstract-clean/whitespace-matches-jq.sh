set -o pipefail
arxiv-extract "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/rec"
abstract-clean --keep-period --keep-withdrawn --min-words 0 --max-words 0 --title-min-words 0 --title-max-words 0 "$TMP/rec" | jq -cS . > "$TMP/ours"
jq -cS ".title |= (gsub(\"\\\\s+\"; \" \") | sub(\"^ \"; \"\") | sub(\" $\"; \"\")) | .abstract |= (gsub(\"\\\\s+\"; \" \") | sub(\"^ \"; \"\") | sub(\" $\"; \"\"))" "$TMP/rec" > "$TMP/ref"
wc -l < "$TMP/ours"; cmp "$TMP/ours" "$TMP/ref" && echo same
