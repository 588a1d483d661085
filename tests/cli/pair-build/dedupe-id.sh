# Same id: the first one seen wins (0704.0001's later copy with another title,
# and an exact copy of 0704.0003, are dropped).
pair-build "$TESTDATA/pair-dups.jsonl" |
    python3 -c 'import json,sys; [print(p["id"], p["output"][:40]) for p in map(json.loads, sys.stdin)]'
