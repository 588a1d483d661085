lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/out" --lora-target q_proj,foo
