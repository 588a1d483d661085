# Empty input: no pairs, exit 0; with --out the three files are created, empty.
cd "$TMP"
pair-build < /dev/null | wc -c
pair-build --out e < /dev/null
wc -c e.train.jsonl e.val.jsonl e.test.jsonl
ls -A | grep -c tmp; true
