# pairs with a byte-level tokenizer.json and --cutoff-len: the abstract is shortened at a token boundary, the title and EOS kept; decoded back
head -3 "$TESTDATA/tok-pairs.jsonl" > $TMP/p
tok-encode -t "$TESTDATA/hf-llama3.tokenizer.json" --cutoff-len 150 --stats $TMP/p 2>$TMP/err > $TMP/s
cat $TMP/err
tok-decode -t "$TESTDATA/hf-llama3.tokenizer.json" -f json $TMP/s
