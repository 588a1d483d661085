abstract-clean --min-words 1 "$TESTDATA/clean-bad.ndjson"
