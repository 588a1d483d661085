# A rank killed (SIGKILL) in the middle of a run under mpirun -np 2: the job
# ends within 30 s, mpirun naming rank 1; the last complete checkpoint is
# intact (its checksum checked on read) and --resume continues from it, here
# with one process.
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 2 --max-steps 100000 --save-steps 20 --warmup-steps 2 --lora-target q,v -j 1"
timeout 300 mpirun -np 2 --oversubscribe --bind-to none lora-train $a -o "$TMP/o" 2>"$TMP/err" &
tpid=$!
i=0
while [ ! -f "$TMP/o/checkpoint-40/checkpoint.safetensors" ]; do
    sleep 0.1; i=$((i + 1))
    [ "$i" -lt 600 ] || { echo "no checkpoint-40 after 60 s" >&2; kill "$tpid"; exit 1; }
done
# rank 1: the child of mpirun (itself timeout's child) whose environment says so
for m in $(ps -o pid= --ppid "$tpid"); do
    for p in $(ps -o pid= --ppid "$m"); do
        tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1 && r1=$p
    done
done
[ -n "${r1:-}" ] || { echo "rank 1 not found" >&2; kill "$tpid"; exit 1; }
t0=$(date +%s)
kill -9 "$r1"
wait "$tpid"
rc=$?
t=$(($(date +%s) - t0))
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && echo "mpirun: exit status not 0"
[ "$t" -le 30 ] && echo "the job ended within 30 s"
grep -q 'rank 1 .*exited on signal 9' "$TMP/err" && echo "mpirun names rank 1"
last=$(for d in "$TMP"/o/checkpoint-*/checkpoint.safetensors; do d=${d%/checkpoint.safetensors}; echo "${d##*-}"; done | sort -n | tail -n 1)
[ "$last" -ge 40 ] && echo "last checkpoint at step 40 or later"
lora-train $a -o "$TMP/o" --resume "$TMP/o/checkpoint-$last" --stop-after 1 || exit 1
[ -f "$TMP/o/checkpoint-$((last + 1))/checkpoint.safetensors" ] && echo "resumed: checkpoint one step later"
