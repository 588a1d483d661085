abstract-clean --min-words 0 --latex text "$TESTDATA/clean-latex.jsonl" | jq -r ".title, .abstract"
