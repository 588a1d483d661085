# --adapter-dtype T[,G]: the adapters written in 16 bits, adapter_model.safetensors in T and adapter.gguf in G (default
# T), each value the F32 one rounded to nearest even (checked by adapter_types.py against Python's own half packing),
# at the end and in checkpoints; --lora ADAPTER --out DIR writes an adapter anew without training: from the F32
# training output the same bytes as training with --adapter-dtype (f32: its own bytes), from a GGUF adapter the same
# tensors, from an F16 folder in F16 the same bytes again (from BF16 values to F16 they would be F16 of the BF16
# values: convert from the F32 adapter); title-gen loads the 16-bit adapters, PEFT and GGUF, and gives
# the F32 adapter's tokens.
T=$TESTDATA/gguf
head -16 "$TESTDATA/lt-pairs.jsonl" | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
    tok-encode -m "$T/tiny-f16.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
train() {
    out=$1; shift
    lora-train -m "$T/tiny-f16.gguf" -t $TMP/s.tok -o $TMP/$out --batch-size 4 --micro-batch-size 2 --max-steps 4 \
        --save-steps 2 --warmup-steps 1 --learning-rate 1e-2 --lora-target q,k,v,o,gate,up,down -j 2 "$@"
    echo "$out: exit $?"
}
train f32
train h --adapter-dtype bf16,f16
train f16 --adapter-dtype f16
for d in "f32 h" "f32/checkpoint-2 h/checkpoint-2" "f32 f16"; do
    set -- $d
    python3 ./adapter_types.py $TMP/$1/adapter_model.safetensors $TMP/$2/adapter_model.safetensors
    python3 ./adapter_types.py $TMP/$1/adapter.gguf $TMP/$2/adapter.gguf
done
cmp $TMP/f32/adapter_config.json $TMP/h/adapter_config.json && echo "adapter_config.json: the same"
same() {    # DIR1 DIR2: the adapter files of two folders alike?
    for f in adapter_model.safetensors adapter.gguf adapter_config.json; do
        cmp -s "$1/$f" "$2/$f" || { echo "$f differs"; return 1; }
    done
    echo same
}
rw() { out=$1 src=$2; shift 2; lora-train -m "$T/tiny-f16.gguf" --lora "$src" -o "$TMP/$out" "$@"; echo "rewrite $out: exit $?"; }
rw x $TMP/f32 --adapter-dtype bf16,f16
echo "F32 folder written anew in bf16,f16 = trained with --adapter-dtype bf16,f16: $(same $TMP/x $TMP/h)"
rw y $TMP/f32
echo "F32 folder written anew in f32 = itself: $(same $TMP/y $TMP/f32)"
rw z $TMP/f16 --adapter-dtype f16
echo "16-bit folder written anew in its type = itself: $(same $TMP/z $TMP/f16)"
rw g $TMP/f32/adapter.gguf --adapter-dtype bf16,f16
for f in adapter_model.safetensors adapter.gguf; do
    cmp -s $TMP/g/$f $TMP/h/$f && echo "from adapter.gguf: $f the same"
done
jq -c '{r, lora_alpha, lora_dropout, target_modules, base_model_name_or_path}' $TMP/g/adapter_config.json |
    sed "s|$T|T|"
g() { echo "An abstract." | title-gen -m "$T/tiny-f16.gguf" --lora "$1" --template "$TESTDATA/lt-short.template.json" \
        --instruction t --text -b 1 --max-new-tokens 8 --ids | jq -c '.titles[0].ids'; }
want=$(g $TMP/f32)
echo "$want" | jq -c '{ids: length}'
for a in $TMP/h $TMP/h/adapter.gguf $TMP/f16 $TMP/f16/adapter.gguf; do
    echo "title-gen --lora ${a#$TMP/}: $([ "$(g "$a")" = "$want" ] && echo "the F32 adapter's tokens" || echo other tokens)"
done
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/f32 -o $TMP/q --adapter-dtype q8_0; echo "q8_0: $?"
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/f32 -o $TMP/q --adapter-dtype bf16,f16,f32; echo "three: $?"
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/f32 --merge-out $TMP/q.gguf --adapter-dtype bf16; echo "merge: $?"
[ -e $TMP/q ] || [ -e $TMP/q.gguf ] && echo "output written"
exit 0
