#!/bin/sh
# Cron-ready refresh: turn only the records changed since the last run into new pairs.
#
#   examples/refresh.sh DUMP STATE-DIR [CATEGORY...]
#
# STATE-DIR keeps `last-update` (the newest update_date seen so far) and one pair
# file per run, `pairs-YYYY-MM-DDTHHMMSSZ.jsonl`, holding the records whose update_date is
# newer than the previous run's. The first run takes everything. Each file and the
# stamp are written atomically, so a run that is killed changes nothing and the
# next run redoes its work. Example crontab line (daily at 03:00):
#
#   0 3 * * *  /opt/gentitle/examples/refresh.sh /data/arxiv-metadata-oai-snapshot.json.zst /data/gentitle cs.CL cs.LG
set -eu
[ $# -ge 2 ] || { sed -n 2,14p "$0"; exit 64; }
dump=$1 state=$2
shift 2
[ $# -gt 0 ] || set -- cs
bin=$(cd "$(dirname "$0")/../build/bin" 2>/dev/null && pwd) && PATH="$bin:$PATH"
mkdir -p "$state"
since=""
if [ -s "$state/last-update" ]; then
    last=$(cat "$state/last-update")
    # the day after the newest update already taken
    since=$(date -u -d "$last + 1 day" +%Y-%m-%d)
fi
today=$(date -u +%Y-%m-%dT%H%M%SZ)
out="$state/pairs-$today.jsonl"
tmp="$state/.refresh.$$"
trap 'rm -f "$tmp".*' EXIT INT TERM
arxiv-extract -q "$dump" > "$tmp.rec" || [ $? -eq 65 ]
if [ -n "$since" ]; then
    arxiv-filter-cat "$@" --updated --since "$since" -i "$tmp.rec" > "$tmp.new"
else
    arxiv-filter-cat "$@" -i "$tmp.rec" > "$tmp.new"
fi
abstract-clean < "$tmp.new" | pair-build > "$tmp.pairs"
newest=$(jq -r '.update_date // empty' "$tmp.new" | sort | tail -1)
n=$(wc -l < "$tmp.pairs")
if [ "$n" -gt 0 ]; then
    mv "$tmp.pairs" "$out.tmp" && mv "$out.tmp" "$out"
fi
if [ -n "$newest" ]; then
    printf '%s\n' "$newest" > "$state/last-update.tmp" && mv "$state/last-update.tmp" "$state/last-update"
fi
echo "refresh: $n new pairs since ${since:-the beginning} (newest update $newest)" >&2
