# Same title+abstract under another id (re-post with upper-case title and
# collapsed whitespace) is a duplicate; first seen wins, so order decides which id stays.
grep -E '"id":"(0704.0002|0705.9002)"' "$TESTDATA/pair-dups.jsonl" > "$TMP/a"
tac "$TMP/a" > "$TMP/b"
pair-build "$TMP/a" | python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]'
pair-build "$TMP/b" | python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]'
