# --init writes the new model into $TMPDIR/lora-train-init.XXXXXX; such a
# folder left by a run killed with SIGKILL (nobody holds its lock; here made by
# hand) is removed by the next --init. One a live run holds (flock(1) stands in
# for it) and other names are left alone.
export TMPDIR="$TMP/t"
mkdir -p "$TMPDIR/lora-train-init.Abc123" "$TMPDIR/lora-train-init.Live00" "$TMPDIR/lora-train-init.keep"
cp "$TESTDATA/lt-model/config.json" "$TMPDIR/lora-train-init.Abc123/"
head -c 100000 /dev/zero > "$TMPDIR/lora-train-init.Abc123/model.safetensors"
touch "$TMPDIR/lora-train-init.Live00/model.safetensors"
flock "$TMPDIR/lora-train-init.Live00" sleep 10 &
holder=$!
sleep 0.3
lora-train --init "$TESTDATA/lt-model/config.json" -t "$TESTDATA/lt-train.tok" --batch-size 4 --micro-batch-size 4 \
    --max-steps 1 --learning-rate 0 -j 1 -o "$TMP/a" || exit 1
ls -A "$TMPDIR"
kill $holder
wait 2>/dev/null
