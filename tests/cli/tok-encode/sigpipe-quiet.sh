# a closed pipe ends tok-encode quietly
tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids "$TESTDATA/tok-arxiv.txt" "$TESTDATA/tok-arxiv.txt" "$TESTDATA/tok-arxiv.txt" | head -1
