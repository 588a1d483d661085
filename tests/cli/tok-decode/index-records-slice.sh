# --index with --records prints the same records as the matching lines of a full decode, in the order asked
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" -o $TMP/s --index $TMP/s.idx
tok-decode -m "$SHARED/models/llama2-tokenizer" $TMP/s > $TMP/full
tok-decode -m "$SHARED/models/llama2-tokenizer" --index $TMP/s.idx --records 100-104 -r 7 -r 549 $TMP/s > $TMP/part
(sed -n 101,105p $TMP/full; sed -n 8p $TMP/full; sed -n 550p $TMP/full) | cmp - $TMP/part && echo slice same
tok-decode -m "$SHARED/models/llama2-tokenizer" --index $TMP/s.idx $TMP/s | cmp - $TMP/full && echo all same
cat $TMP/part
