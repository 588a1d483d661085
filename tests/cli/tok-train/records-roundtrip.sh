# Train on 3000 real records (vocab 1000), then encode their titles and
# abstracts with tok-encode and decode them with tok-decode: exact round trip.
set -e
zstdcat "$DATA/arxiv-sample.ndjson.zst" | arxiv-extract | abstract-clean > "$TMP/recs"
tok-train -n 1000 -i records -o "$TMP/tok.json" "$TMP/recs"
jq -r '.title, .abstract' "$TMP/recs" > "$TMP/texts"
echo "texts $(wc -l < "$TMP/texts")"
echo "vocab $(jq '.model.vocab | length' "$TMP/tok.json") merges $(jq '.model.merges | length' "$TMP/tok.json")"
echo "merges whose right side starts with U+2581: $(jq '[.model.merges[] | select(.[1] | startswith("▁"))] | length' "$TMP/tok.json")"
echo "pieces holding U+2581 past their start: $(jq '[.model.vocab | keys[] | select(.[1:] | contains("▁"))] | length' "$TMP/tok.json")"
tok-encode -t "$TMP/tok.json" -f ids "$TMP/texts" > "$TMP/ids"
echo "ids $(wc -w < "$TMP/ids")"
tok-decode -t "$TMP/tok.json" --ids "$TMP/ids" > "$TMP/back"
cmp "$TMP/texts" "$TMP/back" && echo "round trip exact"
head -3 "$TMP/ids" | cut -d' ' -f1-12
