# --strict stops at the first malformed line (exit 65) and writes no output file
# (old ones stay as they were); on standard output, the pairs before it only.
cd "$TMP"
mkdir w; echo old > w/x.train.jsonl
pair-build --strict --out w/x "$TESTDATA/pair-bad.jsonl"
echo "status $?"
ls -A w
cat w/x.train.jsonl
pair-build --strict "$TESTDATA/pair-bad.jsonl" | wc -l
