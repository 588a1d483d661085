# tok-encode -m FILE.gguf -f ids equals llama.cpp 0.3.36's ids (committed fixtures of
# tests/reference/gguf_tokenize_reference.py) on every fixture input that is one line
# (hard strings with control-token text, arXiv titles and collapsed abstracts): the
# shared SmolLM2 file (gpt2, pre-tokenizer smollm, no BOS) and llama2-spm.gguf
# (SentencePiece, BOS by add_bos_token: --bos here, ids output has none by default)
D=$TESTDATA/gguf
zstd -dcq "$D/tok-inputs.jsonl.zst" | jq -c 'test("[\n\r]") | not' > $TMP/keep
zstd -dcq "$D/tok-inputs.jsonl.zst" | jq -r 'select(test("[\n\r]") | not)' > $TMP/in
check() {
    zstd -dcq "$D/tok-$1.ids.zst" | paste $TMP/keep - | sed -n 's/^true\t//p' > $TMP/want
    shift
    tok-encode -f ids "$@" $TMP/in > $TMP/got
    echo "$(wc -l < $TMP/want) lines: $(cmp -s $TMP/want $TMP/got && echo same || echo DIFFERENT)"
}
check smollm2 -m "$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
check llama2-spm -m "$D/llama2-spm.gguf" --bos
