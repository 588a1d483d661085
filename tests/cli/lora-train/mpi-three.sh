# mpirun -np 3, --full on a model whose 94,680 trained values are not a
# multiple of 16 (hidden size 24): each rank's AdamW share of the parameters
# (the last share's 8-value tail included) gathered on every rank, the
# moments gathered for a checkpoint. 2 steps under 3 processes, then 2 alone
# from checkpoint-2, equal 4 steps alone (losses within relative 1e-5,
# weights within 1e-6 absolute).
. ./mpi.env
mkdir "$TMP/cfg"
sed 's/"hidden_size": 16/"hidden_size": 24/; s/"intermediate_size": 32/"intermediate_size": 40/' \
    "$TESTDATA/lt-model/config.json" > "$TMP/cfg/config.json"
cp "$TESTDATA/lt-model/tokenizer.json" "$TMP/cfg/"
a="--init $TMP/cfg -t $TESTDATA/lt-train.tok --full --batch-size 6 --micro-batch-size 2 --max-steps 4 --warmup-steps 1 --learning-rate 1e-3 --max-grad-norm 0.5 -j 1"
lora-train $a -o "$TMP/one" --log "$TMP/one.log" --progress 2>&1 | grep -o '[0-9]* trained parameters'
mpirun -np 3 --oversubscribe --bind-to none lora-train $a -o "$TMP/three" --log "$TMP/three.log" --stop-after 2 || exit 1
lora-train $a -o "$TMP/three" --log "$TMP/three.log" --resume "$TMP/three/checkpoint-2" || exit 1
python3 mpi_close.py log "$TMP/one.log" "$TMP/three.log" 1e-5
python3 mpi_close.py weights "$TMP/one/model.safetensors" "$TMP/three/model.safetensors" 1e-6
