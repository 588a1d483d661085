# --model DIR: DIR/tokenizer.json when there is no tokenizer.model, DIR/tokenizer.model when both are there
mkdir $TMP/json $TMP/both
cp "$TESTDATA/hf-gpt2.tokenizer.json" $TMP/json/tokenizer.json
cp "$TESTDATA/hf-gpt2.tokenizer.json" $TMP/both/tokenizer.json
cp "$SHARED/models/llama2-tokenizer/tokenizer.model" $TMP/both/tokenizer.model
echo "Attention is all you need" | tok-encode -m $TMP/json -f ids
echo "Attention is all you need" | tok-encode -m $TMP/both -f ids
