#!/bin/sh
# Bring your own LLaMA: LoRA-tune a Hugging Face LLaMA-architecture model on title
# pairs, write titles for the test split, and score them.
#
#   examples/own-model.sh MODEL-DIR PAIRS-PREFIX OUT-DIR
#
#   examples/build-pairs.sh arxiv-metadata-oai-snapshot.json.zst data/cs 2018-01-01 cs.CL
#   examples/own-model.sh ~/models/TinyLlama-1.1B data/cs runs/tinyllama
#
# MODEL-DIR holds config.json, *.safetensors (F32, F16 or BF16, sharded or not) and
# tokenizer.model or tokenizer.json. PAIRS-PREFIX.{train,val,test}.jsonl come from
# pair-build. Writes OUT-DIR/{train,val}.tok, the PEFT adapter in OUT-DIR/adapter
# (loadable by Python's peft too), OUT-DIR/titles.jsonl and OUT-DIR/eval.txt.
# Environment: CUTOFF (256), EPOCHS (3), STEPS (unset: EPOCHS passes; set: that
# many optimizer steps), BATCH (128), MICRO (4), LR (3e-4), TARGETS (q_proj,v_proj),
# RANK (8), TEST (200: titles for the first TEST test pairs; 0: all), BEAMS (4),
# LOAD_8BIT (unset; 1: train and generate over 8-bit base weights), JOBS (all cores).
set -eu
[ $# -eq 3 ] || { sed -n 2,19p "$0"; exit 64; }
model=$1 pairs=$2 out=$3
bin=$(cd "$(dirname "$0")/../build/bin" 2>/dev/null && pwd) && PATH="$bin:$PATH"
cutoff=${CUTOFF:-256} jobs=${JOBS:-$(nproc)} test_n=${TEST:-200}
q8=; [ "${LOAD_8BIT:-}" = 1 ] && q8=--load-8bit
mkdir -p "$out"
for s in train val test; do
    [ -r "$pairs.$s.jsonl" ] || { echo "own-model: $pairs.$s.jsonl: not found" >&2; exit 66; }
done
say() { printf 'own-model: %s\n' "$*" >&2; }

say "tokenizing with $model's tokenizer"
tok-encode -m "$model" --cutoff-len "$cutoff" -j "$jobs" --stats -o "$out/train.tok" "$pairs.train.jsonl"
tok-encode -m "$model" --cutoff-len "$cutoff" -j "$jobs" -o "$out/val.tok" "$pairs.val.jsonl"

say "LoRA training"
if [ -n "${STEPS:-}" ]; then set -- --max-steps "$STEPS"; else set -- --num-epochs "${EPOCHS:-3}"; fi
lora-train --model "$model" --train "$out/train.tok" --val "$out/val.tok" --out "$out/adapter" $q8 "$@" \
    --batch-size "${BATCH:-128}" --micro-batch-size "${MICRO:-4}" --learning-rate "${LR:-3e-4}" \
    --lora-r "${RANK:-8}" --lora-alpha "$((2 * ${RANK:-8}))" --lora-target "${TARGETS:-q_proj,v_proj}" \
    --cutoff-len "$cutoff" -j "$jobs" --progress --log "$out/train.log.jsonl"

say "titles for the test split"
if [ "$test_n" -gt 0 ]; then head -n "$test_n" "$pairs.test.jsonl"; else cat "$pairs.test.jsonl"; fi > "$out/test.jsonl"
title-gen --model "$model" --lora "$out/adapter" $q8 --beams "${BEAMS:-4}" -j "$jobs" --progress \
    "$out/test.jsonl" > "$out/titles.jsonl.tmp"
mv "$out/titles.jsonl.tmp" "$out/titles.jsonl"
title-eval --ref "$out/test.jsonl" --hyp "$out/titles.jsonl" --name "$(basename "$model")+lora" > "$out/eval.txt"
cat "$out/eval.txt"
say "web page: title-gen --model $model --lora $out/adapter --serve (then open http://127.0.0.1:7860/)"
