# --instruction replaces the instruction (quotes and UTF-8 kept, escaped as JSON).
pair-build --instruction 'Give this "paper" a title — briefly.' "$TESTDATA/pair-basic.jsonl" |
    python3 -c 'import json,sys; print("\n".join(sorted({json.loads(l)["instruction"] for l in sys.stdin})))'
