# a stream whose fingerprint is not the tokenizer's is refused
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" > $TMP/s
printf "\\001\\002\\003\\004\\005\\006\\007\\010" | dd of=$TMP/s bs=1 seek=16 conv=notrunc 2>/dev/null
tok-decode -m "$SHARED/models/llama2-tokenizer" $TMP/s
