abstract-clean --min-words 3 --max-words 8 --title-min-words 2 --title-max-words 6 "$TESTDATA/clean-misc.ndjson" | grep -o "\"id\":\"[a-z0-9]*\""
