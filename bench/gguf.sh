#!/usr/bin/env bash
# bench/gguf.sh - gentitle's forward pass on a GGUF file against llama.cpp on
# the same file: SmolLM2-135M-Instruct from ../shared (Q4_1 with a Q8_0 tied
# embedding) and Q8_0 and Q4_K_M versions of it that llama.cpp's own
# quantizer makes (llama_model_quantize through llama-cpp-python, requantized
# from the Q4_1 file: the speed is what is measured, not the quality). A
# prompt of PROMPT tokens in one batch, then DECODE tokens one at a time,
# with 1 and 2 threads.
#   - gentitle: bench/forward_bench.c, gt_model_load + gt_model_forward (what
#     title-gen runs), the weights in their blocks (repacked into qmatmul.h's
#     panels on an AVX-512 CPU); best of 3 runs; peak RSS from getrusage.
#   - llama.cpp: bench/gguf_llamacpp.py (llama-cpp-python built from source
#     with native CPU flags; llama.cpp's own perf counters; F16 KV cache).
# Prints per type and threads: prefill and decode tokens/s of both, the
# ratios (targets: prefill 2x, decode 1.5x), decode's weight bytes per second
# as a share of one core's read bandwidth (bench/membw.c, this run), and
# gentitle's peak RSS against the file's size plus its KV cache (target:
# within 10%).
#
#   bench/gguf.sh [--threads "1 2"] [--types Q4_1,Q8_0,Q4_K_M] [--prompt 256] [--decode 128]
#
# Environment: VENV (a virtual environment with llama-cpp-python, e.g. made
# as tests/reference/README.md says; without it only gentitle's side runs),
# BUILD (default build), GT_SHARED (default ../shared), CC. About 3 minutes.
set -euo pipefail

THREADS="1 2" TYPES=Q4_1,Q8_0,Q4_K_M PROMPT=256 DECODE=128
while [ $# -gt 0 ]; do
    case $1 in
        --threads) THREADS=$2; shift ;;
        --types) TYPES=$2; shift ;;
        --prompt) PROMPT=$2; shift ;;
        --decode) DECODE=$2; shift ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "gguf.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
CC=${CC:-cc}
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SHARED=${GT_SHARED:-../shared}
SRC=$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf
OUT=bench/out/gguf
PY=${VENV:+$VENV/bin/python}
[ -f "$SRC" ] || { echo "gguf.sh: $SRC is missing" >&2; exit 66; }
mkdir -p "$OUT"
tmp=$(mktemp -d /tmp/gt-gguf-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
load() { sed 's/.*load average: //' < <(uptime); }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average at start: $(load)"

make -s BUILD="$BUILD" "$BUILD/libcore.a" >/dev/null
$CC -O2 -fopenmp -std=c11 -D_GNU_SOURCE -Ilib bench/forward_bench.c "$BUILD/libcore.a" -o "$tmp/fwd" \
    -lyajl -lzstd -lpcre2-8 -lm -ldl -fopenmp
$CC -O3 -march=native bench/membw.c -o "$tmp/membw"
bw=$(taskset -c 0 "$tmp/membw" 512 | sed -n 's/read_gb_s=\([0-9.]*\).*/\1/p')
echo "one core's memory read bandwidth (bench/membw.c): $bw GB/s"
if [ -z "$PY" ]; then echo "no VENV with llama-cpp-python: gentitle's side only"; fi

model_file() {   # the file of type $1, made with llama.cpp's quantizer when missing
    if [ "$1" = Q4_1 ]; then echo "$SRC"; return; fi
    local f=$OUT/SmolLM2-135M-Instruct.$1.gguf
    if [ ! -f "$f" ]; then
        [ -n "$PY" ] || { echo "gguf.sh: $f is missing and there is no VENV to make it" >&2; exit 69; }
        "$PY" - "$SRC" "$f.part" "$1" >"$OUT/quantize-$1.log" 2>&1 <<'PYEOF'
import ctypes, sys, llama_cpp
p = llama_cpp.llama_model_quantize_default_params()
p.ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + sys.argv[3])
p.allow_requantize = True
sys.exit(llama_cpp.llama_model_quantize(sys.argv[1].encode(), sys.argv[2].encode(), ctypes.byref(p)))
PYEOF
        mv "$f.part" "$f"
    fi
    echo "$f"
}
val() { sed -n "s/.*[ ^]$2=\([-0-9.a-z]*\).*/\1/p" <<<" $1"; }

printf '%-7s %3s %9s %9s %9s %9s %9s %9s %8s %8s %8s %8s\n' type thr "pf gt" "pf lcpp" "pf x" \
    "dec gt" "dec lcpp" "dec x" "membw%" "RSS MB" "file+KV" "RSS/f+KV"
for ty in ${TYPES//,/ }; do
    f=$(model_file "$ty")
    fmb=$(( $(stat -c %s "$f") / 1048576 ))
    for th in $THREADS; do
        pin=(); [ "$th" -le "$(nproc)" ] && pin=(taskset -c "0-$((th - 1))")
        g=$(OMP_NUM_THREADS=$th "${pin[@]}" "$tmp/fwd" "$f" "$PROMPT" "$DECODE" 3)
        echo "  gentitle $ty threads=$th: $g" >&2
        gp=$(val "$g" prefill_tok_s) gd=$(val "$g" decode_tok_s) rss=$(val "$g" peak_rss_mb)
        wmb=$(val "$g" weights_mb) kv=$(val "$g" kv_mb)
        lp=- ld=- px=- dx=-
        if [ -n "$PY" ]; then
            l=$("${pin[@]}" "$PY" bench/gguf_llamacpp.py "$f" "$PROMPT" "$DECODE" "$th" "$SHARED" 2>/dev/null | tail -1)
            echo "  llama.cpp $ty threads=$th: $l" >&2
            lp=$(val "$l" prefill_tok_s) ld=$(val "$l" decode_tok_s)
            px=$(awk -v a="$gp" -v b="$lp" 'BEGIN { printf "%.2f", a / b }')
            dx=$(awk -v a="$gd" -v b="$ld" 'BEGIN { printf "%.2f", a / b }')
        fi
        share=$(awk -v w="$wmb" -v d="$gd" -v b="$bw" 'BEGIN { printf "%.0f%%", 100 * w * 1.048576 * d / 1000 / b }')
        fkv=$(awk -v f="$fmb" -v k="$kv" 'BEGIN { printf "%.1f", f + k }')
        ratio=$(awk -v r="$rss" -v f="$fkv" 'BEGIN { printf "%+.1f%%", 100 * (r / f - 1) }')
        printf '%-7s %3s %9.1f %9s %9s %9.1f %9s %9s %8s %8.1f %8s %8s\n' "$ty" "$th" "$gp" "$lp" "$px" "$gd" "$ld" \
            "$dx" "$share" "$rss" "$fkv" "$ratio"
    done
done
echo "pf/dec: prefill/decode tokens per second (gt: gentitle, lcpp: llama.cpp), x: gentitle / llama.cpp;"
echo "membw%: decode's weight bytes per second over one core's read bandwidth; RSS: gentitle's peak"
echo "load average at end: $(load)"
