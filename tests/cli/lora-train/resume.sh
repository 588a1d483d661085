# 6 steps straight and 3 steps + resume for 3 give the same adapter, byte for
# byte; a checkpoint saved every 2 steps does not change the result either.
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 6 --warmup-steps 2 --learning-rate 1e-2 --lora-target q,k,v,o,gate,up,down -j 1"
lora-train $a -o "$TMP/a" || exit 1
lora-train $a -o "$TMP/b" --stop-after 3 || exit 1
ls "$TMP/b"; ls "$TMP/b/checkpoint-3"
[ ! -e "$TMP/b/adapter_model.safetensors" ] && echo "no adapter after the stop"
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-3" || exit 1
cmp "$TMP/a/adapter_model.safetensors" "$TMP/b/adapter_model.safetensors" && echo "resumed: same adapter"
lora-train $a -o "$TMP/c" --save-steps 2 || exit 1
ls "$TMP/c"
cmp "$TMP/a/adapter_model.safetensors" "$TMP/c/adapter_model.safetensors" && echo "with checkpoints: same adapter"
