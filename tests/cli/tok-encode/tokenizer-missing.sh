# a tokenizer that cannot be opened: exit 66
tok-encode -m $TMP/nowhere -f ids < /dev/null
