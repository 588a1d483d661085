#!/usr/bin/env bash
# bench/qmatmul.sh - matrix products straight from GGUF blocks (gt_qmatmul,
# lib/nn/qmatmul.h) on the shapes of SmolLM2-135M's weights (576x576 q/o,
# 192x576 k/v, 1536x576 gate/up, 576x1536 down, 49152x576 the tied LM head;
# rows x columns; the K types need columns in whole blocks of 256, so their
# 576-column shapes run with 768), random blocks of every type, against
# gt_matmul's F32 on the same shapes, 1 and 2 threads:
#   - n = 1 (decoding one token): GB/s of weight bytes read, the weights
#     cycled through 256 MB of copies so that they come from memory as a
#     model's do; against one core's read bandwidth (bench/membw.c, as
#     bench/generate.sh measures it). Target: >= 80% of it for Q4_1, Q8_0, Q4_K.
#   - n = 256 (prefill): GFLOP/s (2 n d k per call); against gt_matmul's F32
#     GFLOP/s in the same run. Target: >= 50% of it (the integer path should beat it).
# Each figure is the best of 3 timed runs of about 0.15 s; "cpu" is the same
# from the process's CPU time, which other processes on a shared machine do
# not inflate (at 1 thread; at 2 it counts both threads). A type with a "p"
# after it (Q4_1p) is the same weights repacked into qmatmul.h's panels, as
# the GGUF loader stores them on an AVX-512 CPU (gt_qpack_matmul).
#
#   bench/qmatmul.sh [--types T1,T2,...] [--shapes DxK,...] [--threads "1 2"]
#
# Environment: BUILD (build directory, default build; libcore.a built with make
# when missing), CC. About 6 minutes (2-core machine).
set -euo pipefail

TYPES=Q8_0,Q8_0p,Q4_0,Q4_0p,Q4_1,Q4_1p,Q5_0,Q5_0p,Q5_1,Q5_1p,Q4_K,Q4_Kp,Q5_K,Q5_Kp,Q6_K,Q6_Kp
SHAPES=576x576,192x576,1536x576,576x1536,49152x576
THREADS="1 2"
while [ $# -gt 0 ]; do
    case $1 in
        --types) TYPES=$2; shift ;;
        --shapes) SHAPES=$2; shift ;;
        --threads) THREADS=$2; shift ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "qmatmul.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
CC=${CC:-cc}
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d /tmp/gt-qmatmul-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
load() { sed 's/.*load average: //' < <(uptime); }
echo "machine: $(nproc) cores; load average at start: $(load)"

make -s BUILD="$BUILD" "$BUILD/libcore.a" >/dev/null
$CC -O2 -fopenmp -std=c11 -D_GNU_SOURCE -Ilib bench/qmatmul.c "$BUILD/libcore.a" -o "$tmp/qmatmul" \
    -lyajl -lzstd -lpcre2-8 -lm -ldl -fopenmp
$CC -O3 -march=native bench/membw.c -o "$tmp/membw"
bw=$(taskset -c 0 "$tmp/membw" 512 | sed -n 's/read_gb_s=\([0-9.]*\).*/\1/p')
echo "one core's memory read bandwidth (bench/membw.c): $bw GB/s"

# F32 on every shape the types run: the given ones and the K types' 256-column roundings
F32_SHAPES=$(tr ',' '\n' <<<"$SHAPES" | awk -Fx '{ print; k = int(($2 + 255) / 256) * 256; if (k != $2) print $1 "x" k }' |
             awk '!seen[$0]++' | paste -sd, -)
val() { sed -n "s/.*[ ^]$2=\([-0-9.a-z]*\).*/\1/p" <<<" $1"; }
for th in $THREADS; do
    pin=()
    if command -v taskset >/dev/null && [ "$th" -le "$(nproc)" ]; then pin=(taskset -c "0-$((th - 1))"); fi
    export OMP_NUM_THREADS=$th
    f32=$("${pin[@]}" "$tmp/qmatmul" F32 "$F32_SHAPES" 1,256)
    q=$("${pin[@]}" "$tmp/qmatmul" "$TYPES" "$SHAPES" 1,256)
    path=$(val "$(head -1 <<<"$q")" path)
    echo
    echo "$th thread(s), kernels $path; decode n=1: GB/s of weights (cpu: from CPU time) and % of $bw GB/s;"
    echo "prefill n=256: GFLOP/s and % of F32 gt_matmul's on the same shape (F32 rows: gt_matmul itself)"
    printf '%-5s %-10s %8s %8s %6s %9s %9s %6s\n' type shape "n=1GB/s" cpu "%bw" "n=256GF/s" cpu "%F32"
    while read -r line; do
        [ -n "$line" ] || continue
        set -- $line
        ty=$1 sh=$2 n=${3#n=}
        [ "$n" = 1 ] || continue
        l256=$(grep "^$ty $sh n=256 " <<<"$f32
$q" | head -1)
        fl=$(grep "^F32 $sh n=256 " <<<"$f32" | head -1)
        ms1=$(val "$line" ms) cms1=$(val "$line" cpu_ms) gb=$(val "$line" gb_s)
        gf=$(val "$l256" gflop_s) ms256=$(val "$l256" ms) cms256=$(val "$l256" cpu_ms)
        awk -v ty="$ty" -v sh="$sh" -v gb="$gb" -v ms1="$ms1" -v cms1="$cms1" -v bw="$bw" -v gf="$gf" \
            -v ms256="$ms256" -v cms256="$cms256" -v fgf="$(val "$fl" gflop_s)" -v th="$th" 'BEGIN {
            cgb = gb * ms1 / cms1 * th; cgf = gf * ms256 / cms256 * th
            printf "%-5s %-10s %8.2f %8.2f %5.0f%% %9.1f %9.1f %5.0f%%\n", ty, sh, gb, cgb, 100 * gb / bw, gf, cgf, 100 * gf / fgf }'
    done <<<"$f32
$q"
done
echo
echo "load average at end: $(load)"
