# Under a time split a record without a valid v1_date cannot be placed: it is
# reported as malformed and skipped (exit 65); without a time split it is fine.
grep -v '"id":"0704.0003"' "$TESTDATA/pair-basic.jsonl" > "$TMP/in"
grep '"id":"0704.0003"' "$TESTDATA/pair-basic.jsonl" | sed 's/"v1_date":"[^"]*"/"v1_date":"April 2007"/' >> "$TMP/in"
grep '"id":"0704.0002"' "$TESTDATA/pair-basic.jsonl" | sed 's/"v1_date":"[^"]*",//; s/"0704.0002"/"0704.9999"/; s/"title":"/"title":"x/' >> "$TMP/in"
pair-build --no-dedupe "$TMP/in" | wc -l
pair-build --test-since 2007-04-01 "$TMP/in" > "$TMP/out"
status=$?
wc -l < "$TMP/out"
exit $status
