# a stream made with one tokenizer.json is refused with another (the fingerprint covers the file)
echo "Attention is all you need" | tok-encode -t "$TESTDATA/hf-gpt2.tokenizer.json" --text > $TMP/s
tok-decode -t "$TESTDATA/hf-llama3.tokenizer.json" $TMP/s
