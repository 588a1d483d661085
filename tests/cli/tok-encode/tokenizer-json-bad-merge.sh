# a merge whose result is not in the vocabulary makes the tokenizer.json unusable
echo '{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":["a b"]}}' > $TMP/bad.json
tok-encode -t $TMP/bad.json -f ids < /dev/null
