#!/bin/sh
# Write the MANIFEST.md of the from-scratch model to standard output (run by
# examples/scratch-model.sh): WORK ARXIV-DIR PRETRAIN-STEPS LORA-STEPS EVAL-EVERY
set -eu
work=$1 arxiv=$2 pre_steps=$3 lora_steps=$4 every=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../manifest-lib.sh"
cfg="$work/pkg/config.json"

cat <<EOF
# gentitle default model

A small LLaMA-architecture model that writes titles for computer-science abstracts, trained from scratch by
gentitle's own tools on real arXiv metadata (CC0 1.0) from \`../shared/data/arxiv/\`. It carries no third-party
license terms: no pretrained weights, tokenizer or text other than CC0 metadata went into it. Reproduce it with
\`make model\` (the recipe is \`examples/scratch-model.sh\`; numbers below are from the run that made these files).

## Files

| file | sha256 |
|---|---|
$(cd "$work/pkg" && for f in config.json model.safetensors tokenizer.json prompt_template.json generation_config.json; do echo "| \`$f\` | \`$(sha "$f")\` |"; done)

- \`config.json\`, \`model.safetensors\` (BF16): $(jq -r '"\(.num_hidden_layers) layers, hidden \(.hidden_size), \(.num_attention_heads) heads, MLP \(.intermediate_size), vocabulary \(.vocab_size), tied embeddings"' "$cfg"); the LoRA adapter merged in.
- \`tokenizer.json\`: a $(jq -r '.model.vocab | length' "$work/pkg/tokenizer.json")-piece BPE (SentencePiece style, byte fallback) learnt by \`tok-train\`.
- \`generation_config.json\`: the decoding chosen on the validation split (beams, no_repeat_ngram_size,
  encoder_repetition_penalty), the defaults \`title-gen\` takes for this folder.
- \`prompt_template.json\`: the prompt it was trained with (\`{input}\` then \`Title:\` on its own line);
  \`title-gen\` and \`tok-encode -m\` use it by default for this folder.

## Data

| input | sha256 |
|---|---|
$(for f in arxiv-2017 arxiv-2020 arxiv-2025; do echo "| \`$f.ndjson.zst\` | \`$(sha "$arxiv/$f.ndjson.zst")\` |"; done)

Pairs: the \`cs\` archive (any listed category), cleaned by \`abstract-clean\`, de-duplicated by \`pair-build\`.
Test split by time: every paper first posted on or after 2026-01-01; the rest split 99:1 (hashed id, seed 0).

| split | pairs | sha256 |
|---|---:|---|
$(for s in train val test; do echo "| $s | $(wc -l < "$work/cs.$s.jsonl") | \`$(sha "$work/cs.$s.jsonl")\` |"; done)

## Commands

$pre_steps pretraining steps and $lora_steps LoRA steps; the test sample is every ${every}th paper of the test split.
The stages of \`examples/scratch-model.sh\`, as run:

\`\`\`sh
$(sed -n '/^# 1 pairs/,/^# manifest/p' "$here/../scratch-model.sh" | sed '$d')
\`\`\`

## Loss

Pretraining (\`lora-train --init\`, loss on every token of abstract and title):

$(curve "$work/pretrain.log.jsonl" 300)

LoRA fine-tuning (loss on the title only):

$(curve "$work/lora.log.jsonl" 100)

## Test scores

Decoding, chosen by ROUGE-L on 300 validation papers (\`generation_config.json\`):

| beams | no_repeat_ngram_size | encoder_repetition_penalty | val ROUGE-L |
|---:|---:|---:|---:|
$(awk -F'\t' '{ printf "| %s | %s | %s | %.2f |\n", $1, $2, $3, $4 }' "$work/decoding.tsv")

\`title-eval\` on $(wc -l < "$work/test-sample.jsonl") papers of the 2026 test split (every ${every}th), beside the
extractive baselines, ROUGE F1 x100 as Google's rouge-score computes it:

\`\`\`
$(cat "$work/eval.txt")
\`\`\`

The same titles with the weights quantised to 8 bits at load (\`title-gen --load-8bit\`, blocks of 32 with F32 scales):

\`\`\`
$(grep -E '^(system|gentitle-8bit)' "$work/eval-8bit.txt")
\`\`\`

## Time

$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), wall-clock seconds per stage:

| stage | seconds |
|---|---:|
$(awk -F'\t' '{ printf "| %s | %d |\n", $1, $2; t += $2 } END { printf "| total | %d (%.0f min) |\n", t, t / 60 }' "$work/timings.tsv")
EOF
