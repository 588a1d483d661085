abstract-clean --strict --min-words 1 < "$TESTDATA/clean-bad.ndjson" 2>&1 | wc -l
