# --ids: an id past the vocabulary is an error with its line
printf "1 2 3\n5 32000\n" | tok-decode -m "$SHARED/models/llama2-tokenizer" --ids
