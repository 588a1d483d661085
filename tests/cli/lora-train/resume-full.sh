# --full: the whole model is trained and written in the HF layout; a resumed
# run matches a straight one byte for byte (weights and AdamW state restored).
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --full --batch-size 8 --micro-batch-size 4 --max-steps 4 --warmup-steps 1 --learning-rate 1e-2 -j 2"
lora-train $a -o "$TMP/a" || exit 1
lora-train $a -o "$TMP/b" --stop-after 2 || exit 1
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-2" || exit 1
ls "$TMP/a"
cmp "$TMP/a/model.safetensors" "$TMP/b/model.safetensors" && echo "resumed: same model"
cmp "$TMP/a/config.json" "$TESTDATA/lt-model/config.json" && echo "config.json copied"
f="$TMP/a/model.safetensors"
n=$(od -An -tu8 -N8 "$f" | tr -d ' ')
tail -c +9 "$f" | head -c "$n" | jq -r 'to_entries[] | select(.key != "__metadata__") | "\(.key) \(.value.dtype) \(.value.shape|tostring)"' | sort
