# an index whose fingerprint is not the stream's is refused
M="$SHARED/models/llama2-tokenizer"
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
printf "\\001\\002\\003\\004\\005\\006\\007\\010" | dd of=$TMP/s.idx bs=1 seek=8 conv=notrunc 2>/dev/null
tok-decode -m $M --index $TMP/s.idx -r 0 $TMP/s
