# encode then decode gives back every line of real text
tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids "$TESTDATA/tok-arxiv.txt" | tok-decode -m "$SHARED/models/llama2-tokenizer" --ids | cmp - "$TESTDATA/tok-arxiv.txt" && echo same
