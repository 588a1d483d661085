# Real data: arXiv pairs from the dump, tokenized with tok-encode and the tiny
# model's own tokenizer (hf-spm), trained for a few steps (LoRA on every
# layer): the validation loss on the training set goes down.
head -40 "$TESTDATA/lt-pairs.jsonl" |
    tok-encode -m "$TESTDATA/lt-model" --template "$TESTDATA/lt-short.template.json" --cutoff-len 64 -q -o "$TMP/train.tok" 2>/dev/null
lora-train -m "$TESTDATA/lt-model" -t "$TMP/train.tok" -v "$TMP/train.tok" -o "$TMP/out" --batch-size 8 \
    --micro-batch-size 4 --num-epochs 2 --warmup-steps 1 --learning-rate 2e-2 --lora-dropout 0 \
    --lora-target q,k,v,o,gate,up,down --eval-steps 1 --log "$TMP/log" -j 2 || exit 1
first=$(jq -s '[.[] | select(.type == "eval")][0].val_loss' "$TMP/log")
last=$(jq -s '[.[] | select(.type == "eval")][-1].val_loss' "$TMP/log")
echo "val loss first $first last $last" >&2
jq -n --argjson a "$first" --argjson b "$last" 'if $b < $a - 0.05 then "loss goes down" else "loss does not go down" end'
