#!/bin/sh
# check_hf_tokenizers.sh - tok-encode with Hugging Face tokenizer.json files
# against the `tokenizers` library on every title and abstract of arxiv-2017
# (120,000 records, raw: hard wraps, leading spaces), and, when the LLaMA-2
# tokenizer.json can be made (llama2_to_tokenizer_json.py), the json path
# against the tokenizer.model path too. Prints per tokenizer: texts, texts with
# equal ids, first differences. Needs python3 with `tokenizers` (and
# `sentencepiece` for the LLaMA-2 conversion):
#   python3 -m venv /tmp/hfvenv && /tmp/hfvenv/bin/pip install tokenizers sentencepiece
# Usage: sh tests/reference/check_hf_tokenizers.sh [BUILD] [PYTHON] [RECORDS] [JSON...]
set -eu
build=${1:-build}
py=${2:-/tmp/hfvenv/bin/python}
n=${3:-120000}
[ $# -ge 3 ] && shift 3 || shift $#
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${GT_SHARED:-$root/../shared}
bin=$root/$build/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zstdcat "$shared/data/arxiv/arxiv-2017.ndjson.zst" | head -n "$n" |
    jq -c '(.title, .abstract) | {instruction: ., input: "", output: ""}' > "$tmp/pairs"
printf '{"prompt_input":"{instruction}{input}","prompt_no_input":"{instruction}","response_split":""}\n' > "$tmp/tpl"
texts=$(wc -l < "$tmp/pairs")
echo "$texts texts ($(wc -c < "$tmp/pairs") bytes of JSON) from $n records of arxiv-2017"
jsons="$*"
model=$shared/models/llama2-tokenizer/tokenizer.model
if [ -z "$jsons" ]; then
    jsons="$root/tests/data/hf-spm.tokenizer.json $root/tests/data/hf-gpt2.tokenizer.json $root/tests/data/hf-llama3.tokenizer.json"
    if "$py" "$root/tests/reference/llama2_to_tokenizer_json.py" "$model" "$tmp/llama2.tokenizer.json" >/dev/null; then
        jsons="$jsons $tmp/llama2.tokenizer.json"
    fi
fi
ours() { "$bin/tok-encode" -t "$1" -f ids --pairs --no-bos --no-eos --template "$tmp/tpl" "$tmp/pairs"; }
status=0
for j in $jsons; do
    name=$(basename "$j")
    "$py" "$root/tests/reference/hf_ids.py" "$j" < "$tmp/pairs" > "$tmp/ref"
    ours "$j" > "$tmp/ours"
    same=$(paste -d '\t' "$tmp/ref" "$tmp/ours" | awk -F '\t' '$1 == $2' | wc -l)
    echo "$name: $same of $texts texts with ids equal to tokenizers' ($(wc -w < "$tmp/ref") ids)"
    [ "$same" = "$texts" ] || { status=1; diff "$tmp/ref" "$tmp/ours" | head -6; }
    case $name in llama2.*)
        ours "$model" > "$tmp/spm"
        same=$(paste -d '\t' "$tmp/spm" "$tmp/ours" | awk -F '\t' '$1 == $2' | wc -l)
        echo "$name: $same of $texts texts with json-path ids equal to tokenizer.model-path ids"
        same=$(paste -d '\t' "$tmp/spm" "$tmp/ref" | awk -F '\t' '$1 == $2' | wc -l)
        echo "$name: $same of $texts texts with tokenizers' ids equal to tokenizer.model-path ids";;
    esac
done
exit $status
