# Bad lines are reported FILE:LINE and skipped; the vocabulary is still
# written from the good ones; exit 65.
head -5 "$TESTDATA/lt-pairs.jsonl" > "$TMP/p"
printf '{"input": "x"\n{"instruction": "i", "input": "a b"}\n{"input": 3, "output": "t"}\n[1]\n' >> "$TMP/p"
tok-train -n 300 -o "$TMP/tok.json" "$TMP/p"
s=$?
jq '.model.vocab | length' "$TMP/tok.json"
exit $s
