# mpirun -np 2 against one process, LoRA (dropout on, 4 micro-batches a step:
# 2 on each rank; the validation's micro-batches split too): the same records,
# losses and gradient norms within relative 1e-5, adapter weights within 1e-6
# absolute (the gradients summed in another order); rank 0 alone writes, and
# each record carries world_size.
. ./mpi.env
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok -v $TESTDATA/lt-val.tok --batch-size 8 --micro-batch-size 2 --max-steps 6 --eval-steps 3 --warmup-steps 2 --learning-rate 1e-2 --lora-target q,k,v,o,gate,up,down -j 1"
lora-train $a -o "$TMP/one" --log "$TMP/one.log" || exit 1
mpirun2 lora-train $a -o "$TMP/two" --log "$TMP/two.log" || exit 1
python3 mpi_close.py log "$TMP/one.log" "$TMP/two.log" 1e-5
python3 mpi_close.py weights "$TMP/one/adapter_model.safetensors" "$TMP/two/adapter_model.safetensors" 1e-6
ls "$TMP/two"
