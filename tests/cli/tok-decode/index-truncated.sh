# a truncated index is refused
M="$SHARED/models/llama2-tokenizer"
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
head -c 1000 $TMP/s.idx > $TMP/t.idx
tok-decode -m $M --index $TMP/t.idx -r 0 $TMP/s
