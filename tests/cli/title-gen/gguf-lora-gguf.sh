# --lora FILE.gguf: a GGUF LoRA adapter as llama.cpp writes it (tests/data/gguf:
# tests/reference/gguf_lora_adapter_reference.py, checked against llama.cpp's
# logits by test_gguf_lora_gguf) on a Q4_K and an F16 base: structure only,
# the adapter changes the greedy tokens and --lora-merge gives the same tokens
# as kept apart (Q4_K blocks: nothing merged, a note says so; F16: merged)
T=$TESTDATA/gguf
g() { echo "An abstract." | title-gen -m "$T/tiny-$1.gguf" "${@:2}" --template "$TESTDATA/lt-short.template.json" \
        --instruction t --text -b 1 --max-new-tokens 8 --ids; }
for t in q4_k f16; do
    g $t --lora "$T/gguf-lora-$t.gguf" | jq -c '{abstract, n: (.titles | length), title: (.titles[0].title | type),
        score: (.titles[0].score | type), ids: (.titles[0].ids | length)}'
    base=$(g $t | jq -c '.titles[0].ids') apart=$(g $t --lora "$T/gguf-lora-$t.gguf" | jq -c '.titles[0].ids')
    merged=$(g $t --lora "$T/gguf-lora-$t.gguf" --lora-merge | jq -c '.titles[0].ids')
    echo "$t: adapter changes the tokens: $([ "$base" != "$apart" ] && echo yes || echo NO)," \
         "merge asked = apart: $([ "$merged" = "$apart" ] && echo yes || echo NO)"
done
