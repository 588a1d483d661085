# A checkpoint with a flipped byte in its data is refused (checksum).
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 -j 1"
lora-train $a -o "$TMP/b" --stop-after 2 || exit 1
f="$TMP/b/checkpoint-2/checkpoint.safetensors"
size=$(stat -c %s "$f")
printf '\001' | dd of="$f" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-2"
