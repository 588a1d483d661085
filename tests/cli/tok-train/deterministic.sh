# Same input, same bytes: from a file, from stdin, zstd-compressed, and with
# the input split over two files.
set -e
zstdcat "$DATA/arxiv-sample.ndjson.zst" | head -1500 | arxiv-extract | abstract-clean > "$TMP/recs"
tok-train -n 800 -i records "$TMP/recs" > "$TMP/a.json"
tok-train -n 800 -i records < "$TMP/recs" > "$TMP/b.json"
zstd -q -c "$TMP/recs" > "$TMP/recs.zst"
tok-train -n 800 -i records -o "$TMP/c.json" "$TMP/recs.zst"
head -700 "$TMP/recs" > "$TMP/r1"; tail -n +701 "$TMP/recs" > "$TMP/r2"
tok-train -n 800 -i records -o "$TMP/d.json" "$TMP/r1" "$TMP/r2"
cmp "$TMP/a.json" "$TMP/b.json" && cmp "$TMP/a.json" "$TMP/c.json" && cmp "$TMP/a.json" "$TMP/d.json" && echo identical
jq -c '.model.merges[:8]' "$TMP/a.json"
