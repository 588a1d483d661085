# --lora on GGUF bases (tests/data/gguf: tiny llamas and PEFT adapters of
# tests/reference/gguf_lora_reference.py, checked against PEFT's logits by
# test_gguf_lora): the adapter changes the greedy tokens; --lora-merge gives
# the same tokens as kept apart, on Q8_0 blocks (nothing merged: a note says
# the adapter stays apart) and on an F16 base (merged into F32 copies)
T=$TESTDATA/gguf
g() { echo "An abstract." | title-gen -m "$T/tiny-$1.gguf" "${@:2}" --template "$TESTDATA/lt-short.template.json" \
        --instruction t --text -b 1 --max-new-tokens 8 --ids | jq -c '.titles[0].ids'; }
for t in q8_0 f16; do
    base=$(g $t) apart=$(g $t --lora "$T/lora-$t") merged=$(g $t --lora "$T/lora-$t" --lora-merge)
    echo "$t: adapter changes the tokens: $([ "$base" != "$apart" ] && echo yes || echo NO)," \
         "merge asked = apart: $([ "$merged" = "$apart" ] && echo yes || echo NO)"
done
