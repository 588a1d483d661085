# De-duplication spans all input files (and '-' for standard input).
pair-build "$TESTDATA/pair-basic.jsonl" - < "$TESTDATA/pair-dups.jsonl" | wc -l
