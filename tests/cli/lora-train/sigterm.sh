# SIGTERM: the current step ends, a checkpoint is saved, exit 130; --resume continues.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 100000 -j 1"
lora-train $a -o "$TMP/b" --log "$TMP/log" &
pid=$!
for i in $(seq 200); do [ -s "$TMP/log" ] && break; sleep 0.05; done
kill -TERM $pid
wait $pid
echo "exit $?"
ck=$(ls -d "$TMP"/b/checkpoint-* | head -1)
step=${ck##*-}
[ "$(jq -s 'length' "$TMP/log")" -ge "$step" ] && echo "checkpoint at the last logged step"
ls "$ck"
