# A fault in the middle of a run under mpirun -np 2: after checkpoint-2,
# rank 0 cannot write checkpoint-4 (a file stands at its path). Every rank
# stops at once (well within 30 s) with the error naming rank 0 and the path,
# exit 74; checkpoint-2 is intact, and --resume from it, again with 2
# processes, ends with the adapter of a run that never failed (within 1e-6).
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 4 --micro-batch-size 2 --max-steps 6 --save-steps 2 --warmup-steps 1 --learning-rate 1e-2 --lora-target q,v -j 1"
lora-train $a -o "$TMP/ref" || exit 1
mkdir "$TMP/o" && touch "$TMP/o/checkpoint-4"
t0=$(date +%s)
timeout 120 mpirun -np 2 --oversubscribe --bind-to none lora-train $a -o "$TMP/o" 2> "$TMP/err"
echo "exit $?"
[ $(($(date +%s) - t0)) -le 30 ] && echo "ended within 30 s"
grep -o 'lora-train: rank 0: .*/o/checkpoint-4.*' "$TMP/err" | sed -e 's|: /.*/o/|: OUT/|' -e 's/[.]tmp[.][A-Za-z0-9]*/.tmp.XXXXXX/'
(cd "$TMP/o" && ls * )
rm "$TMP/o/checkpoint-4"
mpirun2 lora-train $a -o "$TMP/o" --resume "$TMP/o/checkpoint-2" || exit 1
python3 mpi_close.py weights "$TMP/ref/adapter_model.safetensors" "$TMP/o/adapter_model.safetensors" 1e-6
