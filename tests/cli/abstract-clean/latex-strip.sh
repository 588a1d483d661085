abstract-clean --min-words 0 --latex strip "$TESTDATA/clean-latex.jsonl" | jq -r ".title, .abstract"
