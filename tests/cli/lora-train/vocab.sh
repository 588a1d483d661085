# Token ids past the model's vocabulary are refused (model without a tokenizer:
# no fingerprint check).
lora-train -m "$TESTDATA/train-gqa" -t "$TESTDATA/lt-short.tok" -o "$TMP/out"
