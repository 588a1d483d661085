# input = the record's abstract, output = its title, byte for byte; keys in order
# instruction, input, output, id, categories, v1_date; one pair per record.
pair-build "$TESTDATA/pair-basic.jsonl" > "$TMP/p"
python3 - "$TESTDATA/pair-basic.jsonl" "$TMP/p" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pairs = [json.loads(l) for l in open(sys.argv[2])]
assert len(recs) == len(pairs) == 8, (len(recs), len(pairs))
for r, p in zip(recs, pairs):
    assert list(p) == ["instruction", "input", "output", "id", "categories", "v1_date"], list(p)
    assert p["input"] == r["abstract"] and p["output"] == r["title"]
    assert p["id"] == r["id"] and p["categories"] == r["categories"] and p["v1_date"] == r["v1_date"]
print("ok")
PY
