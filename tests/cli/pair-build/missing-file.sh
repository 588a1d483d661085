# A FILE that cannot be opened: message, exit 66.
pair-build "$TESTDATA/pair-basic.jsonl" "$TMP/nonexistent.jsonl" > /dev/null
