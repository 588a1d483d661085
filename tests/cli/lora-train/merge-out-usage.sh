# --lora is for merging (--merge-out) or writing the adapter anew (--out): it needs one of them, not both, and
# excludes --train; --merge-out excludes --full.
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/x"; echo "lora without merge-out or out: $?"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/x" --merge-out "$TMP/m" -o "$TMP/o"; echo "lora with both: $?"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/x" -t "$TESTDATA/lt-train.tok" --merge-out "$TMP/m"; echo "lora with train: $?"
lora-train -m "$TESTDATA/lt-model" --full -t "$TESTDATA/lt-train.tok" -o "$TMP/o" --merge-out "$TMP/m"; echo "full: $?"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/missing" --merge-out "$TMP/m"; echo "missing adapter: $?"
[ -e "$TMP/m" ] || [ -e "$TMP/o" ] && echo "output written"
exit 0
