# a stream cut in the middle of a record: the whole records are decoded, then an error
tok-encode -m "$SHARED/models/llama2-tokenizer" --text "$TESTDATA/tok-arxiv.txt" | head -c 1000 > $TMP/s
tok-decode -m "$SHARED/models/llama2-tokenizer" $TMP/s > $TMP/o; st=$?; wc -l < $TMP/o; exit $st
