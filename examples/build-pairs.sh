#!/bin/sh
# Build title pairs from an arXiv dump for a category subset.
#
#   examples/build-pairs.sh DUMP OUT-PREFIX [SINCE [CATEGORY...]]
#
#   examples/build-pairs.sh arxiv-metadata-oai-snapshot.json.zst data/cs 2018-01-01 cs.CL cs.LG
#
# DUMP may be plain or zstd. Writes OUT-PREFIX.{train,val,test}.jsonl atomically; the
# test split holds the papers first posted in the last year of data (--test-since).
set -eu
[ $# -ge 2 ] || { sed -n 2,9p "$0"; exit 64; }
dump=$1 out=$2 since=${3:-2018-01-01}
shift 2; [ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- cs.CL cs.LG
bin=$(cd "$(dirname "$0")/../build/bin" 2>/dev/null && pwd) && PATH="$bin:$PATH"
set -o pipefail 2>/dev/null || true
arxiv-extract --progress "$dump" \
  | arxiv-filter-cat "$@" --since "$since" \
  | abstract-clean --stats \
  | pair-build --split 98:1:1 --out "$out" --stats
wc -l "$out".train.jsonl "$out".val.jsonl "$out".test.jsonl
