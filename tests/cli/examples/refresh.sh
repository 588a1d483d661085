# examples/refresh.sh takes everything on the first run, then only newer updates.
set -o pipefail
root=$(cd ../../.. && pwd)
zstdcat "$DATA/arxiv-sample.ndjson.zst" | jq -c 'select(.update_date < "2026-01-01")' > "$TMP/old.json"
zstdcat "$DATA/arxiv-sample.ndjson.zst" > "$TMP/all.json"
sh "$root/examples/refresh.sh" "$TMP/old.json" "$TMP/state" cs 2>/dev/null
cat "$TMP/state/last-update"
first=$(cat "$TMP"/state/pairs-*.jsonl | wc -l)
[ "$first" -gt 500 ] && echo "first run: many pairs"
rm "$TMP"/state/pairs-*.jsonl
sh "$root/examples/refresh.sh" "$TMP/all.json" "$TMP/state" cs 2>/dev/null
cat "$TMP/state/last-update"
# the second run holds exactly the cs records updated in 2026 that survive cleaning
want=$(arxiv-extract "$TMP/all.json" | arxiv-filter-cat cs --updated --since 2026-01-01 | abstract-clean | pair-build | wc -l)
got=$(cat "$TMP"/state/pairs-*.jsonl | wc -l)
[ "$got" -eq "$want" ] && [ "$got" -gt 0 ] && echo "second run: only the new ones"
sh "$root/examples/refresh.sh" "$TMP/all.json" "$TMP/state" cs 2>&1 | sed 's/since [0-9-]*/since DATE/'
