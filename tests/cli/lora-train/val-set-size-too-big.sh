# --val-set-size must leave at least one example to train on; with --val it is a usage error.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/out" --max-steps 1 --val-set-size 38 -j 1
rc=$?
[ -e "$TMP/out" ] && echo "output written"
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -v "$TESTDATA/lt-val.tok" -o "$TMP/out" --val-set-size 2 -j 1
echo "with --val: $?"
exit $rc
