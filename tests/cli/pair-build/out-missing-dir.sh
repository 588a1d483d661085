# --out into a folder that does not exist: error, exit 73, nothing created.
pair-build --out "$TMP/no/such/dir/x" "$TESTDATA/pair-basic.jsonl"
status=$?
ls -A "$TMP" | grep -v '^\.std' 
exit $status
