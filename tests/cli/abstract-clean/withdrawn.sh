abstract-clean --min-words 3 --stats "$TESTDATA/clean-misc.ndjson" 2>&1 >/dev/null | grep withdrawn
