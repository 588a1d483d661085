# A closed pipe ends pair-build quietly (no message on standard error).
for i in $(seq 100); do cat "$TESTDATA/pair-basic.jsonl"; done > "$TMP/big"
pair-build --no-dedupe "$TMP/big" | head -1 | wc -l
