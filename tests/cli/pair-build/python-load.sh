# Every output line loads with Python's json (as datasets' "json" loader needs),
# for 2000 real records, from the files of --out.
. ./records.inc
pair-build --split 98:1:1 --out "$TMP/p" "$TMP/r2000.jsonl"
for s in train val test; do
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/p.$s.jsonl" && echo "$s loads"
done
