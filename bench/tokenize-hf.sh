#!/bin/sh
# bench/tokenize-hf.sh - tok-encode with Hugging Face tokenizer.json files vs the
# Python `tokenizers` library (Rust) on the same abstracts, in one run, both on
# one thread (TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1, encode_batch);
# checks the ids are equal. Whole-process wall time for both (load included);
# "encode" is the tokenizers library's time inside Python without load and I/O.
# Usage: sh bench/tokenize-hf.sh [BUILD] [RECORDS] [PYTHON] [JSON...]
#   (defaults: build 40000 /tmp/hfvenv/bin/python, the tests/data/hf-*.tokenizer.json)
set -eu
build=${1:-build}
n=${2:-40000}
py=${3:-/tmp/hfvenv/bin/python}
[ $# -ge 3 ] && shift 3 || shift $#
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${GT_SHARED:-$root/../shared}
bin=$root/$build/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$py" -c 'import tokenizers' 2>/dev/null || { echo "$py cannot import tokenizers (pip install tokenizers)"; exit 1; }
zstdcat "$shared/data/arxiv/arxiv-2020.ndjson.zst" | head -n "$n" | jq -r '.abstract | gsub("\\s+"; " ")' > "$tmp/abs"
bytes=$(wc -c < "$tmp/abs")
cat > "$tmp/ref.py" <<'PY'
import sys, time
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
t = time.time()
enc = tok.encode_batch(lines, add_special_tokens=False)
sys.stderr.write("%.3f\n" % (time.time() - t))
with open(sys.argv[3], "w") as f:
    for e in enc:
        f.write(" ".join(map(str, e.ids)) + "\n")
PY
t() { s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
jsons="$*"
[ -n "$jsons" ] || jsons=$(ls "$root"/tests/data/hf-*.tokenizer.json)
printf '%s abstracts, %.1f MB\n' "$(wc -l < "$tmp/abs")" "$(echo "$bytes/1000000" | bc -l)"
status=0
for j in $jsons; do
    tp=$(t sh -c "TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1 '$py' '$tmp/ref.py' '$j' '$tmp/abs' '$tmp/ref' 2> '$tmp/enc'")
    te=$(cat "$tmp/enc")
    t1=$(t sh -c "'$bin/tok-encode' -t '$j' -f ids '$tmp/abs' > '$tmp/ours'")
    t2=$(t sh -c "'$bin/tok-encode' -t '$j' -f ids -j 2 '$tmp/abs' > '$tmp/ours2'")
    cmp -s "$tmp/ref" "$tmp/ours" && cmp -s "$tmp/ref" "$tmp/ours2" && same=yes || { same=NO; status=1; }
    printf '%s: %s tokens, ids equal: %s\n' "$(basename "$j")" "$(wc -w < "$tmp/ref")" "$same"
    for row in "tokenizers (process):$tp" "tokenizers (encode):$te" "tok-encode:$t1" "tok-encode -j 2:$t2"; do
        name=${row%:*} sec=${row##*:}
        printf '  %-22s %7.2f s %8.2f MB/s %6.1fx\n' "$name" "$sec" "$(echo "$bytes/1000000/$sec" | bc -l)" \
            "$(echo "$tp/$sec" | bc -l)"
    done
done
exit $status
