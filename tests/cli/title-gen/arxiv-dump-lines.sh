# Lines of the raw arXiv dump (kaggle-first200.ndjson: nested "versions" and
# "authors_parsed", null "license") are records like any other: every field
# but the new "titles" passes through unchanged, nested or not.
. ./tg-model.inc
head -3 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/dump"
title-gen -m "$M" -b 1 --max-new-tokens 3 "$TMP/dump" > "$TMP/out"
echo "exit $?"
jq -r '"\(.id): \(.titles | length) title, \(.versions | length) versions, \(.authors_parsed | length) authors"' "$TMP/out"
jq -cS 'del(.titles)' "$TMP/out" | cmp -s - <(jq -cS . "$TMP/dump") && echo "the other fields unchanged"
# byte for byte: the record as the dump wrote it, "titles" added at the end
sed 's/,"titles":\[[^]]*\]}$/}/' "$TMP/out" | cmp -s - "$TMP/dump" && echo "byte for byte"
