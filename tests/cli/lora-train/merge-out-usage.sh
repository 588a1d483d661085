# --lora is only for merging: it needs --merge-out and excludes --train; --merge-out excludes --full.
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/x" -o "$TMP/o"; echo "lora without merge-out: $?"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/x" -t "$TESTDATA/lt-train.tok" --merge-out "$TMP/m"; echo "lora with train: $?"
lora-train -m "$TESTDATA/lt-model" --full -t "$TESTDATA/lt-train.tok" -o "$TMP/o" --merge-out "$TMP/m"; echo "full: $?"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/missing" --merge-out "$TMP/m"; echo "missing adapter: $?"
[ -e "$TMP/m" ] && echo "output written"
exit 0
