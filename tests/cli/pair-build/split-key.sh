# A split option on standard output adds a "split" key (last); without one there is none.
pair-build --split 98:1:1 "$TESTDATA/pair-basic.jsonl" |
    python3 -c 'import json,sys
for l in sys.stdin:
    p = json.loads(l); assert list(p)[-1] == "split" and p["split"] in ("train","val","test"), p
print("split key ok")'
pair-build "$TESTDATA/pair-basic.jsonl" | grep -c '"split"'; true
