# --log: one JSON object per step and per evaluation; --progress lines on stderr.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -v "$TESTDATA/lt-val.tok" -o "$TMP/out" \
    --batch-size 8 --micro-batch-size 4 --max-steps 4 --eval-steps 2 --log "$TMP/log" --progress -j 1
jq -c '{type, step, epoch, tokens, val_tokens, has_loss: ((.loss // .val_loss) > 0), has_rate: (.type == "eval" or .tokens_per_s > 0)}' "$TMP/log"
