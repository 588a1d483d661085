#!/usr/bin/env bash
# bench/forward.sh - speed and memory of libcore's LLaMA forward pass against
# PyTorch on the same random ~28M-parameter LLaMA (vocab 32000, hidden 512,
# 4 layers, 8 heads, 4 KV heads, tied embeddings), same thread count:
# prefill of PROMPT tokens in one batched pass, then DECODE tokens one at a time
# with the KV cache; best of RUNS. F32 and BF16 weight files for C; PyTorch
# runs float32 (plain torch ops, bench/forward_ref.py; with --hf also
# transformers' LlamaForCausalLM when it can be imported).
#
#   bench/forward.sh [--threads N] [--prompt N] [--decode N] [--runs N] [--hf]
#
# Environment: PYTHON (default /usr/bin/python3, which needs torch), CC.
# Needs libyajl; builds its own driver from lib/ sources into a temp dir.
set -euo pipefail

THREADS=1 PROMPT=128 DECODE=64 RUNS=3 HF=0
while [ $# -gt 0 ]; do
    case $1 in
        --threads) THREADS=$2; shift ;;
        --prompt) PROMPT=$2; shift ;;
        --decode) DECODE=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --hf) HF=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "forward.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
PYTHON=${PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/gt-forward-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/libcore.a" >/dev/null

$CC -O2 -fopenmp -std=c11 -D_GNU_SOURCE -Ilib bench/forward_bench.c "$BUILD/libcore.a" \
    -o "$tmp/forward_bench" -lyajl -lzstd -lpcre2-8 -lm -ldl
"$PYTHON" bench/forward_ref.py write "$tmp/f32" >/dev/null
"$PYTHON" bench/forward_ref.py write "$tmp/bf16" --dtype bf16 >/dev/null

pin=()
if command -v taskset >/dev/null && [ "$THREADS" -le "$(nproc)" ]; then pin=(taskset -c "0-$((THREADS - 1))"); fi
export OMP_NUM_THREADS=$THREADS
echo "model: 28.0M parameters; prompt $PROMPT tokens, decode $DECODE tokens, $THREADS thread(s), best of $RUNS"
c32=$("${pin[@]}" "$tmp/forward_bench" "$tmp/f32" "$PROMPT" "$DECODE" "$RUNS")
c16=$("${pin[@]}" "$tmp/forward_bench" "$tmp/bf16" "$PROMPT" "$DECODE" "$RUNS")
pt=$("${pin[@]}" "$PYTHON" bench/forward_ref.py time "$tmp/f32" "$PROMPT" "$DECODE" "$RUNS" "$THREADS")
echo "C F32 weights:   $c32"
echo "C BF16 weights:  $c16"
echo "PyTorch float32: $pt"
if [ "$HF" = 1 ]; then
    hf=$("${pin[@]}" "$PYTHON" bench/forward_ref.py time "$tmp/f32" "$PROMPT" "$DECODE" "$RUNS" "$THREADS" --hf 2>/dev/null) \
        && echo "transformers:    $hf" || echo "transformers:    SKIPPED (not importable with $PYTHON)"
fi
val() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
awk -v a="$(val "$c32" prefill_tok_s)" -v b="$(val "$pt" prefill_tok_s)" -v c="$(val "$c32" decode_tok_s)" \
    -v d="$(val "$pt" decode_tok_s)" -v r="$(val "$c32" peak_rss_mb)" -v w="$(val "$c32" weights_mb)" \
    -v k="$(val "$c32" kv_mb)" -v r16="$(val "$c16" peak_rss_mb)" -v w16="$(val "$c16" weights_mb)" 'BEGIN {
    printf "ratio C/PyTorch (F32): prefill %.2fx (target >= 1), decode %.2fx (target >= 3)\n", a / b, c / d
    printf "peak RSS over weights + KV cache: F32 %+.1f%%, BF16 %+.1f%% (target <= 10%%)\n",
        100 * (r / (w + k) - 1), 100 * (r16 / (w16 + k) - 1) }'
