# a normalizer we cannot reproduce exactly (NFC, as in Qwen2) is refused by name
echo '{"normalizer":{"type":"NFC"},"model":{"type":"BPE","vocab":{"a":0},"merges":[]}}' > $TMP/tokenizer.json
tok-encode -t $TMP/tokenizer.json -f ids < /dev/null
