# A truncated checkpoint is refused.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 -j 1"
lora-train $a -o "$TMP/b" --stop-after 2 || exit 1
f="$TMP/b/checkpoint-2/checkpoint.safetensors"
truncate -s -10 "$f"
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-2"
