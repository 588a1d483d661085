# a truncated tokenizer.json: invalid JSON, the file named, exit 65
head -c 5000 "$TESTDATA/hf-gpt2.tokenizer.json" > $TMP/tokenizer.json
tok-encode -t $TMP/tokenizer.json -f ids < /dev/null
