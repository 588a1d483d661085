abstract-clean --min-words 3 "$TESTDATA/clean-misc.ndjson" | grep "\"id\":\"p" | grep -o "\"title\":\"[^\"]*\""
