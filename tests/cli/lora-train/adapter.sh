# LoRA training writes a PEFT adapter: adapter_config.json and the F32 lora_A/B
# tensors under PEFT's key names, with the shapes [r][in] and [out][r].
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/out" --batch-size 8 --micro-batch-size 4 \
    --max-steps 2 --lora-r 4 --lora-alpha 8 --lora-dropout 0.1 --lora-target q_proj,v_proj,down_proj -j 1
ls "$TMP/out"
sed "s|$TESTDATA|TESTDATA|" "$TMP/out/adapter_config.json"
f="$TMP/out/adapter_model.safetensors"
n=$(od -An -tu8 -N8 "$f" | tr -d ' ')
tail -c +9 "$f" | head -c "$n" | jq -r 'to_entries[] | select(.key != "__metadata__") | "\(.key) \(.value.dtype) \(.value.shape|tostring)"'
