# Exact output for 8 real records (checked against the records by fields.sh).
pair-build "$TESTDATA/pair-basic.jsonl"
