# a file that is not a token stream
tok-decode -m "$SHARED/models/llama2-tokenizer" "$TESTDATA/tok-arxiv.txt"
