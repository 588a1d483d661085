abstract-clean --min-words 3 "$TESTDATA/clean-latex.ndjson"
