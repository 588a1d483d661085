# --records beyond the last record is an error before anything is printed
M="$SHARED/models/llama2-tokenizer"
tok-encode -m $M --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
tok-decode -m $M --index $TMP/s.idx -r 0 -r 548-550 $TMP/s
