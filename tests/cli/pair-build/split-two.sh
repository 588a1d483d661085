# --split A:B has no test share: the test file is created, empty.
. ./records.inc
pair-build --split 9:1 --out "$TMP/t" "$TMP/r2000.jsonl"
wc -l < "$TMP/t.test.jsonl"
[ "$(wc -l < "$TMP/t.val.jsonl")" -gt 100 ] && echo val ok
