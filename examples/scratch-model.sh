#!/bin/sh
# Reproduce gentitle's from-scratch model (data/scratch-model/) from the real arXiv
# records in ../shared/data/arxiv/ with gentitle's own tools. `make model` runs it.
#
#   examples/scratch-model.sh [OUT-DIR]        (default: data/scratch-model)
#   examples/scratch-model.sh --score [DIR]    score the model in DIR (default: data/scratch-model)
#                                              on the test sample, as the manifest does
#
# Stages (each skipped when its output exists, so a killed run resumes):
#   1 pairs     arxiv-extract | arxiv-filter-cat cs | abstract-clean | pair-build:
#               papers first posted in 2026 form the test split, the rest 99:1 train:val
#   2 tokenizer tok-train: a 4096-piece BPE (byte fallback) on the training split
#   3 streams   tok-encode with the compact template examples/scratch-model/template.json,
#               inputs cut to 192 tokens; the pretraining stream counts every token
#               (--train-on-inputs), the fine-tuning stream the title only
#   4 pretrain  lora-train --init: a 5.7M-parameter LLaMA (examples/scratch-model/config.json)
#               trained from scratch on abstracts and titles
#   5 lora      lora-train: a rank-16 LoRA adapter on every projection, title loss only
#   6 package   the adapter merged into the base, written as BF16 with the tokenizer and
#               the template; then beams (1 or 4), no_repeat_ngram_size (0, 2 or 3) and
#               encoder_repetition_penalty (1, 1.5, 2 or 3) chosen by ROUGE-L on 300
#               validation papers, into generation_config.json
#   7 eval      title-gen on a fixed sample of the 2026 test split (bf16, and 8-bit),
#               title-eval against the real titles beside the extractive baselines;
#               then a manifest (data hashes, commands, losses, scores) and OUT-DIR
#
# Environment: GT_SHARED (default ../shared), WORK (default build/model-work), JOBS
# (default: all cores), PRETRAIN_STEPS (2400), LORA_STEPS (800), EVAL_EVERY (20: every
# 20th test paper is scored). About two hours on a 2-core machine (115 minutes here).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
score=
if [ "${1:-}" = --score ]; then score=1; shift; fi
out=${1:-$root/data/scratch-model}
shared=${GT_SHARED:-$root/../shared}
work=${WORK:-$root/build/model-work}
jobs=${JOBS:-$(nproc)}
pre_steps=${PRETRAIN_STEPS:-2400}
lora_steps=${LORA_STEPS:-800}
every=${EVAL_EVERY:-20}
bin=${BIN:-$root/build/bin}
PATH="$bin:$PATH"
spec="$here/scratch-model"
arxiv="$shared/data/arxiv"
for f in arxiv-2017 arxiv-2020 arxiv-2025; do
    [ -r "$arxiv/$f.ndjson.zst" ] || { echo "scratch-model: $arxiv/$f.ndjson.zst: not found (set GT_SHARED)" >&2; exit 66; }
done
mkdir -p "$work"
log() { printf '%s scratch-model: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# stage timings for the manifest: "stage seconds" lines in $work/timings.tsv
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

if [ -n "$score" ]; then
    awk -v n="$every" 'NR % n == 1' "$work/cs.test.jsonl" > "$work/score-sample.jsonl"
    title-gen --model "$out" -j "$jobs" --progress "$work/score-sample.jsonl" > "$work/score-hyp.jsonl"
    title-eval --ref "$work/score-sample.jsonl" --hyp "$work/score-hyp.jsonl" --name "$(basename "$out")"
    exit
fi

# 2 tokenizer
if [ ! -s "$work/tokenizer.json" ]; then
    log "tokenizer"
    tok-train --vocab-size 4096 --stats -o "$work/tokenizer.json" "$work/cs.train.jsonl"
    took tokenizer
fi

# 3 streams
tpl="$spec/template.json"
if [ ! -s "$work/ft-val.tok" ]; then
    log "streams"
    enc() { tok-encode -t "$work/tokenizer.json" --template "$tpl" --cutoff-len 192 -j "$jobs" "$@"; }
    enc --train-on-inputs --stats -o "$work/pre.tok" "$work/cs.train.jsonl"
    head -n 300 "$work/cs.val.jsonl" | enc --train-on-inputs -o "$work/pre-val.tok"
    enc --stats -o "$work/ft.tok" "$work/cs.train.jsonl"
    head -n 300 "$work/cs.val.jsonl" | enc -o "$work/ft-val.tok"
    took streams
fi

# 4 pretrain
if [ ! -s "$work/base/model.safetensors" ]; then
    log "pretrain: $pre_steps steps"
    mkdir -p "$work/init"
    cp "$spec/config.json" "$work/tokenizer.json" "$work/init/"
    lora-train --init "$work/init" --train "$work/pre.tok" --val "$work/pre-val.tok" --out "$work/base" \
        --batch-size 32 --micro-batch-size 16 --cutoff-len 192 --max-steps "$pre_steps" \
        --learning-rate 1.5e-3 --warmup-steps 100 --lr-schedule cosine --weight-decay 0.1 \
        --eval-steps 300 --seed 1 -j "$jobs" --progress --log "$work/pretrain.log.jsonl"
    took pretrain
fi

# 5 lora
if [ ! -s "$work/lora/adapter_model.safetensors" ]; then
    log "lora: $lora_steps steps"
    lora-train --model "$work/base" --train "$work/ft.tok" --val "$work/ft-val.tok" --out "$work/lora" \
        --lora-r 16 --lora-alpha 32 --lora-dropout 0.05 \
        --lora-target q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj \
        --batch-size 32 --micro-batch-size 16 --cutoff-len 192 --max-steps "$lora_steps" \
        --learning-rate 1e-3 --warmup-steps 50 --lr-schedule cosine \
        --eval-steps 200 --seed 2 -j "$jobs" --progress --log "$work/lora.log.jsonl"
    took lora
fi

# 6 package
if [ ! -s "$work/pkg/model.safetensors" ]; then
    log "package"
    rm -rf "$work/pkg"
    lora-train --model "$work/base" --lora "$work/lora" --merge-out "$work/pkg" --dtype bf16
    cp "$tpl" "$work/pkg/prompt_template.json"
    took package
fi

# 6b decoding: beams, no_repeat_ngram_size and encoder_repetition_penalty (a bonus for the
# prompt's tokens) chosen by ROUGE-L on 300 validation papers
if [ ! -s "$work/pkg/generation_config.json" ]; then
    log "decoding: chosen on the validation split"
    head -n 300 "$work/cs.val.jsonl" > "$work/val-sample.jsonl"
    rm -f "$work/decoding.tsv"
    for b in 1 4; do
        for nr in 0 2 3; do
            for pen in 1 1.5 2 3; do
                title-gen --model "$work/pkg" --beams "$b" --no-repeat-ngram "$nr" --encoder-repetition-penalty "$pen" \
                    -j "$jobs" "$work/val-sample.jsonl" > "$work/val-hyp.jsonl"
                r=$(title-eval --ref "$work/val-sample.jsonl" --hyp "$work/val-hyp.jsonl" --json -b 0 |
                    jq '.systems[] | select(.name == "model") | .rougeL')
                printf '%s\t%s\t%s\t%s\n' "$b" "$nr" "$pen" "$r" >> "$work/decoding.tsv"
            done
        done
    done
    sort -t "$(printf '\t')" -k4,4gr -k1,1n -k3,3g "$work/decoding.tsv" | head -1 | {
        read -r b nr pen r
        printf '{\n  "bos_token_id": 1,\n  "eos_token_id": 2,\n  "num_beams": %s,\n  "no_repeat_ngram_size": %s,\n  "encoder_repetition_penalty": %s,\n  "max_new_tokens": 48\n}\n' \
            "$b" "$nr" "$pen" > "$work/pkg/generation_config.json.tmp"
    }
    mv "$work/pkg/generation_config.json.tmp" "$work/pkg/generation_config.json"
    took decoding
fi

# 7 eval
if [ ! -s "$work/eval.json" ]; then
    log "eval: every ${every}th paper of the 2026 test split"
    awk -v n="$every" 'NR % n == 1' "$work/cs.test.jsonl" > "$work/test-sample.jsonl"
    title-gen --model "$work/pkg" -j "$jobs" --progress "$work/test-sample.jsonl" > "$work/test-hyp.jsonl"
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp.jsonl" --name gentitle-default \
        --by-category=5 > "$work/eval.txt"
    # the same with the weights quantised to 8 bits at load (title-gen --load-8bit)
    title-gen --model "$work/pkg" --load-8bit -j "$jobs" "$work/test-sample.jsonl" > "$work/test-hyp-8bit.jsonl"
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp-8bit.jsonl" --name gentitle-8bit \
        > "$work/eval-8bit.txt"
    title-eval --ref "$work/test-sample.jsonl" --hyp "$work/test-hyp.jsonl" --name gentitle-default \
        --json > "$work/eval.json.tmp"
    mv "$work/eval.json.tmp" "$work/eval.json"       # last: the stage is done
    took eval
fi
cat "$work/eval.txt" >&2

# manifest, then the model into OUT-DIR as a whole
log "manifest"
sh "$spec/manifest.sh" "$work" "$arxiv" "$pre_steps" "$lora_steps" "$every" > "$work/pkg/MANIFEST.md.tmp"
mv "$work/pkg/MANIFEST.md.tmp" "$work/pkg/MANIFEST.md"
cp "$work/eval.json" "$work/pkg/eval.json"
rm -rf "$out.new"
cp -r "$work/pkg" "$out.new"
rm -rf "$out.old"
[ ! -e "$out" ] || mv "$out" "$out.old"
mv "$out.new" "$out"
rm -rf "$out.old"
log "done: $out ($(du -sh "$out" | cut -f1))"
