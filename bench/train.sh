#!/usr/bin/env bash
# bench/train.sh - training speed of lora-train against PyTorch, in two parts.
#
# 1. A random LLaMA of ~41.7M parameters (vocab 32000 (llama2 tokenizer),
# hidden 512, intermediate 1376, 8 layers, 8 heads, tied embeddings) made by
# lora-train --init, and real arXiv abstracts (2020 dump) tokenized with
# tok-encode --text, cut to their first 128 tokens (shorter ones dropped, so
# no padding on either side). Same work on both sides, one run each:
#   - LoRA r 8, alpha 16, dropout 0.05 on q_proj,v_proj; micro-batch 4 x 128
#     tokens, ACCUM micro-batches per AdamW step (lr 3e-4, clip 1.0);
#   - --full: every weight trained, same batches.
# PyTorch: bench/train_ref.py (plain torch float32, torch.set_num_threads).
#
# 2. SmolLM2-135M-Instruct from the shared GGUF (Q4_1, tied Q8_0 embedding):
# lora-train LoRA on the GGUF file itself (base kept in its blocks, 8-bit
# products; --smollm2-exact adds a row with --exact, F32 products) and on the
# same weights dequantized to an F32 Hugging Face folder, against PyTorch +
# peft on that folder (bench/train_peft.py: transformers' LlamaForCausalLM,
# float32, eager attention; peft LoraConfig). LoRA r 16, alpha 32, dropout
# 0.05 on q,k,v,o,gate,up,down_proj; AdamW lr 1e-3 constant, clip 1.0; batch
# 8 sequences of 256 tokens (micro-batches of SMOL_MICRO), SMOL_STEPS steps;
# loss on the response tokens. Data: arXiv 2025 cs pairs (arxiv-extract |
# arxiv-filter-cat cs | abstract-clean | pair-build), tok-encode with the GGUF
# tokenizer, the ChatML template and --cutoff-len 256, only examples of
# exactly 256 tokens kept, 8 x SMOL_STEPS of them: both sides read the same
# stream. Needs a Python with torch, transformers, peft, gguf, numpy and
# safetensors (VENV or PYTHON): without it, or without the GGUF file, the
# row is skipped with a SKIPPED line.
#
# tokens/s excludes the first optimizer step (warm-up) on both sides.
# MFU = model FLOPs / measured sgemm peak, model FLOPs per token:
#   full 6 * params (forward 2P, backward 4P), LoRA 4 * params (the frozen base
#   gets no weight gradient: forward 2P + input gradients 2P); attention's
#   T^2 terms and the LoRA factors are left out; a tied embedding counts once
#   (as the LM head's product). SmolLM2 also shows MFU without the head.
# Peak: bench/sgemm_peak.c, the best GFLOP/s of gt_matmul on square F32
# matrices of 512, 1024 and 2048 with the same threads (and of OpenBLAS's sgemm
# when libopenblas-dev is installed). Peak RSS: GNU time.
#
#   bench/train.sh [--threads N] [--steps S] [--accum K] [--no-full]
#                  [--smollm2-only | --no-smollm2] [--smollm2-steps S]
#                  [--smollm2-micro M] [--smollm2-exact] [--smollm2-ckpt]
#
#   --smollm2-only    only part 2 (the sgemm peak, then the SmolLM2 rows)
#   --no-smollm2      only part 1
#   --smollm2-steps S optimizer steps of the SmolLM2 rows (default 4)
#   --smollm2-micro M micro-batch of the SmolLM2 rows: 1, 2, 4 or 8 (default
#                     4; PyTorch needs about 8 GB at 4)
#   --smollm2-exact   also lora-train --exact on the Q4_1 file
#   --smollm2-ckpt    also lora-train --gradient-checkpointing --micro-batch-size 2 on the Q4_1 file (the memory row)
#
# Environment: BUILD (build dir with the tools, default build; made with make
# when missing), PYTHON (/usr/bin/python3 with torch), VENV (a venv whose
# bin/python has torch, transformers, peft, gguf: part 2's Python; default
# PYTHON), SMOLLM2_GGUF (default GT_SHARED/models/smollm2-135m-instruct/
# SmolLM2-135M-Instruct.Q4_1.gguf), CC, GT_SHARED (default ../shared).
# Part 1: about 80 seconds with 2 threads; part 2: minutes per row (the
# dequantized folder is kept in bench/out/smollm2-f32, 538 MB).
set -euo pipefail

THREADS=$(nproc) STEPS=6 ACCUM=2 FULL=1
RANDOM_ROWS=1 SMOL=1 SMOL_STEPS=4 SMOL_MICRO=4 SMOL_EXACT=0 SMOL_CKPT=0
while [ $# -gt 0 ]; do
    case $1 in
        --threads) THREADS=$2; shift ;;
        --steps) STEPS=$2; shift ;;
        --accum) ACCUM=$2; shift ;;
        --no-full) FULL=0 ;;
        --smollm2-only) RANDOM_ROWS=0 SMOL=1 ;;
        --no-smollm2) SMOL=0 ;;
        --smollm2-steps) SMOL_STEPS=$2; shift ;;
        --smollm2-micro) SMOL_MICRO=$2; shift ;;
        --smollm2-exact) SMOL_EXACT=1 ;;
        --smollm2-ckpt) SMOL_CKPT=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "train.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
[ "$STEPS" -ge 2 ] || { echo "train.sh: --steps must be at least 2" >&2; exit 64; }
[ "$SMOL_STEPS" -ge 2 ] || { echo "train.sh: --smollm2-steps must be at least 2" >&2; exit 64; }
case $SMOL_MICRO in 1|2|4|8) ;; *) echo "train.sh: --smollm2-micro must be 1, 2, 4 or 8" >&2; exit 64 ;; esac
PYTHON=${PYTHON:-/usr/bin/python3}
PEFT_PYTHON=${VENV:+$VENV/bin/python}
PEFT_PYTHON=${PEFT_PYTHON:-$PYTHON}
CC=${CC:-cc}
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SHARED=${GT_SHARED:-../shared}
TOKDIR=$SHARED/models/llama2-tokenizer
SMOL_GGUF=${SMOLLM2_GGUF:-$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf}
OUT=bench/out
tmp=$(mktemp -d /tmp/gt-train-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
load() { sed 's/.*load average: //' < <(uptime); }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average at start: $(load)"

# part 2 needs the GGUF file and a Python with torch + transformers + peft + gguf
if [ "$SMOL" = 1 ]; then
    why=
    if [ ! -r "$SMOL_GGUF" ]; then
        why="no GGUF file at $SMOL_GGUF (set SMOLLM2_GGUF or GT_SHARED)"
    elif ! err=$("$PEFT_PYTHON" -c 'import torch, transformers, peft, gguf, numpy, safetensors' 2>&1); then
        why="$PEFT_PYTHON lacks torch, transformers, peft, gguf, numpy or safetensors ($(tail -1 <<<"$err")); set VENV"
    fi
    if [ -n "$why" ]; then
        echo "SKIPPED SmolLM2-135M rows: $why"
        SMOL=0
        [ "$RANDOM_ROWS" = 1 ] || exit 69
    fi
fi
tools=("$BUILD/bin/lora-train" "$BUILD/bin/tok-encode")
[ "$SMOL" = 0 ] || tools+=("$BUILD/bin/arxiv-extract" "$BUILD/bin/arxiv-filter-cat" "$BUILD/bin/abstract-clean"
                           "$BUILD/bin/pair-build")
for t in "${tools[@]}"; do
    [ -x "$t" ] || { make BUILD="$BUILD" "${tools[@]}" >/dev/null; break; }
done

# Debian's python3-torch does its float32 products through libblas.so.3, which
# is the unoptimized reference BLAS unless an optimized one is installed
# (libopenblas0-pthread): PyTorch then runs 10-20x slower than it can.
libblas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
case $libblas in
    */blas/libblas.so.3*) echo "train.sh: WARNING: libblas.so.3 is the reference BLAS ($libblas): PyTorch will be" \
        "far slower than it can be; apt-get install libopenblas0-pthread" >&2 ;;
esac
echo "libblas.so.3 (Debian's PyTorch's BLAS): ${libblas:-not found}"

# the sgemm yardstick
blas=()
# OpenBLAS itself, not just a cblas.h (Debian's reference libblas-dev, which
# python3-torch pulls in, has the header but no libopenblas): link a probe.
if printf '#include <cblas.h>\nint main(void){openblas_set_num_threads(1);return 0;}\n' \
        | $CC -x c - -o /dev/null -lopenblas >/dev/null 2>&1; then
    blas=(-DHAVE_OPENBLAS -lopenblas)
fi
make -s BUILD="$BUILD" "$BUILD/libcore.a" >/dev/null
$CC -O2 -fopenmp -std=c11 -D_GNU_SOURCE -Ilib bench/sgemm_peak.c "$BUILD/libcore.a" \
    -o "$tmp/sgemm_peak" "${blas[@]}" -lyajl -lzstd -lpcre2-8 -lm -ldl
export OMP_NUM_THREADS=$THREADS
peak=$("$tmp/sgemm_peak" -r 5 512 1024 2048)
echo "$peak"
gt_peak=$(sed -n 's/^gt_matmul best gflops=//p' <<<"$peak")
ob_peak=$(sed -n 's/^openblas best gflops=//p' <<<"$peak")

pin=()
if command -v taskset >/dev/null && [ "$THREADS" -le "$(nproc)" ]; then pin=(taskset -c "0-$((THREADS - 1))"); fi
val() { sed -n "s/.*[ ^]$2=\([-0-9.e+]*\).*/\1/p" <<<" $1"; }

# part 1: the random 41.7M model
if [ "$RANDOM_ROWS" = 1 ]; then
    # model and data
    mkdir -p "$OUT/train-config"
    cat > "$OUT/train-config/config.json" <<'JSON'
{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_act": "silu",
  "vocab_size": 32000,
  "hidden_size": 512,
  "intermediate_size": 1376,
  "num_hidden_layers": 8,
  "num_attention_heads": 8,
  "num_key_value_heads": 8,
  "max_position_embeddings": 2048,
  "initializer_range": 0.02,
  "rms_norm_eps": 1e-05,
  "rope_theta": 10000.0,
  "tie_word_embeddings": true,
  "bos_token_id": 1,
  "eos_token_id": 2,
  "torch_dtype": "float32"
}
JSON
    cp "$TOKDIR/tokenizer.model" "$OUT/train-config/"
    NREC=$(( (STEPS * ACCUM * 4) * 3 ))
    { zstdcat "$SHARED/data/arxiv/arxiv-2020.ndjson.zst" || true; } | head -$((NREC * 2)) |
        jq -r '.abstract | gsub("\\s+"; " ") | ltrimstr(" ")' > "$tmp/abs.txt"
    "$BUILD/bin/tok-encode" -m "$TOKDIR" --text -q -o "$tmp/all.tok" "$tmp/abs.txt"
    "$PYTHON" bench/train_ref.py filter "$tmp/all.tok" "$tmp/train.tok" 128
    "$BUILD/bin/lora-train" --init "$OUT/train-config" -t "$tmp/train.tok" -o "$OUT/train-base" --max-steps 1 \
        --batch-size 4 --micro-batch-size 4 --learning-rate 0 --cutoff-len 128 >/dev/null
    echo "model: $OUT/train-base (random init, seed 42); micro-batch 4 x 128 tokens, $ACCUM per step, $STEPS steps, $THREADS thread(s)"

    rows=()
    params=

    run_gt() {    # name, extra lora-train options
        local name=$1; shift
        /usr/bin/time -f %M -o "$tmp/rss" "${pin[@]}" "$BUILD/bin/lora-train" -m "$OUT/train-base" -t "$tmp/train.tok" \
            -o "$tmp/o-$name" --batch-size $((4 * ACCUM)) --micro-batch-size 4 --max-steps "$STEPS" --warmup-steps 0 \
            --cutoff-len 128 --lr-schedule constant --log "$tmp/log-$name" -j "$THREADS" "$@" >/dev/null
        jq -s -r '[.[] | select(.type == "train")] | "tokens_per_s=\(([.[1:][].tokens] | add) / (.[-1].elapsed_s - .[0].elapsed_s)) loss_first=\(.[0].loss) loss_last=\(.[-1].loss)"' "$tmp/log-$name"
        echo " peak_rss_mb=$(( $(cat "$tmp/rss") / 1024 ))"
    }
    run_py() {
        /usr/bin/time -f %M -o "$tmp/rss" "${pin[@]}" "$PYTHON" bench/train_ref.py train "$OUT/train-base" "$tmp/train.tok" \
            --micro 4 --accum "$ACCUM" --steps "$STEPS" --threads "$THREADS" "$@"
    }
    modes=(lora)
    [ "$FULL" = 1 ] && modes+=(full)
    for mode in "${modes[@]}"; do
        if [ "$mode" = lora ]; then
            g=$(run_gt lora --lora-r 8 --lora-alpha 16 --lora-dropout 0.05 --lora-target q_proj,v_proj | tr -d '\n')
            p=$(run_py --lora-r 8 --lora-alpha 16 --lora-dropout 0.05)
            fpt=4
        else
            g=$(run_gt full --full | tr -d '\n')
            p=$(run_py --full)
            fpt=6
        fi
        params=$(val "$p" params)
        echo "$mode lora-train: $g"
        echo "$mode pytorch:    $p"
        rows+=("$mode $(val "$g" tokens_per_s) $(val "$p" tokens_per_s) $fpt $(val "$g" peak_rss_mb) $(val "$p" peak_rss_mb)")
    done

    echo
    echo "params $params (tied embeddings counted once); peak gt_matmul ${gt_peak} GFLOP/s${ob_peak:+, OpenBLAS ${ob_peak} GFLOP/s}"
    printf '%-5s %12s %12s %7s %9s %9s %9s %9s %9s\n' mode "lora-train" pytorch ratio "MFU(gt)" "MFU(blas)" "PT MFU" "RSS MB" "PT RSS"
    for r in "${rows[@]}"; do
        read -r mode gt pt fpt grss prss <<<"$r"
        awk -v m="$mode" -v g="$gt" -v p="$pt" -v f="$fpt" -v P="$params" -v pk="$gt_peak" -v ob="${ob_peak:-0}" \
            -v gr="$grss" -v pr="$prss" 'BEGIN {
            mfu = f * P * g / (pk * 1e9) * 100; pmfu = f * P * p / (pk * 1e9) * 100
            mb = ob > 0 ? sprintf("%.1f%%", f * P * g / (ob * 1e9) * 100) : "-"
            printf "%-5s %12.0f %12.0f %6.2fx %8.1f%% %9s %8.1f%% %9d %9d\n", m, g, p, g / p, mfu, mb, pmfu, gr, pr }'
    done
    echo "tokens/s: trained tokens per second after the first step; MFU = (LoRA 4, full 6) x params x tokens/s / peak"
fi

# part 2: SmolLM2-135M-Instruct from the shared GGUF
show() {    # a command as it can be pasted (quoted where the shell needs it)
    local a out=+
    for a in "$@"; do
        if [[ $a =~ ^[-A-Za-z0-9_./,:=+%@]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
    done
    echo "$out"
}
if [ "$SMOL" = 1 ]; then
    echo
    NS=$((8 * SMOL_STEPS)) SACC=$((8 / SMOL_MICRO))
    echo "SmolLM2-135M-Instruct: $SMOL_GGUF; LoRA r 16, alpha 32, dropout 0.05 on q,k,v,o,gate,up,down_proj;" \
        "batch 8 x 256 tokens ($SACC micro-batch(es) of $SMOL_MICRO), $SMOL_STEPS steps, AdamW lr 1e-3, $THREADS thread(s)"

    # the data: $NS pairs of exactly 256 tokens (ChatML, the file's own tokenizer)
    echo "+ zstdcat $SHARED/data/arxiv/arxiv-2025.ndjson.zst | head -$((NS * 3 + 100)) | $BUILD/bin/arxiv-extract" \
        "| $BUILD/bin/arxiv-filter-cat cs | $BUILD/bin/abstract-clean | $BUILD/bin/pair-build > PAIRS"
    { zstdcat "$SHARED/data/arxiv/arxiv-2025.ndjson.zst" || true; } | head -$((NS * 3 + 100)) |
        "$BUILD/bin/arxiv-extract" | "$BUILD/bin/arxiv-filter-cat" cs | "$BUILD/bin/abstract-clean" |
        "$BUILD/bin/pair-build" > "$tmp/smol-pairs.jsonl" || true    # counted below: the filter wants $NS examples
    show "$BUILD/bin/tok-encode" -m "$SMOL_GGUF" --template data/templates/chatml.json --cutoff-len 256 -q \
        -o "$tmp/smol-all.tok" "$tmp/smol-pairs.jsonl"
    "$BUILD/bin/tok-encode" -m "$SMOL_GGUF" --template data/templates/chatml.json --cutoff-len 256 -q \
        -o "$tmp/smol-all.tok" "$tmp/smol-pairs.jsonl"
    mkdir -p "$OUT"
    STREAM=$OUT/smollm2-train.tok
    show "$PEFT_PYTHON" bench/train_peft.py filter "$tmp/smol-all.tok" "$STREAM" 256 "$NS"
    "$PEFT_PYTHON" bench/train_peft.py filter "$tmp/smol-all.tok" "$STREAM" 256 "$NS"

    # the F32 base: the file's weights dequantized by gguf, as a Hugging Face folder (kept between runs)
    F32DIR=$OUT/smollm2-f32
    src="$(readlink -f "$SMOL_GGUF") $(stat -c '%s %Y' "$SMOL_GGUF") $(cksum < bench/train_peft.py)"
    if [ "$(cat "$F32DIR/source" 2>/dev/null)" != "$src" ]; then
        rm -rf "$F32DIR" "$F32DIR.part"
        show "$PEFT_PYTHON" bench/train_peft.py dequant "$SMOL_GGUF" "$F32DIR"
        "$PEFT_PYTHON" bench/train_peft.py dequant "$SMOL_GGUF" "$F32DIR.part"
        echo "$src" > "$F32DIR.part/source"
        mv "$F32DIR.part" "$F32DIR"
    fi
    echo "F32 base: $F32DIR (config.json + model.safetensors, $(( $(stat -c %s "$F32DIR/model.safetensors") / 1000000 )) MB)"

    LORA=(--lora-r 16 --lora-alpha 32 --lora-dropout 0.05)
    smol=()
    smol_gt() {    # row name, model, extra lora-train options
        local name=$1 model=$2; shift 2
        # shellcheck disable=SC2054  # (the commas are lora-train's)
        local cmd=("${pin[@]}" "$BUILD/bin/lora-train" -m "$model" -t "$STREAM" -o "$tmp/o-smol" --batch-size 8
                   --micro-batch-size "$SMOL_MICRO" --max-steps "$SMOL_STEPS" --warmup-steps 0 --lr-schedule constant
                   --learning-rate 1e-3 --cutoff-len 256 --val-set-size 0 "${LORA[@]}"
                   --lora-target q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj
                   --log "$tmp/log-smol" -j "$THREADS" "$@")
        echo "[$name] load average $(load)"
        show /usr/bin/time -f %M "${cmd[@]}"
        rm -f "$tmp/log-smol"
        /usr/bin/time -f %M -o "$tmp/rss" "${cmd[@]}" >/dev/null
        local r
        r="$(jq -s -r '[.[] | select(.type == "train")] | "tokens_per_s=\(([.[1:][].tokens] | add) / (.[-1].elapsed_s - .[0].elapsed_s)) loss_first=\(.[0].loss) loss_last=\(.[-1].loss) label_frac=\(([.[].label_tokens] | add) / ([.[].tokens] | add))"' "$tmp/log-smol") rss_mb=$(( $(cat "$tmp/rss") / 1024 ))"
        echo "[$name] $r"
        smol+=("$name|$r")
    }
    smol_gt "lora-train Q4_1 (8-bit)" "$SMOL_GGUF"
    [ "$SMOL_EXACT" = 0 ] || smol_gt "lora-train Q4_1 --exact" "$SMOL_GGUF" --exact
    [ "$SMOL_CKPT" = 0 ] || smol_gt "lora-train Q4_1 ckpt, micro 2" "$SMOL_GGUF" --gradient-checkpointing --micro-batch-size 2
    smol_gt "lora-train F32 folder" "$F32DIR"
    name="PyTorch+peft F32 (eager)"
    cmd=("${pin[@]}" "$PEFT_PYTHON" bench/train_peft.py train "$F32DIR" "$STREAM" --micro "$SMOL_MICRO" --accum "$SACC"
         --steps "$SMOL_STEPS" --threads "$THREADS" "${LORA[@]}" --lr 1e-3 --attn eager)
    echo "[$name] load average $(load)"
    show /usr/bin/time -f %M "${cmd[@]}"
    r="$(/usr/bin/time -f %M -o "$tmp/rss" "${cmd[@]}") rss_mb=$(( $(cat "$tmp/rss") / 1024 ))"
    echo "[$name] $r"
    smol+=("$name|$r")
    pt=$(val "$r" tokens_per_s)
    P=$(val "$r" params)
    Phead=$(jq '.vocab_size * .hidden_size' "$F32DIR/config.json")

    echo
    echo "params $P (the tied ${Phead}-parameter embedding counted once, as the LM head's product: the lookup is" \
        "no FLOPs); without it $((P - Phead)); peak gt_matmul ${gt_peak} GFLOP/s"
    printf '%-26s %9s %9s %9s %8s %10s %7s %16s %6s\n' row "tokens/s" "vs PT" "GFLOP/s" "MFU" "MFU-nohead" "RSS MB" \
        "loss first>last" "labels"
    verdicts=()
    for e in "${smol[@]}"; do
        name=${e%%|*} r=${e#*|}
        awk -v n="$name" -v g="$(val "$r" tokens_per_s)" -v p="$pt" -v P="$P" -v H="$Phead" -v pk="$gt_peak" \
            -v rss="$(val "$r" rss_mb)" -v l0="$(val "$r" loss_first)" -v l1="$(val "$r" loss_last)" \
            -v lf="$(val "$r" label_frac)" 'BEGIN {
            f = 4 * P * g / 1e9
            printf "%-26s %9.1f %8.2fx %9.1f %7.1f%% %9.1f%% %7d %7.3f>%-7.3f %6s\n", n, g, g / p, f, f / pk * 100,
                4 * (P - H) * g / 1e9 / pk * 100, rss, l0, l1, lf == "" ? "-" : sprintf("%.1f%%", lf * 100) }'
        case $name in
            lora-train*)
                v=$(awk -v g="$(val "$r" tokens_per_s)" -v p="$pt" -v P="$P" -v H="$Phead" -v pk="$gt_peak" \
                    -v rss="$(val "$r" rss_mb)" -v q="$([[ $name == *Q4_1* ]] && echo 1 || echo 0)" 'BEGIN {
                    m = 4 * P * g / 1e9 / pk * 100; mh = 4 * (P - H) * g / 1e9 / pk * 100
                    s = sprintf("%.2fx PyTorch (target 3x): %s; MFU %.1f%% (target 50%%): %s (without the head %.1f%%: %s)",
                                g / p, g >= 3 * p ? "met" : "NOT met", m, m >= 50 ? "met" : "NOT met",
                                mh, mh >= 50 ? "met" : "NOT met")
                    if (q) s = s sprintf("; peak RSS %d MB (target < 400 MB): %s", rss, rss < 400 ? "met" : "NOT met")
                    print s }')
                verdicts+=("$name: $v") ;;
        esac
    done
    echo "tokens/s: tokens per second after the first step; MFU = 4 x params x tokens/s / peak (LoRA: forward 2P +" \
        "input gradients 2P); MFU-nohead: without the head's ${Phead}; labels: the share of tokens in the loss" \
        "(lora-train runs the head on those rows only, PyTorch on every row); same examples on both sides," \
        "in lora-train's shuffled order and in stream order"
    echo "targets (issue 13):"
    for v in "${verdicts[@]}"; do echo "  $v"; done
fi

echo "load average at end: $(load)"
