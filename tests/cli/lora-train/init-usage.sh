# --init takes no --model; a missing CONFIG is exit 66
lora-train --init "$TESTDATA/lt-model/config.json" -m "$TESTDATA/lt-model" -t x -o "$TMP/o"
echo "both: $?"
lora-train --init "$TMP/missing.json" -t "$TESTDATA/lt-train.tok" -o "$TMP/o"
echo "missing: $?"
