# lora-train --model FILE.gguf with a 16-bit base (tiny-f16.gguf: F16 matrices,
# F32 norms) trains as with a Hugging Face folder of the same weights
# (gguf_to_hf.py: the same F16 values, attn_q/attn_k rows in the Hugging Face
# order): bit-identical adapter, the same losses; the stream is checked
# against the GGUF file's own tokenizer (its metadata)
T=$TESTDATA/gguf
python3 ./gguf_to_hf.py "$T/tiny-f16.gguf" $TMP/hf || exit 1
head -16 "$TESTDATA/lt-pairs.jsonl" | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
    tok-encode -m "$T/tiny-f16.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
train() {
    lora-train -m "$1" -t $TMP/s.tok -v $TMP/s.tok -o $TMP/$2 --batch-size 4 --micro-batch-size 2 --max-steps 4 \
        --warmup-steps 1 --learning-rate 1e-2 --lora-target q,v,down --eval-steps 2 --log $TMP/$2.log -j 2
    echo "$2: exit $?"
    jq -c '[.type, .step, .loss // .val_loss]' $TMP/$2.log > $TMP/$2.loss
}
train "$T/tiny-f16.gguf" gguf
train $TMP/hf hf
cmp -s $TMP/gguf/adapter_model.safetensors $TMP/hf/adapter_model.safetensors && echo "adapters: bit-identical"
cmp -s $TMP/gguf.loss $TMP/hf.loss && echo "losses: the same"
jq -s '[.[] | select(.[0] == "eval")] | if .[-1][2] < .[0][2] then "val loss goes down" else "val loss does not go down" end' $TMP/gguf.loss
jq -c '{base_model_name_or_path, r, target_modules}' $TMP/gguf/adapter_config.json | sed 's|"[^"]*/gguf/|".../gguf/|'
lora-train -m "$T/tiny-f16.gguf" -t "$TESTDATA/lt-train.tok" -o $TMP/other --max-steps 1 2>&1 | sed 's/ (fingerprint.*//; s|^lora-train: .*/lt-train|lora-train: lt-train|'
echo "another tokenizer's stream: exit ${PIPESTATUS[0]}"
