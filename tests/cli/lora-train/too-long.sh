# Examples longer than --cutoff-len are refused, naming the example.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-long.tok" -o "$TMP/out" --cutoff-len 64
