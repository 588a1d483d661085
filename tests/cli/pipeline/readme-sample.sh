# The README's first job: the bundled sample through all four stages.
set -o pipefail
arxiv-extract "$DATA/arxiv-sample.ndjson.zst" | arxiv-filter-cat cs --since 2018-01-01 \
  | abstract-clean | pair-build --split 98:1:1 --out "$TMP/cs"
for s in train val test; do [ -s "$TMP/cs.$s.jsonl" ] || [ "$s" != train ] || exit 1; done
total=$(cat "$TMP"/cs.*.jsonl | wc -l)
[ "$total" -gt 800 ] && echo "pairs: more than 800"
# every pair is a cs paper (or in a category the taxonomy makes an alias of one) since
# 2018 with the exact instruction, and loads as JSON
aliases=$(awk -F'\t' 'NR > 1 && $8 != "" { if ($1 ~ /^cs\./) print $8; if ($8 ~ /^cs\./) print $1 }' "$DATA/categories.tsv" | jq -R . | jq -sc .)
cat "$TMP"/cs.*.jsonl | jq -r --argjson al "$aliases" '[(.categories | map(startswith("cs.") or IN($al[])) | any), (.v1_date >= "2018-01-01"), (.instruction | startswith("If you are an expert in writing papers"))] | all' | sort -u
cat "$TMP"/cs.*.jsonl | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]; print("python loads")'
ls "$TMP" | grep -c tmp || true
