# --out without a split option splits 98:1:1 (the same as --split 98:1:1).
. ./records.inc
pair-build --out "$TMP/d" "$TMP/r2000.jsonl"
pair-build --split 98:1:1 --out "$TMP/e" "$TMP/r2000.jsonl"
for s in train val test; do cmp "$TMP/d.$s.jsonl" "$TMP/e.$s.jsonl" && echo "$s same"; done
[ "$(wc -l < "$TMP/d.test.jsonl")" -gt 5 ] && [ "$(wc -l < "$TMP/d.train.jsonl")" -gt 1900 ] && echo sizes ok
