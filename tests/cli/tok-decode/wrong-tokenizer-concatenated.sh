# a concatenated part made with another tokenizer is refused where it starts
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" > $TMP/a
cp $TMP/a $TMP/b
printf "\\001" | dd of=$TMP/b bs=1 seek=16 conv=notrunc 2>/dev/null
cat $TMP/a $TMP/b | tok-decode -m "$SHARED/models/llama2-tokenizer" > $TMP/o; st=$?; wc -l < $TMP/o; exit $st
