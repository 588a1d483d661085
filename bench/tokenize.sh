#!/bin/sh
# bench/tokenize.sh - tok-encode vs spm_encode on the same abstracts, in one run:
# MB/s and tokens/s, single thread and with -j N; checks the ids are equal.
# Usage: sh bench/tokenize.sh [BUILD] [RECORDS] [JOBS]   (defaults: build 40000 2)
set -eu
build=${1:-build}
n=${2:-40000}
jobs=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${GT_SHARED:-$root/../shared}
model=$shared/models/llama2-tokenizer/tokenizer.model
bin=$root/$build/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v spm_encode >/dev/null || { echo "spm_encode not installed (Debian package sentencepiece)"; exit 1; }
zstdcat "$shared/data/arxiv/arxiv-2020.ndjson.zst" | head -n "$n" | jq -r '.abstract | gsub("\\s+"; " ")' > "$tmp/abs"
bytes=$(wc -c < "$tmp/abs")
t() { s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
ts=$(t sh -c "spm_encode --model '$model' --output_format=id < '$tmp/abs' > '$tmp/spm'")
t1=$(t sh -c "'$bin/tok-encode' -t '$model' -f ids '$tmp/abs' > '$tmp/ours'")
tj=$(t sh -c "'$bin/tok-encode' -t '$model' -f ids -j $jobs '$tmp/abs' > '$tmp/oursj'")
cmp -s "$tmp/spm" "$tmp/ours" && cmp -s "$tmp/spm" "$tmp/oursj" && same=yes || same=NO
tokens=$(wc -w < "$tmp/spm")
lines=$(wc -l < "$tmp/abs")
printf '%s abstracts, %.1f MB, %s tokens; ids equal: %s\n' "$lines" "$(echo "$bytes/1000000" | bc -l)" "$tokens" "$same"
for row in "spm_encode:$ts" "tok-encode:$t1" "tok-encode -j $jobs:$tj"; do
    name=${row%:*} sec=${row##*:}
    printf '%-16s %7.2f s %8.2f MB/s %11.0f tokens/s %6.1fx\n' "$name" "$sec" \
        "$(echo "$bytes/1000000/$sec" | bc -l)" "$(echo "$tokens/$sec" | bc -l)" "$(echo "$ts/$sec" | bc -l)"
done
[ "$same" = yes ]
