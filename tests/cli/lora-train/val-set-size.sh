# --val-set-size N without --val: N of the 38 training examples are held out
# (the training set drops to 32) and evaluated at --eval-steps and at the end;
# the same seed picks the same examples.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 --eval-steps 2 -j 1"
lora-train $a --val-set-size 6 -o "$TMP/out" --log "$TMP/log" --progress || exit 1
jq -c '{type, step, val_tokens, has_loss: ((.loss // .val_loss) > 0)}' "$TMP/log"
lora-train $a --val-set-size 6 -o "$TMP/out2" --log "$TMP/log2" 2>/dev/null || exit 1
jq -c 'select(.type == "eval") | .val_loss' "$TMP/log" > "$TMP/a"
jq -c 'select(.type == "eval") | .val_loss' "$TMP/log2" > "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && echo "same seed, same validation set"
# another seed holds out other examples
lora-train $a --val-set-size 6 --seed 7 -o "$TMP/out3" --log "$TMP/log3" 2>/dev/null || exit 1
jq -c 'select(.type == "eval") | .val_tokens' "$TMP/log3" | head -1 | grep -qx 131 && echo "same tokens with another seed?"
exit 0
