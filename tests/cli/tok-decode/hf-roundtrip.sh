# real titles and abstracts through a LLaMA-3-style byte-level tokenizer.json and back: the text comes back byte for byte
tail -300 "$TESTDATA/hf-fixture.txt" > $TMP/lines
tok-encode -t "$TESTDATA/hf-llama3.tokenizer.json" --text $TMP/lines > $TMP/s
tok-decode -t "$TESTDATA/hf-llama3.tokenizer.json" $TMP/s | cmp - $TMP/lines && echo same
