# BOS and EOS come from the model's files as Hugging Face reads them, not from
# the tokenizer's guesses: here a tokenizer.json (GPT-2's kind) whose only
# special token, <|endoftext|> = 0, is no BOS in its post-processor, beside a
# config.json with bos_token_id 1 and eos_token_id 2. Then tokenizer_config.json
# (bos_token, eos_token, add_bos_token) and generation_config.json's ids win
# in their turn. --stats (title-gen; tok-encode with -m) says which file gave them.
. ./tg-model.inc
rm "$M/tokenizer.model"
cp "$TESTDATA/hf-gpt2.tokenizer.json" "$M/tokenizer.json"
printf '{"instruction":"i","input":"a b","output":"c"}\n' > "$TMP/pair"
show() {
    title-gen -m "$M" --text -b 1 --max-new-tokens 2 --stats < "$ABS" 2>&1 >/dev/null | grep -o 'special tokens: .*'
    tok-encode -m "$M" -f ids --pairs --bos --eos "$TMP/pair" 2>/dev/null | awk '{print "tok-encode --bos --eos: first " $1 ", last " $NF}'
    tok-encode -m "$M" --stats -o "$TMP/s" "$TMP/pair" 2>&1 | grep -o 'special tokens: .*'
}
echo "== config.json"; show
echo '{"eos_token_id": [5, 2], "num_beams": 1}' > "$M/generation_config.json"
echo "== generation_config.json"; show
echo '{"bos_token": {"content": "<|endoftext|>", "lstrip": false}, "eos_token": "!", "add_bos_token": false}' > "$M/tokenizer_config.json"
echo "== tokenizer_config.json"; show
echo '{"bos_token": 7}' > "$M/tokenizer_config.json"
echo x | title-gen -m "$M" --text > /dev/null; echo "bad bos_token: $?"
