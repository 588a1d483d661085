# --test-since: every test pair has v1_date >= DATE, every train/val pair is
# older; the rest is split 99:1 by default (val not empty on 2000 records).
. ./records.inc
pair-build --test-since 2009-01-01 --out "$TMP/t" "$TMP/r2000.jsonl"
python3 - "$TMP/t" "$TMP/r2000.jsonl" <<'PY'
import json, sys
p = sys.argv[1]
d = {s: [json.loads(l) for l in open(f"{p}.{s}.jsonl")] for s in ("train", "val", "test")}
assert all(r["v1_date"] >= "2009-01-01" for r in d["test"])
assert all(r["v1_date"] < "2009-01-01" for r in d["train"] + d["val"])
want_test = sum(1 for l in open(sys.argv[2]) if json.loads(l)["v1_date"] >= "2009-01-01")
assert len(d["test"]) == want_test, (len(d["test"]), want_test)
assert 3 <= len(d["val"]) <= 40, len(d["val"])
print(len(d["train"]) + len(d["val"]), len(d["test"]))
PY
