# -j 3 gives the same stream as -j 1
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" > $TMP/a
tok-encode -m "$SHARED/models/llama2-tokenizer" --text -j 3 "$TESTDATA/tok-arxiv.txt" > $TMP/b
cmp $TMP/a $TMP/b && echo same
