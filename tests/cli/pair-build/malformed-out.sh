# Without --strict, malformed lines do not stop --out: the files are written, exit 65.
cd "$TMP"
pair-build --out x < "$TESTDATA/pair-bad.jsonl"
status=$?
cat x.train.jsonl x.val.jsonl x.test.jsonl | wc -l
exit $status
