# With --test-since, --split gives the train:val weights; a test weight is refused.
. ./records.inc
pair-build --test-since 2009-01-01 --split 1:1 "$TMP/r2000.jsonl" |
    python3 -c 'import json,sys,collections; c=collections.Counter(json.loads(l)["split"] for l in sys.stdin); assert 500 < c["val"] < 800 and 500 < c["train"] < 800, c; print("ok")'
pair-build --test-since 2009-01-01 --split 98:1:1 "$TMP/r2000.jsonl"
