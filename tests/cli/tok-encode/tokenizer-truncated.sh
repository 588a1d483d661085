# a truncated tokenizer.model is refused
head -c 300000 "$SHARED/models/llama2-tokenizer/tokenizer.model" > $TMP/tokenizer.model
tok-encode -m $TMP -f ids < /dev/null
