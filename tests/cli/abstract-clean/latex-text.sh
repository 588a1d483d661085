abstract-clean --latex=text --min-words 3 "$TESTDATA/clean-latex.ndjson"
