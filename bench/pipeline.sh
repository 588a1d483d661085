#!/usr/bin/env bash
# bench/pipeline.sh - throughput and memory benchmark of the gentitle data pipeline
# (arxiv-extract | arxiv-filter-cat | abstract-clean | pair-build) against a Python
# standard-library reference (bench/pipeline_ref.py) and jq (bench/pipeline.jq),
# on the same input. See bench/README.md for what each number means.
#
#   sh bench/pipeline.sh [--quick] [--runs N] [--no-jq] [--keep]      (or: make bench)
#
# Environment: BUILD (build directory, default build), GT_SHARED (the shared data
# folder, default ../shared beside the repository), PYTHON (default python3), JQ (default jq).
# `make bench` runs it with sh: go on under bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/pipeline.sh [--quick] [--runs N] [--no-jq] [--keep]
Time the gentitle pipeline, a Python reference and jq on the shared arXiv data
(about 455 MB of dump NDJSON), and measure the tools' peak memory.

  --quick    use a ~60 MB slice of the input for every contender (a few minutes less)
  --runs N   time each contender N times and keep the fastest (default 1)
  --no-jq    skip jq (the slowest contender: 1-4 minutes on the full input)
  --keep     keep the pair files written to bench/out/ (default: removed at the end)
  -h, --help show this help

Environment: BUILD (default build), GT_SHARED (default ../shared), PYTHON, JQ.
EOF
}

QUICK=0 RUNS=1 DO_JQ=1 KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1 ;;
        --runs) [ $# -ge 2 ] || { usage >&2; exit 64; }; RUNS=$2; shift ;;
        --runs=*) RUNS=${1#--runs=} ;;
        --no-jq) DO_JQ=0 ;;
        --keep) KEEP=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "pipeline.sh: unknown argument '$1'" >&2; usage >&2; exit 64 ;;
    esac
    shift
done
case $RUNS in ''|*[!0-9]*|0) echo "pipeline.sh: --runs takes a positive integer" >&2; exit 64 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/bin
OUT=$ROOT/bench/out
PYTHON=${PYTHON:-python3}
JQ=${JQ:-jq}
TIME=/usr/bin/time
TF='%e %U %S %M'                      # wall s, user s, sys s, max RSS KiB
TAX=$ROOT/data/categories.tsv
NARROW=(cs.CL cs.LG cs.AI --since 2018-01-01)
BROAD=(physics math cs)               # groups: most of the data flows through every stage
SPLIT=98:1:1
SYNTH_N=3000000
MEM_BUDGET_MB=64 PAIR_BYTES_BUDGET=32 PAIR_MB_BUDGET=100 EXTRACT_TARGET=400

say() { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*"; }
die() { printf 'pipeline.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
mkdir -p "$OUT"

[ -x "$TIME" ] || die "$TIME (GNU time) is needed for the memory figures"
command -v zstd >/dev/null || die "zstd is needed to prepare the input"

# ---- shared data ----
SHARED=${GT_SHARED:-$ROOT/../shared}
if [ -d "$SHARED/data/arxiv" ]; then DATA=$SHARED/data/arxiv; else DATA=$SHARED; fi
SRC_ZST=("$DATA/arxiv-2017.ndjson.zst" "$DATA/arxiv-2020.ndjson.zst" "$DATA/arxiv-2025.ndjson.zst")
SRC_PLAIN=$DATA/kaggle-first200.ndjson
for f in "${SRC_ZST[@]}" "$SRC_PLAIN"; do
    [ -r "$f" ] || die "missing $f (set GT_SHARED to the folder holding data/arxiv/)"
done

# ---- tools ----
say "== building (make -s BUILD=$BUILD all)"
if ! make -s BUILD="$BUILD" all; then
    warn "make all failed; building each tool alone"
    for t in arxiv-extract arxiv-filter-cat abstract-clean pair-build; do
        [ -f "cmd/$t.c" ] && { make -s BUILD="$BUILD" "$BUILD/bin/$t" || true; }
    done
fi
have() { [ -x "$BIN/$1" ]; }
MISSING=()
for t in arxiv-extract arxiv-filter-cat abstract-clean pair-build; do
    have "$t" || MISSING+=("$t")
done
[ ${#MISSING[@]} -eq 0 ] || warn "not built, skipped where needed: ${MISSING[*]}"
# --stats where a tool has it (counts per stage, on stderr): "${ST[tool]:+--stats}"
declare -A ST
for t in arxiv-extract arxiv-filter-cat abstract-clean pair-build; do
    if have "$t" && "$BIN/$t" --help 2>/dev/null | grep -- '--stats' > /dev/null; then ST[$t]=1; fi
done

# ---- input, prepared once ----
stamp() { stat -c '%n %s %Y' "${SRC_ZST[@]}" "$SRC_PLAIN"; }
if [ ! -s "$OUT/dump.ndjson" ] || [ ! -s "$OUT/dump.ndjson.zst" ] || [ "$(stamp)" != "$(cat "$OUT/dump.stamp" 2>/dev/null)" ]; then
    say "== preparing bench/out/dump.ndjson (zstdcat of the three .zst files + kaggle-first200)"
    rm -f "$OUT"/dump*
    { zstd -dcq "${SRC_ZST[@]}"; cat "$SRC_PLAIN"; } > "$OUT/dump.ndjson.tmp"
    { cat "${SRC_ZST[@]}"; zstd -qc "$SRC_PLAIN"; } > "$OUT/dump.ndjson.zst.tmp"
    mv "$OUT/dump.ndjson.zst.tmp" "$OUT/dump.ndjson.zst"
    mv "$OUT/dump.ndjson.tmp" "$OUT/dump.ndjson"
    stamp > "$OUT/dump.stamp"
fi
if [ "$QUICK" = 1 ]; then
    # ~20 MB of whole lines from each of the three files + the 200 kaggle lines
    if [ ! -s "$OUT/quick.ndjson" ] || [ "$OUT/quick.ndjson" -ot "$OUT/dump.stamp" ]; then
        say "== preparing bench/out/quick.ndjson (~60 MB slice: 20 MB of each file)"
        { for f in "${SRC_ZST[@]}"; do { zstd -dcq "$f" 2>/dev/null || true; } | head -c 20000000 | sed '$d'; done
          cat "$SRC_PLAIN"; } > "$OUT/quick.ndjson.tmp"
        zstd -q -f -o "$OUT/quick.ndjson.zst.tmp" "$OUT/quick.ndjson.tmp"
        mv "$OUT/quick.ndjson.zst.tmp" "$OUT/quick.ndjson.zst"
        mv "$OUT/quick.ndjson.tmp" "$OUT/quick.ndjson"
    fi
    INPUT=$OUT/quick.ndjson
else
    INPUT=$OUT/dump.ndjson
fi
INPUT_ZST=$INPUT.zst
BYTES=$(stat -c %s "$INPUT")
MB=$(calc "$BYTES / 1e6" 1)
LINES=$(wc -l < "$INPUT")
cat "$INPUT" "$INPUT_ZST" > /dev/null   # warm the page cache

# ---- machine ----
say ""
say "== machine"
say "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc) (nproc)"
say "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
say "kernel: $(uname -sr); cc: $(${CC:-cc} --version 2>/dev/null | head -1)"
for t in arxiv-extract arxiv-filter-cat abstract-clean pair-build; do
    if have "$t"; then say "tool:   $("$BIN/$t" --version 2>&1 | head -1)"; else say "tool:   $t MISSING"; fi
done
say "python: $("$PYTHON" --version 2>&1); jq: $("$JQ" --version 2>&1); zstd: $(zstd -V | head -1)"
if [ "$QUICK" = 1 ]; then QNOTE=" (QUICK MODE: a slice, not the full 455 MB)"; else QNOTE=""; fi
say "input:  ${INPUT#"$ROOT"/} $MB MB, $LINES dump lines$QNOTE; zstd copy $(calc "$(stat -c %s "$INPUT_ZST") / 1e6" 1) MB"
TASKSET=()
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then TASKSET=(taskset -c 0); fi
say "runs:   best of $RUNS (by wall time); one-core runs pinned with: ${TASKSET[*]:-(taskset unavailable)}"

# ---- timing machinery ----
# Every process runs under GNU time writing "wall user sys maxrss" into $OUT/t.TAG.STAGE.
# A contender's CPU time is the sum over its processes; per stage the largest RSS of all runs is kept.
ROWS=()   # "name|wall|cpu|records"
declare -A WALL CPU RSS REC STCPU
tm() { local tag=$1; shift; "$TIME" -f "$TF" -o "$OUT/t.$tag" "$@"; }

# measure TAG FUNCTION ARGS...: best of RUNS; sets WALL[TAG], CPU[TAG], RSS[TAG.STAGE]
measure() {
    local tag=$1; shift
    local i t0 t1 w c f st rss
    for ((i = 1; i <= RUNS; i++)); do
        rm -f "$OUT/t.$tag".*
        t0=$(now)
        if ! "$@"; then warn "$tag: a command failed (see above); its numbers are not reported"; return 1; fi
        t1=$(now)
        w=$(calc "$t1 - $t0" 3)
        c=$(for f in "$OUT/t.$tag".*; do tail -n1 "$f"; done | awk '{ s += $2 + $3 } END { printf "%.2f", s }')
        if [ -z "${WALL[$tag]:-}" ] || awk "BEGIN { exit !($w < ${WALL[$tag]}) }"; then
            WALL[$tag]=$w; CPU[$tag]=$c
            for f in "$OUT/t.$tag".*; do
                STCPU[$tag.${f#"$OUT/t.$tag."}]=$(tail -n1 "$f" | awk '{ printf "%.2f", $2 + $3 }')
            done
        fi
        for f in "$OUT/t.$tag".*; do
            st=${f#"$OUT/t.$tag."}
            rss=$(tail -n1 "$f" | awk '{ print $4 }')
            if [ -z "${RSS[$tag.$st]:-}" ] || [ "$rss" -gt "${RSS[$tag.$st]}" ]; then RSS[$tag.$st]=$rss; fi
        done
    done
}
row() { ROWS+=("$1|${WALL[$2]}|${CPU[$2]}|$3"); }
count_lines() { { cat "$@" 2>/dev/null || true; } | wc -l; }
num_after() { # num_after FILE TEXT: the number after (the last) TEXT in FILE
    { sed -n "s/.*$2[^0-9]*\([0-9][0-9]*\).*/\1/p" "$1" 2>/dev/null || true; } | head -1
}
num_before() { # num_before FILE WORD: the number just before " WORD" in FILE
    { sed -n "s/.*[^0-9]\([0-9][0-9]*\) $2.*/\1/p" "$1" 2>/dev/null || true; } | head -1
}

# ---- 1. arxiv-extract alone, one core ----
say ""
say "== 1. arxiv-extract alone (one core, -> /dev/null)"
ext_plain() { tm ext.1 "${TASKSET[@]}" "$BIN/arxiv-extract" ${ST[arxiv-extract]:+--stats} "$INPUT" > /dev/null 2> "$OUT/s.ext"; }
ext_zst() { tm extz.1 "${TASKSET[@]}" "$BIN/arxiv-extract" ${ST[arxiv-extract]:+--stats} "$INPUT_ZST" > /dev/null 2> "$OUT/s.extz"; }
if have arxiv-extract; then
    if measure ext ext_plain; then
        n=$(num_before "$OUT/s.ext" written); row "arxiv-extract (plain)" ext "${n:--}"
        say "plain: ${WALL[ext]} s wall, ${CPU[ext]} s CPU"
    fi
    if measure extz ext_zst; then
        n=$(num_before "$OUT/s.extz" written); row "arxiv-extract (zstd)" extz "${n:--}"
        say "zstd:  ${WALL[extz]} s wall, ${CPU[extz]} s CPU"
    fi
else
    say "SKIPPED: arxiv-extract is not built"
fi

# ---- 2. the whole pipeline ----
pipe_ok=1
for t in arxiv-extract arxiv-filter-cat abstract-clean pair-build; do have "$t" || pipe_ok=0; done
run_pipe() { # run_pipe CFG SELECTOR-ARGS...
    local cfg=$1; shift
    rm -f "$OUT/pipe-$cfg".*.jsonl
    tm "pipe-$cfg.1-extract" "$BIN/arxiv-extract" ${ST[arxiv-extract]:+--stats} "$INPUT" 2> "$OUT/s.pipe-$cfg.1" \
    | tm "pipe-$cfg.2-filter" "$BIN/arxiv-filter-cat" ${ST[arxiv-filter-cat]:+--stats} "$@" 2> "$OUT/s.pipe-$cfg.2" \
    | tm "pipe-$cfg.3-clean" "$BIN/abstract-clean" ${ST[abstract-clean]:+--stats} 2> "$OUT/s.pipe-$cfg.3" \
    | tm "pipe-$cfg.4-pair" "$BIN/pair-build" ${ST[pair-build]:+--stats} --split "$SPLIT" --out "$OUT/pipe-$cfg" 2> "$OUT/s.pipe-$cfg.4"
}
say ""
say "== 2. the 4-stage pipeline"
for cfg in narrow broad; do
    if [ $cfg = narrow ]; then sel=("${NARROW[@]}"); else sel=("${BROAD[@]}"); fi
    say "$cfg: arxiv-extract INPUT | arxiv-filter-cat ${sel[*]} | abstract-clean | pair-build --split $SPLIT --out bench/out/pipe-$cfg"
    if [ $pipe_ok = 0 ]; then say "SKIPPED: not built: ${MISSING[*]}"; continue; fi
    if measure "pipe-$cfg" run_pipe $cfg "${sel[@]}"; then
        REC[pipe-$cfg]=$(count_lines "$OUT/pipe-$cfg".{train,val,test}.jsonl)
        row "pipeline $cfg" "pipe-$cfg" "${REC[pipe-$cfg]}"
        say "  ${WALL[pipe-$cfg]} s wall, ${CPU[pipe-$cfg]} s CPU, ${REC[pipe-$cfg]} pairs"
        for st in 1-extract 2-filter 3-clean 4-pair; do
            printf '  %-8s %6s s CPU  %6.1f MB/CPU-s  peak RSS %5.1f MB\n' "${st#*-}" "${STCPU[pipe-$cfg.$st]}" \
                "$(awk "BEGIN { c = ${STCPU[pipe-$cfg.$st]}; printf \"%.1f\", (c > 0) ? $MB / c : 0 }")" \
                "$(calc "${RSS[pipe-$cfg.$st]} / 1024" 1)"
        done
        for s in 1 2 3 4; do
            if [ -s "$OUT/s.pipe-$cfg.$s" ]; then sed 's/^/  | /' "$OUT/s.pipe-$cfg.$s"; fi
        done
    fi
done

# ---- 3. the Python reference ----
say ""
say "== 3. Python reference (bench/pipeline_ref.py, one process, stdlib json + re)"
run_ref() {
    local cfg=$1; shift
    tm "ref-$cfg.py" "$PYTHON" "$ROOT/bench/pipeline_ref.py" --input "$INPUT" --split "$SPLIT" \
        --taxonomy "$TAX" --out "$OUT/ref-$cfg" "$@" 2> "$OUT/s.ref-$cfg"
}
for cfg in narrow broad; do
    if [ $cfg = narrow ]; then sel=("${NARROW[@]}"); else sel=("${BROAD[@]}"); fi
    if measure "ref-$cfg" run_ref $cfg "${sel[@]}"; then
        REC[ref-$cfg]=$(count_lines "$OUT/ref-$cfg".{train,val,test}.jsonl)
        row "python $cfg" "ref-$cfg" "${REC[ref-$cfg]}"
        say "$cfg: ${WALL[ref-$cfg]} s wall, ${REC[ref-$cfg]} pairs; $(cat "$OUT/s.ref-$cfg")"
    fi
done

# ---- 4. jq ----
say ""
say "== 4. jq (bench/pipeline.jq, one jq -n -c process; no dedupe and no split)"
run_jq() {
    local cfg=$1; shift
    local sels=() since="" until=""
    while [ $# -gt 0 ]; do
        case $1 in
            --since) since=$2; shift ;;
            --until) until=$2; shift ;;
            *) sels+=("$1") ;;
        esac
        shift
    done
    local js
    js=$(printf '%s\n' "${sels[@]}" | "$JQ" -R . | "$JQ" -sc .)
    tm "jq-$cfg.jq" "$JQ" -n -c --rawfile tsv "$TAX" --argjson sel "$js" --arg since "$since" \
        --arg until "$until" -f "$ROOT/bench/pipeline.jq" "$INPUT" > "$OUT/jq-$cfg.jsonl"
}
if [ "$DO_JQ" = 1 ]; then
    for cfg in narrow broad; do
        if [ $cfg = narrow ]; then sel=("${NARROW[@]}"); else sel=("${BROAD[@]}"); fi
        if measure "jq-$cfg" run_jq $cfg "${sel[@]}"; then
            REC[jq-$cfg]=$(count_lines "$OUT/jq-$cfg.jsonl")
            row "jq $cfg (no dedupe)" "jq-$cfg" "${REC[jq-$cfg]}"
            say "$cfg: ${WALL[jq-$cfg]} s wall, ${REC[jq-$cfg]} pairs (before de-duplication)"
        fi
    done
else
    say "SKIPPED (--no-jq)"
fi

# ---- 5. memory ----
say ""
say "== 5. memory"
if have arxiv-extract && have arxiv-filter-cat && have abstract-clean; then
    # the first three stages on the input, then on the input twice over: RSS must not grow
    run_three() { # run_three TAG COPIES
        local tag=$1 copies=$2 files=() i
        for ((i = 0; i < copies; i++)); do files+=("$INPUT"); done
        tm "$tag.1-extract" "$BIN/arxiv-extract" "${files[@]}" \
        | tm "$tag.2-filter" "$BIN/arxiv-filter-cat" "${BROAD[@]}" \
        | tm "$tag.3-clean" "$BIN/abstract-clean" > /dev/null
    }
    if measure mem1 run_three mem1 1 && measure mem2 run_three mem2 2; then
        say "peak RSS of the first three stages, broad selectors, on the input x1 and x2 (budget $MEM_BUDGET_MB MB):"
        for st in 1-extract 2-filter 3-clean; do
            r1=${RSS[mem1.$st]} r2=${RSS[mem2.$st]}
            verdict=ok
            [ "$r1" -le $((MEM_BUDGET_MB * 1024)) ] && [ "$r2" -le $((MEM_BUDGET_MB * 1024)) ] || verdict="OVER BUDGET"
            awk "BEGIN { exit !($r2 > $r1 * 1.25 + 1024) }" && verdict="$verdict, GROWS WITH INPUT"
            printf '  %-18s x1 %7.1f MB   x2 %7.1f MB   %s\n' "${st#*-}" "$(calc "$r1 / 1024" 1)" "$(calc "$r2 / 1024" 1)" "$verdict"
        done
    fi
else
    say "first three stages: SKIPPED (not built: ${MISSING[*]})"
fi
if [ -n "${RSS[pipe-broad.4-pair]:-}" ]; then
    say "peak RSS of every stage in the broad pipeline run (section 2):"
    for st in 1-extract 2-filter 3-clean 4-pair; do
        printf '  %-18s %7.1f MB\n' "${st#*-}" "$(calc "${RSS[pipe-broad.$st]} / 1024" 1)"
    done
    if [ -n "${RSS[ref-broad.py]:-}" ]; then printf '  %-18s %7.1f MB\n' "(python)" "$(calc "${RSS[ref-broad.py]} / 1024" 1)"; fi
    if [ -n "${RSS[jq-broad.jq]:-}" ]; then printf '  %-18s %7.1f MB\n' "(jq)" "$(calc "${RSS[jq-broad.jq]} / 1024" 1)"; fi
fi
if have pair-build; then
    synth() { # synth TAG N: N distinct synthetic cleaned records into pair-build
        awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++)
            printf "{\"id\":\"synth/%07d\",\"title\":\"Synthetic paper %d on topic %d\",\"abstract\":\"We study case %d of the synthetic benchmark family %d and report the results.\",\"categories\":[\"cs.LG\"],\"primary_category\":\"cs.LG\",\"v1_date\":\"2020-01-01\"}\n", i, i, i % 977, i, i % 131 }' \
        | tm "$1.pair" "$BIN/pair-build" ${ST[pair-build]:+--stats} --split "$SPLIT" > /dev/null 2> "$OUT/s.$1"
    }
    if measure synth0 synth synth0 1000 && measure synthN synth synthN $SYNTH_N; then
        r0=${RSS[synth0.pair]} rn=${RSS[synthN.pair]}
        kept=$(num_after "$OUT/s.synthN" 'pairs out')
        kept=${kept:-$SYNTH_N}
        per_total=$(calc "$rn * 1024 / $kept" 1)
        per_delta=$(calc "($rn - $r0) * 1024 / $kept" 1)
        say "pair-build on $SYNTH_N distinct synthetic records (${WALL[synthN]} s; $kept pairs out):"
        printf '  peak RSS %.1f MB (budget %d MB: %s); with 1000 records %.1f MB\n' \
            "$(calc "$rn / 1024" 1)" $PAIR_MB_BUDGET \
            "$(awk "BEGIN { print (($rn <= $PAIR_MB_BUDGET * 1024) ? \"ok\" : \"OVER\") }")" "$(calc "$r0 / 1024" 1)"
        printf '  bytes per kept record: %s of peak RSS / records, %s above the 1000-record run (budget %d: %s)\n' \
            "$per_total" "$per_delta" $PAIR_BYTES_BUDGET \
            "$(awk "BEGIN { print (($per_delta <= $PAIR_BYTES_BUDGET) ? \"ok\" : \"OVER\") }")"
        grep -i 'dedupe tables' "$OUT/s.synthN" | sed 's/^/  own accounting: /' || true
    fi
else
    say "pair-build: SKIPPED (not built)"
fi

# ---- table ----
say ""
say "== results on $MB MB of input$QNOTE"
printf '%-26s %9s %9s %9s %11s %10s\n' contender "wall s" "CPU s" "MB/s" "MB/CPU-s" "records"
for r in "${ROWS[@]}"; do
    IFS='|' read -r name w c n <<< "$r"
    printf '%-26s %9.2f %9.2f %9.1f %11.1f %10s\n' "$name" "$w" "$c" \
        "$(calc "$MB / $w" 3)" "$(awk "BEGIN { printf \"%.3f\", ($c > 0) ? $MB / $c : 0 }")" "$n"
done
say "(MB/s: input MB per wall second; MB/CPU-s: per CPU second summed over the contender's processes)"

say ""
say "== ratios and targets"
ratio() { awk "BEGIN { printf \"%.1f\", ${WALL[$2]} / ${WALL[$1]} }"; }
cratio() { awk "BEGIN { printf \"%.1f\", ${CPU[$2]} / ${CPU[$1]} }"; }
if [ -n "${WALL[ext]:-}" ]; then
    mbs=$(calc "$MB / ${WALL[ext]}" 0); mbc=$(calc "$MB / ${CPU[ext]}" 0)
    say "arxiv-extract one core: $mbs MB/s wall, $mbc MB per CPU second; target $EXTRACT_TARGET MB/s: $(awk "BEGIN { print (($mbs >= $EXTRACT_TARGET) ? \"met\" : \"NOT met\") }") ($(calc "$mbs / $EXTRACT_TARGET" 2)x)"
fi
for cfg in narrow broad; do
    [ -n "${WALL[pipe-$cfg]:-}" ] || continue
    if [ -n "${WALL[ref-$cfg]:-}" ]; then
        x=$(ratio "pipe-$cfg" "ref-$cfg")
        say "pipeline/python ($cfg): ${x}x   target 4x: $(awk "BEGIN { print (($x >= 4) ? \"met\" : \"NOT met\") }")   (CPU time ratio $(cratio "pipe-$cfg" "ref-$cfg")x)"
    fi
    if [ -n "${WALL[jq-$cfg]:-}" ]; then
        x=$(ratio "pipe-$cfg" "jq-$cfg")
        say "pipeline/jq     ($cfg): ${x}x   target 50x: $(awk "BEGIN { print (($x >= 50) ? \"met\" : \"NOT met\") }")   (CPU time ratio $(cratio "pipe-$cfg" "jq-$cfg")x)"
    fi
done

say ""
say "== output agreement"
for cfg in narrow broad; do
    p=${REC[pipe-$cfg]:-} r=${REC[ref-$cfg]:-} j=${REC[jq-$cfg]:-}
    [ -n "$p" ] || continue
    line="$cfg: pipeline $p pairs"
    [ -n "$r" ] && line="$line, python $r pairs"
    [ -n "$j" ] && line="$line, jq $j (no dedupe)"
    say "$line"
    if [ -n "$r" ] && [ "$p" != "$r" ]; then warn "$cfg: pipeline and Python reference disagree on the pair count ($p vs $r)"; fi
    if [ -n "$r" ]; then
        for s in train val test; do
            a=$(count_lines "$OUT/pipe-$cfg.$s.jsonl"); b=$(count_lines "$OUT/ref-$cfg.$s.jsonl")
            [ "$a" = "$b" ] || warn "$cfg: $s split: pipeline $a, Python $b"
        done
        # records reaching pair-build vs records the Python cleanup kept
        pin=$(num_after "$OUT/s.pipe-$cfg.4" 'records in'); rin=$(num_after "$OUT/s.ref-$cfg" cleaned)
        if [ -n "$pin" ] && [ -n "$rin" ] && [ "$pin" != "$rin" ]; then
            warn "$cfg: records after cleanup: pipeline $pin, Python $rin"
        fi
        if [ -n "$j" ] && [ -n "$rin" ] && [ "$j" != "$rin" ]; then
            warn "$cfg: records after cleanup: jq $j, Python $rin"
        fi
    fi
done

if [ "$KEEP" = 0 ]; then
    rm -f "$OUT"/pipe-*.jsonl "$OUT"/ref-*.jsonl "$OUT"/jq-*.jsonl
fi
rm -f "$OUT"/t.* "$OUT"/s.*
