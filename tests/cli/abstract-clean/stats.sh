abstract-clean --min-words 3 --max-words 8 --title-max-words 6 --stats "$TESTDATA/clean-misc.ndjson" > /dev/null
