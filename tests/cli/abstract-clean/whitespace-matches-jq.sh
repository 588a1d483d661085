# Whitespace collapse of real dump text agrees with an independent jq version.
set -o pipefail
arxiv-extract "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/rec"
abstract-clean --min-words 0 --max-words 0 --title-min-words 0 --title-max-words 0 "$TMP/rec" \
  | jq -c '{id, abstract, title: (.title | sub("\\.$"; ""))}' > "$TMP/ours"
jq -c '{id, abstract: (.abstract | gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "")),
        title: (.title | gsub("\\s+"; " ") | sub("^ "; "") | sub(" $"; "") | sub("\\.$"; ""))}' "$TMP/rec" \
  | grep -F -f <(jq -r '"\"id\":\"" + .id + "\""' "$TMP/ours") > "$TMP/ref"
[ "$(wc -l < "$TMP/ours")" -ge 195 ] && echo "most kept"
cmp "$TMP/ours" "$TMP/ref" && echo same
