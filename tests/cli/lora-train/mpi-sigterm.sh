# SIGTERM to mpirun (which passes it on to the ranks) under -np 2: every rank
# stops at the end of the same step (the signal is agreed on in the step's
# all-reduce), rank 0 saves a checkpoint there and says so once; --resume
# continues from it with one process.
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 2 --max-steps 100000 --lora-target q,v -j 1"
timeout 300 mpirun -np 2 --oversubscribe --bind-to none lora-train $a -o "$TMP/o" --log "$TMP/log" 2>"$TMP/err" &
pid=$!
i=0
until grep -q '"step":20,' "$TMP/log" 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
    [ "$i" -lt 600 ] || { echo "no step 20 after 60 s" >&2; kill "$pid"; exit 1; }
done
ps -o pid= --ppid "$pid" | while read -r m; do kill -TERM "$m"; done     # mpirun, timeout's child
wait "$pid"
grep -c 'interrupted at step' "$TMP/err"
ck=$(sed -n 's/.*checkpoint saved in \([^ ]*\) .*/\1/p' "$TMP/err")
n=${ck##*-}
[ "$(tail -n 1 "$TMP/log" | jq .step)" = "$n" ] && echo "checkpoint at the log's last step"
lora-train $a -o "$TMP/o" --resume "$ck" --stop-after 1 || exit 1
[ -f "$TMP/o/checkpoint-$((n + 1))/checkpoint.safetensors" ] && echo "resumed: checkpoint one step later"
