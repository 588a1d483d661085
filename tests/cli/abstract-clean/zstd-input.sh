zstd -q -c "$TESTDATA/clean-first20.ndjson" > "$TMP/r.zst"; abstract-clean "$TMP/r.zst" | cmp - ws-real.out && echo same
