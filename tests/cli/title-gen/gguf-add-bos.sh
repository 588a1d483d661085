# BOS before the prompt as the tokenizer's add_bos_token says: the prompt
# title-gen runs (its prefill count, --stats) is tok-encode's prompt without
# BOS for the shared SmolLM2 GGUF (add_bos_token false), with BOS for
# llama2-spm.gguf (true), and with BOS for a tokenizer.model folder (no such
# setting: as before); --serve builds its prompts the same way
. ./tg-model.inc
G=$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
I="Write a title for this abstract."
A="We study how small language models write titles for scientific abstracts."
jq -nc --arg i "$I" --arg a "$A" '{instruction: $i, input: $a, output: ""}' > $TMP/p.jsonl
prefill() { sed -n 's/.* prefill \([0-9]*\) tokens.*/\1/p' "$1"; }
check() {
    local name=$1 model=$2; shift 2
    n=$(tok-encode -m "$model" "$@" -f ids --pairs --no-bos --no-eos $TMP/p.jsonl | wc -w)
    echo "$A" | title-gen -m "$model" "$@" --instruction "$I" --text -b 1 --max-new-tokens 1 --stats -j 1 \
        2> $TMP/err > /dev/null || echo "$name: exit $?"
    p=$(prefill $TMP/err)
    echo "$name: prefill = prompt $( [ "$p" = "$n" ] && echo "+ 0" || { [ "$p" = $((n + 1)) ] && echo "+ 1 (BOS)" || echo "?? $p vs $n"; })"
}
check "smollm2 (add_bos_token false)" "$G" --template "$DATA/templates/chatml.json"
check "llama2-spm.gguf (add_bos_token true)" "$TESTDATA/gguf/llama2-spm.gguf"
check "tokenizer.model folder" "$M"
. ./serve.inc
serve_start -m "$G" --template "$DATA/templates/chatml.json" --instruction "$I" --stats -j 1 --serve 127.0.0.1:0
http POST /api/generate "$(jq -nc --arg a "$A" '{abstract: $a, beams: 1, max_new_tokens: 1}')" | cut -d' ' -f1
serve_stop
n=$(tok-encode -m "$G" --template "$DATA/templates/chatml.json" -f ids --pairs --no-bos --no-eos $TMP/p.jsonl | wc -w)
[ "$(prefill $TMP/server.err)" = "$n" ] && echo "serve smollm2: prefill = prompt + 0"
