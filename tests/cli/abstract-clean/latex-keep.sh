abstract-clean --min-words 0 "$TESTDATA/clean-latex.jsonl" | jq -r ".title, .abstract"
