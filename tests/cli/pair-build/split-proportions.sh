# 2000 real records split 80:10:10 land close to those shares (binomial: the
# test allows about 4 standard deviations), and all of them are written.
. ./records.inc
pair-build --split 80:10:10 --out "$TMP/p" "$TMP/r2000.jsonl"
python3 - "$TMP/p" <<'PY'
import json, sys
n = {s: sum(1 for l in open(f"{sys.argv[1]}.{s}.jsonl")) for s in ("train", "val", "test")}
assert sum(n.values()) == 2000, n
assert 1520 <= n["train"] <= 1680, n
assert 145 <= n["val"] <= 255 and 145 <= n["test"] <= 255, n
ids = [json.loads(l)["id"] for s in n for l in open(f"{sys.argv[1]}.{s}.jsonl")]
assert len(set(ids)) == 2000
print("ok")
PY
