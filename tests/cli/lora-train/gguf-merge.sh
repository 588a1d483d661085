# --merge-out OUT.gguf from a GGUF base (the merged model as a GGUF file that
# llama.cpp loads):
# 1. every merge tests/reference/gguf_merge_reference.py made (tiny bases: F16
#    with lora-train's own 7-projection adapter in each --dtype, Q8_0 with a
#    PEFT adapter, Q4_K with a GGUF adapter; SmolLM2 Q4_1 with a GGUF
#    adapter) made again: the same bytes (sha256) as the files llama.cpp ran
#    on, whose logits test_gguf_merge holds ours to;
# 2. title-gen loads the merged file: the f32 merge gives the ids and scores
#    of the base with --lora --lora-merge (the same F32 weights), the default
#    merges the ids of the base with the adapter kept apart;
# 3. after training on the GGUF base, --merge-out writes the file that the
#    standalone merge of the written adapter writes, from the PEFT folder and
#    from its adapter.gguf alike (F16 base; and a Q4_K base, QLoRA);
# 4. an existing file is replaced whole, no temporary file left.
T=$TESTDATA/gguf
sums() {
    jq -r "select(.base | $1) | [.name, .base, .adapter, .dtype, .sha256] | @tsv" "$T/merge-logits.jsonl" | sort -u |
    while IFS=$'\t' read -r name base ad dt sum; do
        d=(); [ "$dt" = default ] || d=(--dtype "$dt")
        b="$T/$base"; [ -f "$b" ] || b="$SHARED/models/smollm2-135m-instruct/$base"
        lora-train -m "$b" --lora "$T/$ad" --merge-out "$TMP/$name.gguf" "${d[@]}" || exit 1
        s=$(sha256sum < "$TMP/$name.gguf")
        [ "${s%% *}" = "$sum" ] && echo "$name: the file llama.cpp ran" || echo "$name: NOT the file llama.cpp ran"
    done
}
sums 'startswith("tiny")'
sums 'startswith("SmolLM2")'
rm -f "$TMP"/SmolLM2*.gguf
g() { echo "An abstract." | title-gen -m "$1" "${@:2}" --template "$TESTDATA/lt-short.template.json" --instruction t \
        --text -b 1 --max-new-tokens 8 --ids -j 1 | jq -c '.titles[0] | [.ids, .score]'; }
a=$(g "$T/tiny-f16.gguf" --lora "$T/ours-lora-trained" --lora-merge)
[ "$a" = "$(g "$TMP/tiny-f16+ours-lora-trained.f32.gguf")" ] && echo "f32 merge = base + --lora --lora-merge: ids and scores"
[ "$a" != "$(g "$T/tiny-f16.gguf")" ] && echo "not the base's"
for m in tiny-f16:ours-lora-trained:default tiny-f16:ours-lora-trained:bf16 tiny-q4_k:gguf-lora-q4_k.gguf:default; do
    IFS=: read -r base ad dt <<< "$m"
    x=$(g "$T/$base.gguf" --lora "$T/$ad" | jq -c '.[0]') y=$(g "$TMP/$base+${ad%.gguf}.$dt.gguf" | jq -c '.[0]')
    [ "$x" = "$y" ] && echo "$base + $ad, $dt merge: the ids of the adapter kept apart"
done
head -16 "$TESTDATA/lt-pairs.jsonl" | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
    tok-encode -m "$T/tiny-f16.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/s.tok
lora-train -m "$T/tiny-f16.gguf" -t $TMP/s.tok -o $TMP/ad --batch-size 4 --micro-batch-size 2 --max-steps 2 \
    --warmup-steps 1 --learning-rate 1e-2 --lora-target q,k,v,down --merge-out $TMP/t.gguf -j 2 || exit 1
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/ad --merge-out $TMP/t2.gguf || exit 1
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/ad/adapter.gguf --merge-out $TMP/t3.gguf || exit 1
cmp -s $TMP/t.gguf $TMP/t2.gguf && echo "trained then merged = --lora (PEFT folder) --merge-out"
cmp -s $TMP/t.gguf $TMP/t3.gguf && echo "trained then merged = --lora adapter.gguf --merge-out"
[ "$(g $TMP/t.gguf | jq -c '.[0]')" = "$(g "$T/tiny-f16.gguf" --lora $TMP/ad | jq -c '.[0]')" ] && echo "title-gen: merged = kept apart"
head -16 "$TESTDATA/lt-pairs.jsonl" | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
    tok-encode -m "$T/tiny-q4_k.gguf" --template "$TESTDATA/lt-short.template.json" -o $TMP/k.tok
lora-train -m "$T/tiny-q4_k.gguf" -t $TMP/k.tok -o $TMP/adk --batch-size 4 --micro-batch-size 2 --max-steps 2 \
    --warmup-steps 1 --learning-rate 1e-2 --lora-target q,k,v,down --merge-out $TMP/k.gguf -j 2 || exit 1
lora-train -m "$T/tiny-q4_k.gguf" --lora $TMP/adk --merge-out $TMP/k2.gguf || exit 1
cmp -s $TMP/k.gguf $TMP/k2.gguf && echo "trained on Q4_K blocks (QLoRA) then merged = --lora --merge-out"
echo stale > $TMP/x.gguf
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/ad --merge-out $TMP/x.gguf --dtype q8_0 || exit 1
lora-train -m "$T/tiny-f16.gguf" --lora $TMP/ad --merge-out $TMP/y.gguf --dtype q8_0 || exit 1
cmp -s $TMP/x.gguf $TMP/y.gguf && echo "an existing file replaced"
echo "temporary files left: $(ls -a $TMP | grep -c tmp)"
