# zstd-compressed input gives the same pairs as plain.
zstd -q -c "$TESTDATA/pair-basic.jsonl" > "$TMP/b.zst"
pair-build "$TMP/b.zst" | cmp - <(pair-build "$TESTDATA/pair-basic.jsonl") && echo same
