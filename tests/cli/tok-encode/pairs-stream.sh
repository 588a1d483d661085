# pairs rendered with the alpaca template, BOS/EOS, response start: decoded back (ids checked against Python sentencepiece when made)
tok-encode -m "$SHARED/models/llama2-tokenizer" "$TESTDATA/tok-pairs.jsonl" > $TMP/s
head -c 32 $TMP/s | od -An -tx1
tok-decode -m "$SHARED/models/llama2-tokenizer" -f json $TMP/s
