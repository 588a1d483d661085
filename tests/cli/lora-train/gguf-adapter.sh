# lora-train writes the adapter also as llama.cpp's GGUF LoRA adapter,
# adapter.gguf beside the PEFT files (the writer is checked against llama.cpp
# by test_gguf_lora_write), at the end and in each checkpoint, for a GGUF base
# and for a Hugging Face folder of the same weights (the same bytes: the
# same adapter); title-gen --lora OUT/adapter.gguf gives the PEFT folder's
# tokens and scores
T=$TESTDATA/gguf
python3 ./gguf_to_hf.py "$T/tiny-f16.gguf" $TMP/hf || exit 1
head -16 "$TESTDATA/lt-pairs.jsonl" | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
    tok-encode -m "$T/tiny-f16.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
train() {
    lora-train -m "$1" -t $TMP/s.tok -o $TMP/$2 --batch-size 4 --micro-batch-size 2 --max-steps 4 --save-steps 2 \
        --warmup-steps 1 --learning-rate 1e-2 --lora-target q,k,v,o,gate,up,down -j 2
    echo "$2: exit $?"
}
train "$T/tiny-f16.gguf" gguf
train $TMP/hf hf
(cd $TMP/gguf && ls . checkpoint-2)
head -c 4 $TMP/gguf/adapter.gguf; echo
head -c 4 $TMP/gguf/checkpoint-2/adapter.gguf; echo
cmp -s $TMP/gguf/adapter.gguf $TMP/hf/adapter.gguf && echo "GGUF base and HF folder: the same adapter.gguf"
cmp -s $TMP/gguf/adapter.gguf $TMP/gguf/checkpoint-2/adapter.gguf || echo "checkpoint-2: another adapter.gguf"
g() { echo "An abstract." | title-gen -m "$1" --lora "$2" --template "$TESTDATA/lt-short.template.json" \
        --instruction t --text -b 1 --max-new-tokens 8 --ids | jq -c '[.titles[0].ids, .titles[0].score]'; }
peft=$(g "$T/tiny-f16.gguf" $TMP/gguf) gg=$(g "$T/tiny-f16.gguf" $TMP/gguf/adapter.gguf)
echo "$gg" | jq -c '{ids: (.[0] | length), score: (.[1] | type)}'
echo "title-gen --lora adapter.gguf = --lora OUT (PEFT): $([ "$peft" = "$gg" ] && echo yes || echo "NO: $peft $gg")"
