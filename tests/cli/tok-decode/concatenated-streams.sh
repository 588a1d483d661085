# streams concatenated with cat decode as one (a header may appear between records)
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" > $TMP/a
head -3 "$TESTDATA/tok-arxiv.txt" | tok-encode -m "$SHARED/models/llama2-tokenizer" --text > $TMP/b
cat $TMP/a $TMP/b $TMP/a > $TMP/c
tok-decode -m "$SHARED/models/llama2-tokenizer" $TMP/c | wc -l
grep -vc "^\$" "$TESTDATA/tok-arxiv.txt"
