# A merge killed while it writes (SIGTERM, here while it copies a tokenizer file
# that is a FIFO nobody writes, so the kill lands mid-write every time): the old
# --merge-out folder is untouched and no half-written DIR.tmp.XXXXXX is left behind.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/ad" --batch-size 8 --max-steps 2 \
    --warmup-steps 1 --lora-dropout 0 --merge-out "$TMP/merged" -j 1 2>/dev/null || exit 1
cp "$TMP/merged/model.safetensors" "$TMP/before.safetensors"
mkdir "$TMP/base"
cp "$TESTDATA/lt-model"/* "$TMP/base/"
mkfifo "$TMP/base/special_tokens_map.json"
lora-train -m "$TMP/base" --lora "$TMP/ad" --merge-out "$TMP/merged" --dtype bf16 2>"$TMP/err" &
pid=$!
i=0
while ! ls "$TMP"/merged.tmp.??????/config.json >/dev/null 2>&1 && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
ls -d "$TMP"/merged.tmp.?????? >/dev/null 2>&1 && echo "writing $TMP/merged.tmp.XXXXXX" | sed "s|$TMP|TMP|"
sleep 0.2
kill -TERM $pid
wait $pid
echo "exit $?"
ls -d "$TMP"/merged* | sed "s|$TMP|TMP|"
cmp -s "$TMP/before.safetensors" "$TMP/merged/model.safetensors" && echo "old merge intact"
ls "$TMP/merged"
