# a Hugging Face tokenizer.json is recognised and refused for now
echo "{\"version\":\"1.0\",\"model\":{\"type\":\"BPE\"}}" > $TMP/tokenizer.json
tok-encode -t $TMP/tokenizer.json -f ids < /dev/null
