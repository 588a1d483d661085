# The tokenizer.json has the layout of tests/data/hf-spm.tokenizer.json
# (made by the tokenizers library) apart from the vocabulary and merges.
set -e
printf 'hello world\nhello there\n' | tok-train -n 280 -i text > "$TMP/tok.json"
diff <(jq 'del(.model.vocab, .model.merges)' "$TESTDATA/hf-spm.tokenizer.json") \
     <(jq 'del(.model.vocab, .model.merges)' "$TMP/tok.json") && echo same layout
jq -c '[.model.vocab | to_entries[] | select(.value < 4 or (.value > 256 and .value < 262))]' "$TMP/tok.json"
