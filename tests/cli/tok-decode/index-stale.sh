# an index made before the stream was appended to is refused as stale
M="$SHARED/models/llama2-tokenizer"
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
head -3 "$TESTDATA/tok-arxiv.txt" | tok-encode -m $M --text >> $TMP/s
tok-decode -m $M --index $TMP/s.idx -r 0 $TMP/s
