# --no-dedupe keeps every record.
pair-build --no-dedupe "$TESTDATA/pair-dups.jsonl" |
    python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]'
