abstract-clean --min-words 3 "$TESTDATA/clean-misc.ndjson" | grep -o "\"id\":\"k[0-9]\""
