# A key given twice in config.json counts with its last value, as Python's
# json.load (Hugging Face's from_pretrained) reads it: the model below loads
# as the tiny model it is and writes the same titles.
. ./tg-model.inc
g() { title-gen -m "$M" --text --ids -b 1 --max-new-tokens 6 < "$ABS" | jq -c '[.titles[] | .ids]'; }
want=$(g)
sed -e 's/^{/{ "num_hidden_layers": 7, "hidden_size": 64, "eos_token_id": 5,/' "$TESTDATA/tg-model/config.json" > "$M/config.json"
[ "$(g)" = "$want" ] && echo "same titles: the last value of each key counts"
