# Every pair carries the gentitle instruction, exactly.
pair-build "$TESTDATA/pair-basic.jsonl" |
    python3 -c 'import json,sys; print("\n".join(sorted({json.loads(l)["instruction"] for l in sys.stdin})))'
