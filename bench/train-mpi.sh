#!/usr/bin/env bash
# bench/train-mpi.sh - lora-train data-parallel under MPI on one machine: the
# step time of 1 process x 2 threads against 2 processes x 1 thread (mpirun
# -np 2, OMP_NUM_THREADS=1), the same global batch, and the collectives' share
# of the step; then, from the measured one-machine step and the bytes
# summed, an estimate for 8 and 64 machines on 10 Gb/s Ethernet.
#
# Rows (each STEPS optimizer steps, run REPEAT times, 1 x 2 and 2 x 1 in turn
# so that the machine's drift touches both; the step time is the median of
# steps 2..S of every repeat, from the log's elapsed_s; the collectives' time
# is the median of rank 0's allreduce_s: the reduce-scatter of the gradients,
# with the wait for the slower rank, and the gather of the updated shares):
#   42M lora  the random 41.7M LLaMA of bench/train.sh (lora-train --init, the
#             LLaMA-2 tokenizer), LoRA r 8 on q_proj,v_proj, batch 16 =
#             4 micro-batches of 4 (2 per rank), cutoff 128 tokens
#   42M full  the same with --full (every gradient all-reduced: 167 MB)
#   smollm2   SmolLM2-135M-Instruct, the shared Q4_1 GGUF, LoRA r 16 on the 7
#             projections, batch 8 = 4 micro-batches of 2, cutoff 256 tokens
# Data: arXiv 2025 cs pairs (arxiv-extract | arxiv-filter-cat cs |
# abstract-clean | pair-build | tok-encode --cutoff-len): both runs read the
# same stream, so they do the same work.
#
# The estimate (what it assumes): the global batch split over N machines, each
# computing 1/N of it as fast as this machine with 2 threads (C = the 1 x 2
# step time, the AdamW step included: each machine updates 1/N of the
# weights; no straggler), then lora-train's collectives over B = 4 x trained
# parameters bytes: a ring reduce-scatter of the gradients and a ring
# all-gather of the updated weights (together a ring all-reduce's bytes),
# 2 (N - 1) / N x B / 1.25 GB/s (10 Gb/s, full duplex, no other traffic), plus
# 50 us a hop for each of their rounds (lora-train/dist.c: pieces of 64 Ki
# floats a rank for the reduce-scatter, 1 Mi for the gather), (N - 1) hops a
# round, not overlapped with compute. Step(N) = C / N + that; speed-up =
# C / Step(N). It needs at least N micro-batches a step (batch / micro-batch
# >= N).
#
#   bench/train-mpi.sh [--steps S] [--repeat R] [--no-smollm2]
# Environment: BUILD (default build; made when missing), GT_SHARED (../shared),
# SMOLLM2_GGUF. About 8 minutes on 2 cores with the defaults (S 5, R 3).
set -euo pipefail
STEPS=5 REPEAT=3 SMOL=1
while [ $# -gt 0 ]; do
    case $1 in
        --steps) STEPS=$2; shift ;;
        --repeat) REPEAT=$2; shift ;;
        --no-smollm2) SMOL=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "train-mpi.sh: unknown argument '$1'" >&2; exit 64 ;;
    esac
    shift
done
[ "$STEPS" -ge 3 ] || { echo "train-mpi.sh: --steps must be at least 3" >&2; exit 64; }
[ "$REPEAT" -ge 1 ] || { echo "train-mpi.sh: --repeat must be at least 1" >&2; exit 64; }
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SHARED=${GT_SHARED:-../shared}
TOKDIR=$SHARED/models/llama2-tokenizer
SMOL_GGUF=${SMOLLM2_GGUF:-$SHARED/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf}
command -v mpirun >/dev/null || { echo "train-mpi.sh: mpirun is not installed (Debian: openmpi-bin)" >&2; exit 69; }
[ -x "$BUILD/bin/lora-train" ] || make BUILD="$BUILD" >/dev/null
ldd "$BUILD/bin/lora-train" | grep -q libmpi ||
    { echo "train-mpi.sh: $BUILD/bin/lora-train is built without MPI (make MPI=1)" >&2; exit 69; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d /tmp/gt-train-mpi.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
load() { sed 's/.*load average: //' < <(uptime); }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average at start: $(load)"
echo "$(mpirun --version | head -1)"

# pairs: arXiv 2025 cs
{ zstdcat "$SHARED/data/arxiv/arxiv-2025.ndjson.zst" || true; } | head -3000 |
    "$BUILD/bin/arxiv-extract" | "$BUILD/bin/arxiv-filter-cat" cs | "$BUILD/bin/abstract-clean" |
    "$BUILD/bin/pair-build" > "$tmp/pairs.jsonl" || true

# the random 41.7M model (bench/train.sh's config)
mkdir -p "$tmp/cfg"
cat > "$tmp/cfg/config.json" <<'JSON'
{ "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu", "vocab_size": 32000,
  "hidden_size": 512, "intermediate_size": 1376, "num_hidden_layers": 8, "num_attention_heads": 8,
  "num_key_value_heads": 8, "max_position_embeddings": 2048, "initializer_range": 0.02, "rms_norm_eps": 1e-05,
  "rope_theta": 10000.0, "tie_word_embeddings": true, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32" }
JSON
cp "$TOKDIR/tokenizer.model" "$tmp/cfg/"
"$BUILD/bin/tok-encode" -m "$TOKDIR" --cutoff-len 128 -q -o "$tmp/l2.tok" "$tmp/pairs.jsonl"
"$BUILD/bin/lora-train" --init "$tmp/cfg" -t "$tmp/l2.tok" -o "$tmp/base42" --max-steps 1 --batch-size 4 \
    --micro-batch-size 4 --learning-rate 0 --cutoff-len 128 >/dev/null

rows=()
# run NAME NP THREADS lora-train options...: one run; its steps 2..S (duration
# and allreduce_s) appended to $tmp/steps-NAME-NPxTHREADS
run() {
    local name=$1 np=$2 th=$3; shift 3
    local log=$tmp/log-$name-$np
    rm -rf "$tmp/o" "$log"
    local cmd=("$BUILD/bin/lora-train" "$@" -o "$tmp/o" --max-steps "$STEPS" --warmup-steps 0 --lr-schedule constant
               --log "$log" -j "$th" --progress)
    if [ "$np" -gt 1 ]; then
        cmd=(mpirun -np "$np" --oversubscribe --bind-to none -x OMP_NUM_THREADS="$th" "${cmd[@]}")
    fi
    echo "[$name ${np}x$th] load average $(load): ${cmd[*]}"
    OMP_NUM_THREADS=$th "${cmd[@]}" 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    sed -n 's/.* \([0-9]*\) trained parameters.*/\1/p' "$tmp/err" | head -1 > "$tmp/params-$name"
    jq -s -r '[.[] | select(.type == "train")] as $t | range(1; $t | length) |
        "\($t[.].elapsed_s - $t[. - 1].elapsed_s) \($t[.].allreduce_s) \($t[.].tokens)"' "$log" |
        tee -a "$tmp/steps-$name-${np}x$th" | awk '{ printf " %.3f", $1 } END { print "  (step s)" }'
}
# row NAME options...: REPEAT rounds of 1 x 2 then 2 x 1, then the medians
row() {
    local name=$1; shift
    for ((i = 0; i < REPEAT; i++)); do
        run "$name" 1 2 "$@"
        run "$name" 2 1 "$@"
    done
    for cfg in 1x2 2x1; do
        rows+=("$name $cfg $(awk -v p="$(cat "$tmp/params-$name")" '{ s[NR] = $1; a[NR] = $2; tok += $3; tot += $1 }
            function med(x, n,   i, j, t) { for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j > 0 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
                                           return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2 }
            END { printf "step_s=%.4f allreduce_s=%.4f tokens_per_s=%.1f steps=%d params=%s", med(s, NR), med(a, NR), tok / tot, NR, p }' \
            "$tmp/steps-$name-$cfg")")
    done
}
val() { sed -n "s/.*[ ^]$2=\([-0-9.e+]*\).*/\1/p" <<<" $1"; }

A42=(-m "$tmp/base42" -t "$tmp/l2.tok" --batch-size 16 --micro-batch-size 4 --cutoff-len 128)
for mode in lora full; do
    o=(--lora-r 8 --lora-alpha 16 --lora-target q_proj,v_proj)
    [ "$mode" = full ] && o=(--full)
    row "42M-$mode" "${A42[@]}" "${o[@]}"
done
if [ "$SMOL" = 1 ] && [ -r "$SMOL_GGUF" ]; then
    "$BUILD/bin/tok-encode" -m "$SMOL_GGUF" --template data/templates/chatml.json --cutoff-len 256 -q \
        -o "$tmp/smol.tok" "$tmp/pairs.jsonl"
    AS=(-m "$SMOL_GGUF" -t "$tmp/smol.tok" --batch-size 8 --micro-batch-size 2 --cutoff-len 256 --lora-r 16
        --lora-alpha 32 --lora-target q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj)
    row smollm2 "${AS[@]}"
elif [ "$SMOL" = 1 ]; then
    echo "SKIPPED smollm2 rows: no GGUF file at $SMOL_GGUF (set SMOLLM2_GGUF or GT_SHARED)"
fi

echo
printf '%-11s %5s %9s %12s %10s %14s\n' row procs "step s" "collect. s" "share" "2x1 vs 1x2"
declare -A one
for r in "${rows[@]}"; do
    read -r name cfg rest <<<"$r"
    s=$(val "$rest" step_s) a=$(val "$rest" allreduce_s)
    [ "$cfg" = 1x2 ] && one[$name]=$s
    awk -v n="$name" -v c="$cfg" -v s="$s" -v a="$a" -v o="${one[$name]:-}" 'BEGIN {
        v = (c == "1x2" || o == "") ? "-" : sprintf("%.3fx %s", s / o, s <= 1.10 * o ? "(within 10%)" : "(NOT within 10%)")
        printf "%-11s %5s %9.3f %12.4f %9.1f%% %14s\n", n, c, s, a, (s > 0 ? a / s * 100 : 0), v }'
done
echo "step s: median wall time of an optimizer step (steps 2..$STEPS of $REPEAT runs each); collect. s: the median"
echo "of rank 0's gradient reduce-scatter (with the wait for the slower rank) + weight gather; share: of the 2x1 step"

echo
echo "estimate on 10 Gb/s Ethernet (ring reduce-scatter + all-gather of 4 x trained params bytes, 50 us a hop; C / N compute):"
printf '%-11s %12s %10s %12s %12s %12s %12s\n' row "bytes" "C s" "8: step s" "8: speed-up" "64: step s" "64: speed-up"
for r in "${rows[@]}"; do
    read -r name cfg rest <<<"$r"
    [ "$cfg" = 1x2 ] || continue
    awk -v n="$name" -v C="$(val "$rest" step_s)" -v P="$(val "$rest" params)" 'BEGIN {
        B = 4 * P; printf "%-11s %12.0f %10.3f", n, B, C
        for (i = 0; i < 2; i++) {
            N = i ? 64 : 8
            share = P / N; rounds = int((share + 65535) / 65536) + int((share + 1048575) / 1048576)
            t = C / N + 2 * (N - 1) / N * B / 1.25e9 + rounds * (N - 1) * 50e-6
            printf " %12.4f %11.1fx", t, C / t
        }
        printf "\n" }'
done
