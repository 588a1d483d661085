abstract-clean "$TESTDATA/clean-first20.ndjson"
