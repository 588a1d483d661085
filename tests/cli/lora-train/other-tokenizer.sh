# A stream made with another tokenizer than the model's is refused.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-gpt2.tok" -o "$TMP/out"
