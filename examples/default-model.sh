#!/bin/sh
# Reproduce gentitle's default model (data/model/): a LoRA adapter that teaches
# SmolLM2-135M-Instruct (Apache-2.0, the 4-bit GGUF file used as it is) to write
# titles for computer-science abstracts, trained by gentitle's own tools on the
# real arXiv records in ../shared/data/arxiv/. `make model` runs it.
#
#   examples/default-model.sh [OUT-DIR]      (default: data/model)
#
# Stages (each skipped when its output exists; a killed run resumes, training
# from its newest checkpoint, so the recipe may run over several sessions):
#   1 pairs     arxiv-extract | arxiv-filter-cat cs | abstract-clean | pair-build:
#               papers first posted in 2026 form the test split (nothing from 2026
#               is trained on), the rest 99:1 train:val (the same pairs as
#               examples/scratch-model.sh)
#   2 base      the GGUF file: $GENTITLE_BASE, data/base/ (`make base`), or
#               $GT_SHARED/models/smollm2-135m-instruct/; its sha256 is checked
#   3 streams   tok-encode with the file's own tokenizer and its chat template
#               (ChatML: the instruction and abstract as the user's turn, the title
#               as the assistant's), examples cut to 256 tokens (the abstract
#               shortened, never the title)
#   4 lora      lora-train on the GGUF base (kept in its 4-bit blocks, 8-bit
#               products as title-gen runs them): rank 16, alpha 32, dropout 0.05
#               on all seven projections, batch 8, lr 1e-3 cosine, LORA_STEPS
#               steps, a checkpoint every 50 and the validation loss every 150
#   5 decoding  beams (1, 4) and no_repeat_ngram_size (0, 2, 3), and
#               encoder_repetition_penalty 1.3 on greedy decoding, chosen by
#               ROUGE-L on DECODE_N validation papers, into generation_config.json;
#               every setting with max_word_repeats 2 (beam search drops titles that
#               repeat a content word three times: title-eval's rep3+), a fixed rule
#   6 eval      the adapter, the zero-shot base (same prompt, no adapter, greedy) and the
#               extractive baselines on every EVAL_EVERY-th paper of the 2026 test
#               split (1,086 papers), title-eval with bootstrap intervals
#   7 package   OUT-DIR: the adapter (PEFT layout; the GGUF one stays in WORK/lora/), prompt_template.json,
#               generation_config.json, base.json (the base's file name, sha256
#               and where to get it), eval.json and MANIFEST.md
#
# Environment: GT_SHARED (default ../shared), WORK (default build/model-work-lora),
# JOBS (default: all cores), LORA_STEPS (300), DECODE_N (50), EVAL_EVERY (20).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$root/data/model}
shared=${GT_SHARED:-$root/../shared}
work=${WORK:-$root/build/model-work-lora}
jobs=${JOBS:-$(nproc)}
steps=${LORA_STEPS:-300}
decode_n=${DECODE_N:-50}
every=${EVAL_EVERY:-20}
bin=${BIN:-$root/build/bin}
PATH="$bin:$PATH"
arxiv="$shared/data/arxiv"
tpl="$root/data/templates/chatml.json"
targets=q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
for f in arxiv-2017 arxiv-2020 arxiv-2025; do
    [ -r "$arxiv/$f.ndjson.zst" ] || { echo "default-model: $arxiv/$f.ndjson.zst: not found (set GT_SHARED)" >&2; exit 66; }
done
mkdir -p "$work"
log() { printf '%s default-model: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
t0=$(date +%s)
took() { t1=$(date +%s); printf '%s\t%s\n' "$1" "$((t1 - t0))" >> "$work/timings.tsv"; t0=$t1; }

# 1 pairs
if [ ! -s "$work/cs.test.jsonl" ]; then
    log "pairs"
    arxiv-extract -q "$arxiv/arxiv-2017.ndjson.zst" "$arxiv/arxiv-2020.ndjson.zst" "$arxiv/arxiv-2025.ndjson.zst" \
        | arxiv-filter-cat cs | abstract-clean \
        | pair-build --test-since 2026-01-01 --split 99:1 --seed 0 --out "$work/cs" --stats
    took pairs
fi

# 2 base
base=$(sh "$root/examples/find-base.sh") || exit $?
log "base: $base"

# 3 streams
if [ ! -s "$work/ft-val.tok" ]; then
    log "streams"
    enc() { tok-encode -m "$base" --template "$tpl" --cutoff-len 256 -j "$jobs" "$@"; }
    enc --stats -o "$work/ft.tok" "$work/cs.train.jsonl"
    head -n 300 "$work/cs.val.jsonl" | enc -o "$work/ft-val.tok.tmp"
    mv "$work/ft-val.tok.tmp" "$work/ft-val.tok"
    took streams
fi

# 4 lora: from the newest checkpoint when a run was stopped
if [ ! -s "$work/lora/adapter_model.safetensors" ]; then
    resume=
    last=$(ls -d "$work/lora/checkpoint-"* 2>/dev/null | sed 's/.*checkpoint-//' | sort -n | tail -1)
    [ -z "$last" ] || resume="--resume $work/lora/checkpoint-$last"
    log "lora: $steps steps${last:+, from step $last}"
    # shellcheck disable=SC2086  # (resume is two words or none)
    lora-train --model "$base" --train "$work/ft.tok" --val "$work/ft-val.tok" --out "$work/lora" \
        --lora-r 16 --lora-alpha 32 --lora-dropout 0.05 --lora-target "$targets" \
        --batch-size 8 --micro-batch-size 4 --cutoff-len 256 --max-steps "$steps" \
        --learning-rate 1e-3 --warmup-steps 20 --lr-schedule cosine \
        --eval-steps 150 --save-steps 50 --seed 2 -j "$jobs" --progress --log "$work/lora.log.jsonl" $resume
    took lora
fi

# the prompt: the chat template, abstracts cut at inference as training cut them
jq -c '. + {"description": "gentitle default model: ChatML (the base'"'"'s chat format), the instruction and abstract as the user'"'"'s turn, the title as the assistant'"'"'s", "max_input_tokens": 200}' \
    "$tpl" > "$work/prompt_template.json"
gen() {   # OUT-FILE IN-FILE [title-gen options]: with the adapter
    o=$1 i=$2; shift 2
    title-gen --model "$base" --lora "$work/lora" --template "$work/prompt_template.json" -j "$jobs" "$@" "$i" > "$o.tmp"
    mv "$o.tmp" "$o"
}
rougeL() { title-eval --ref "$1" --hyp "$2" --json -b 0 | jq '.systems[] | select(.name == "model") | .rougeL'; }

# 5 decoding
if [ ! -s "$work/generation_config.json" ]; then
    log "decoding: chosen on $decode_n validation papers"
    tail -n "$decode_n" "$work/cs.val.jsonl" > "$work/val-sample.jsonl"
    rm -f "$work/decoding.tsv"
    # beams x no_repeat_ngram_size, and the prompt-token bonus on greedy decoding
    for bnp in "1 0 1" "1 0 1.3" "1 2 1" "1 3 1" "4 0 1" "4 2 1" "4 3 1"; do
        set -- $bnp
        gen "$work/val-hyp.jsonl" "$work/val-sample.jsonl" --beams "$1" --no-repeat-ngram "$2" \
            --encoder-repetition-penalty "$3" --max-word-repeats 2
        printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(rougeL "$work/val-sample.jsonl" "$work/val-hyp.jsonl")" \
            >> "$work/decoding.tsv"
    done
    sort -t "$(printf '\t')" -k4,4gr -k1,1n -k3,3g "$work/decoding.tsv" | head -1 | {
        read -r b nr pen r
        printf '{\n  "num_beams": %s,\n  "no_repeat_ngram_size": %s,\n  "encoder_repetition_penalty": %s,\n  "max_new_tokens": 48,\n  "max_word_repeats": 2\n}\n' \
            "$b" "$nr" "$pen" > "$work/generation_config.json.tmp"
    }
    mv "$work/generation_config.json.tmp" "$work/generation_config.json"
    took decoding
fi
b=$(jq .num_beams "$work/generation_config.json")
nr=$(jq .no_repeat_ngram_size "$work/generation_config.json")
pen=$(jq .encoder_repetition_penalty "$work/generation_config.json")
mwr=$(jq '.max_word_repeats // 0' "$work/generation_config.json")

# 6 eval
if [ ! -s "$work/eval.json" ]; then
    log "eval: every ${every}th paper of the 2026 test split"
    awk -v n="$every" 'NR % n == 1' "$work/cs.test.jsonl" > "$work/test-sample.jsonl"
    s=$(date +%s)
    gen "$work/test-hyp.jsonl" "$work/test-sample.jsonl" --beams "$b" --no-repeat-ngram "$nr" \
        --encoder-repetition-penalty "$pen" --max-word-repeats "$mwr" --progress
    printf 'test-sample-generation\t%s\n' "$(($(date +%s) - s))" >> "$work/timings.tsv"
    if [ ! -s "$work/test-hyp-zeroshot.jsonl" ]; then
        title-gen --model "$base" --template "$work/prompt_template.json" -j "$jobs" --beams 1 \
            --max-new-tokens 48 "$work/test-sample.jsonl" > "$work/test-hyp-zeroshot.jsonl.tmp"
        mv "$work/test-hyp-zeroshot.jsonl.tmp" "$work/test-hyp-zeroshot.jsonl"
    fi
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp.jsonl" --name gentitle-default \
        > "$work/eval.txt"
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp-zeroshot.jsonl" --name zero-shot-base \
        > "$work/eval-zeroshot.txt"
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp.jsonl" --name gentitle-default \
        --json > "$work/eval.json.tmp"
    mv "$work/eval.json.tmp" "$work/eval.json"       # last: the stage is done
    took eval
fi
cat "$work/eval.txt" >&2

# 7 package
log "package"
rm -rf "$work/pkg"
mkdir -p "$work/pkg"
# the adapter in both layouts, in 16 bits (in F32 the two would take 39 MB): the PEFT one in BF16, the GGUF one in
# F16, converted from the trained F32 adapter (which stays in WORK/lora/) without training
lora-train --model "$base" --lora "$work/lora" --out "$work/pkg" --adapter-dtype bf16,f16
cp "$work/prompt_template.json" "$work/generation_config.json" "$work/eval.json" "$work/pkg/"
sh "$root/examples/find-base.sh" --json "$base" > "$work/pkg/base.json"
sh "$here/default-model/manifest.sh" "$work" "$arxiv" "$base" "$steps" "$every" > "$work/pkg/MANIFEST.md"
rm -rf "$out.new"
cp -r "$work/pkg" "$out.new"
rm -rf "$out.old"
[ ! -e "$out" ] || mv "$out" "$out.old"
mv "$out.new" "$out"
rm -rf "$out.old"
log "done: $out ($(du -sh "$out" | cut -f1))"
