# --init: a new model from tests/data/lt-model/config.json (normal(0, 0.02)
# weights, RMSNorm ones), pretrained on a --text stream of real abstracts
# (response start 0: every token after the first is a label). The first loss
# is about ln(vocab 3556) = 8.18, the validation loss goes down, the output is
# a full HF-layout model that title-gen and lora-train --model load.
zstdcat "$SHARED/data/arxiv/arxiv-2020.ndjson.zst" | head -120 |
    jq -r '.abstract | gsub("\\s+"; " ") | ltrimstr(" ") | .[0:300]' > "$TMP/abs.txt"
tok-encode -m "$TESTDATA/lt-model" --text -q -o "$TMP/text.tok" "$TMP/abs.txt" || exit 1
lora-train --init "$TESTDATA/lt-model/config.json" -t "$TMP/text.tok" -v "$TMP/text.tok" -o "$TMP/m" \
    --batch-size 16 --micro-batch-size 8 --max-steps 8 --warmup-steps 1 --learning-rate 1e-2 --eval-steps 2 \
    --log "$TMP/log" -j 2 || exit 1
ls "$TMP/m"
jq -s -r '[.[] | select(.type == "train")][0] | if (.loss - 8.176 | fabs) < 0.05 then "first loss ln(vocab)" else "first loss \(.loss)" end' "$TMP/log"
jq -s -r '[.[] | select(.type == "train")][0] | if .label_tokens == .tokens - 16 then "every token a label" else "labels \(.label_tokens) of \(.tokens)" end' "$TMP/log"
jq -s -r '[.[] | select(.type == "eval") | .val_loss] | if .[-1] < .[0] - 0.2 then "val loss goes down" else "val loss \(.)" end' "$TMP/log"
head -1 "$TMP/abs.txt" | title-gen -m "$TMP/m" --text --beams 1 --ids --max-new-tokens 4 >/dev/null && echo "title-gen loads it"
lora-train -m "$TMP/m" -t "$TMP/text.tok" -o "$TMP/lora" --batch-size 8 --micro-batch-size 8 --max-steps 1 -j 2 &&
    ls "$TMP/lora"
