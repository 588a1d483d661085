#!/usr/bin/env bash
# bench/train.sh - training speed of lora-train against PyTorch, on a random
# LLaMA of ~41.7M parameters (vocab 32000 (llama2 tokenizer), hidden 512,
# intermediate 1376, 8 layers, 8 heads, tied embeddings) made by
# lora-train --init, and real arXiv abstracts (2020 dump) tokenized with
# tok-encode --text, cut to their first 128 tokens (shorter ones dropped, so
# no padding on either side). Same work on both sides, one run each:
#   - LoRA r 8, alpha 16, dropout 0.05 on q_proj,v_proj; micro-batch 4 x 128
#     tokens, ACCUM micro-batches per AdamW step (lr 3e-4, clip 1.0);
#   - --full: every weight trained, same batches.
# PyTorch: bench/train_ref.py (plain torch float32, torch.set_num_threads).
# tokens/s excludes the first optimizer step (warm-up) on both sides.
# MFU = model FLOPs / measured sgemm peak, model FLOPs per token:
#   full 6 * params (forward 2P, backward 4P), LoRA 4 * params (the frozen base
#   gets no weight gradient: forward 2P + input gradients 2P); attention's
#   T^2 terms and the LoRA factors are left out.
# Peak: bench/sgemm_peak.c, the best GFLOP/s of gt_matmul on square F32
# matrices of 512, 1024 and 2048 with the same threads (and of OpenBLAS's sgemm
# when libopenblas-dev is installed). Peak RSS: GNU time.
#
#   bench/train.sh [--threads N] [--steps S] [--accum K] [--no-full]
#
# Environment: BUILD (build dir with bin/lora-train and bin/tok-encode, default
# build; made with make when missing), PYTHON (/usr/bin/python3 with torch),
# CC, GT_SHARED (default ../shared). About 80 seconds with 2 threads.
set -euo pipefail

THREADS=$(nproc) STEPS=6 ACCUM=2 FULL=1
while [ $# -gt 0 ]; do
    case $1 in
        --threads) THREADS=$2; shift ;;
        --steps) STEPS=$2; shift ;;
        --accum) ACCUM=$2; shift ;;
        --no-full) FULL=0 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "train.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
[ "$STEPS" -ge 2 ] || { echo "train.sh: --steps must be at least 2" >&2; exit 64; }
PYTHON=${PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SHARED=${GT_SHARED:-../shared}
TOKDIR=$SHARED/models/llama2-tokenizer
OUT=bench/out
tmp=$(mktemp -d /tmp/gt-train-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
load() { sed 's/.*load average: //' < <(uptime); }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average at start: $(load)"
[ -x "$BUILD/bin/lora-train" ] && [ -x "$BUILD/bin/tok-encode" ] || make BUILD="$BUILD" "$BUILD/bin/lora-train" "$BUILD/bin/tok-encode" >/dev/null

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

pin=()
if command -v taskset >/dev/null && [ "$THREADS" -le "$(nproc)" ]; then pin=(taskset -c "0-$((THREADS - 1))"); fi
val() { sed -n "s/.*[ ^]$2=\([-0-9.e+]*\).*/\1/p" <<<" $1"; }
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
echo "load average at end: $(load)"
