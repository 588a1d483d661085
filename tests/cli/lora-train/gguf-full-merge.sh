# --full and --merge-out write a Hugging Face model folder, which a GGUF base
# cannot give (no config.json, no tokenizer files): refused before any
# training (exit 64), naming the file
T=$TESTDATA/gguf
lora-train -m "$T/tiny-f16.gguf" --full -t "$TESTDATA/lt-train.tok" -o $TMP/full; echo "--full: exit $?"
lora-train -m "$T/tiny-f16.gguf" --merge-out $TMP/m -t "$TESTDATA/lt-train.tok" -o $TMP/a; echo "--merge-out: exit $?"
lora-train -m "$T/tiny-f16.gguf" --lora "$T/lora-f16" --merge-out $TMP/m; echo "--lora --merge-out: exit $?"
ls $TMP
