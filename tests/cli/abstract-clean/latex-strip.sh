abstract-clean --latex strip --min-words 3 "$TESTDATA/clean-latex.ndjson"
