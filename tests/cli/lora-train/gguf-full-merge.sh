# --full writes a Hugging Face model folder, which a GGUF base cannot give (no
# config.json, no tokenizer files): refused before any training (exit 64),
# naming the file. --merge-out from a GGUF base writes a GGUF file: a folder
# name is refused, saying to name a .gguf file; a .gguf name from a Hugging
# Face base is refused too (its tokenizer is not GGUF metadata), and so is
# --dtype q8_0 for a folder. Nothing is written.
T=$TESTDATA/gguf
lora-train -m "$T/tiny-f16.gguf" --full -t "$TESTDATA/lt-train.tok" -o $TMP/full; echo "--full: exit $?"
lora-train -m "$T/tiny-f16.gguf" --merge-out $TMP/m -t "$TESTDATA/lt-train.tok" -o $TMP/a; echo "--merge-out DIR: exit $?"
lora-train -m "$T/tiny-f16.gguf" --lora "$T/lora-f16" --merge-out $TMP/m; echo "--lora --merge-out DIR: exit $?"
lora-train -m "$TESTDATA/lt-model" --lora "$T/lora-f16" --merge-out $TMP/m.gguf; echo "Hugging Face base, --merge-out FILE.gguf: exit $?"
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o $TMP/a --merge-out $TMP/m.GGUF; echo "the same after training: exit $?"
lora-train -m "$TESTDATA/lt-model" --lora "$T/lora-f16" --merge-out $TMP/m --dtype q8_0; echo "--dtype q8_0 for a folder: exit $?"
ls $TMP
