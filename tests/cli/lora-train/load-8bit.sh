# --load-8bit: the frozen base is quantised to int8 (blocks of 32, as title-gen
# --load-8bit) and forward and backward go through the 8-bit matmul; the loss
# at step 1 is within 1% of the 32-bit run's and goes down as training goes on.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --num-epochs 3 --warmup-steps 1
   --learning-rate 2e-2 --lora-dropout 0 --lora-target q,k,v,o,gate,up,down -j 2"
lora-train $a -o "$TMP/f" --log "$TMP/f.log" || exit 1
lora-train $a -o "$TMP/q" --log "$TMP/q.log" --load-8bit || exit 1
jq -s -r '[.[] | select(.type == "train")] | if ((.[-3:] | map(.loss) | add / 3) < .[0].loss - 0.5)
          then "8-bit: loss goes down" else "8-bit: loss does not go down" end' "$TMP/q.log"
f=$(jq -s '[.[] | select(.type == "train")][0].loss' "$TMP/f.log")
q=$(jq -s '[.[] | select(.type == "train")][0].loss' "$TMP/q.log")
echo "step 1 loss: 32-bit $f, 8-bit $q" >&2
jq -rn --argjson f "$f" --argjson q "$q" 'if (($q - $f) | fabs) < 0.01 * $f then "step 1 within 1%" else "step 1 off" end'
jq -rn --argjson f "$f" --argjson q "$q" 'if $q != $f then "8-bit weights used" else "same loss: not quantised?" end'
cmp -s "$TMP/f/adapter_model.safetensors" "$TMP/q/adapter_model.safetensors" || echo "adapters differ"
# with --full it is a usage error
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/x" --full --load-8bit 2>/dev/null
echo "--full --load-8bit: $?"
