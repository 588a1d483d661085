# LoRA on a quantized GGUF base (tiny-q4_k.gguf, every matrix Q4_K; 8-bit
# products, dropout on, 2 threads): 6 steps straight and 3 steps + resume
# for 3 give the same adapters, byte for byte (both layouts); so does
# --gradient-checkpointing, and the NDJSON log has its steps
T=$TESTDATA/gguf
head -n 24 "$TESTDATA/lt-pairs.jsonl" |
    tok-encode -m "$T/tiny-q4_k.gguf" --template "$TESTDATA/lt-short.template.json" --cutoff-len 200 -o $TMP/s.tok || exit 1
a="-m $T/tiny-q4_k.gguf -t $TMP/s.tok --batch-size 8 --micro-batch-size 4 --max-steps 6 --warmup-steps 2 --learning-rate 1e-2 --lora-target q,k,v,o,gate,up,down -j 2"
lora-train $a -o "$TMP/a" --log "$TMP/a.log" || exit 1
lora-train $a -o "$TMP/b" --stop-after 3 || exit 1
ls "$TMP/b/checkpoint-3"
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-3" || exit 1
cmp "$TMP/a/adapter_model.safetensors" "$TMP/b/adapter_model.safetensors" &&
    cmp "$TMP/a/adapter.gguf" "$TMP/b/adapter.gguf" && echo "resumed: same adapters"
lora-train $a -o "$TMP/c" --gradient-checkpointing || exit 1
cmp "$TMP/a/adapter_model.safetensors" "$TMP/c/adapter_model.safetensors" && echo "gradient checkpointing: same adapter"
jq -r 'select(.type == "train") | .step' "$TMP/a.log" | tr '\n' ' '; echo
