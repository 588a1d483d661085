# --resume across 1 -> 2 -> 1 processes (the checkpoint holds nothing of the
# number of processes; the data position is the global step): 2 steps alone,
# 2 under mpirun -np 2 from checkpoint-2, the last 2 alone from checkpoint-4
# equal 6 steps alone (losses within relative 1e-5, adapter within 1e-6).
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok -v $TESTDATA/lt-val.tok --batch-size 8 --micro-batch-size 2 --max-steps 6 --eval-steps 2 --warmup-steps 2 --learning-rate 1e-2 --lora-target q,v,down -j 1"
lora-train $a -o "$TMP/a" --log "$TMP/a.log" || exit 1
lora-train $a -o "$TMP/b" --log "$TMP/b.log" --stop-after 2 || exit 1
mpirun2 lora-train $a -o "$TMP/b" --log "$TMP/b.log" --resume "$TMP/b/checkpoint-2" --stop-after 2 || exit 1
lora-train $a -o "$TMP/b" --log "$TMP/b.log" --resume "$TMP/b/checkpoint-4" || exit 1
ls "$TMP/b"
python3 mpi_close.py log "$TMP/a.log" "$TMP/b.log" 1e-5
python3 mpi_close.py weights "$TMP/a/adapter_model.safetensors" "$TMP/b/adapter_model.safetensors" 1e-6
