# no tokenizer given: usage error
tok-encode -f ids < /dev/null
