# --stats reports counts and table memory on standard error.
pair-build --stats --split 1:0:0 "$TESTDATA/pair-dups.jsonl" > /dev/null
