# mpirun -np 2 against one process, --full (every weight's gradient summed
# over the ranks), 3 micro-batches a step (2 on rank 0, 1 on rank 1): losses
# within relative 1e-5, the weights within 1e-6 absolute.
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --full --batch-size 6 --micro-batch-size 2 --max-steps 4 --warmup-steps 1 --learning-rate 1e-3 -j 1"
lora-train $a -o "$TMP/one" --log "$TMP/one.log" || exit 1
mpirun2 lora-train $a -o "$TMP/two" --log "$TMP/two.log" || exit 1
python3 mpi_close.py log "$TMP/one.log" "$TMP/two.log" 1e-5
python3 mpi_close.py weights "$TMP/one/model.safetensors" "$TMP/two/model.safetensors" 1e-6
