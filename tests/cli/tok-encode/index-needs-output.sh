# --index without -o STREAM is a usage error
tok-encode -m "$SHARED/models/llama2-tokenizer" --text --index $TMP/s.idx < "$TESTDATA/tok-arxiv.txt"
