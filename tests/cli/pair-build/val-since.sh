# --val-since and --test-since: train before, val in [val-since, test-since), test after.
. ./records.inc
pair-build --val-since 2008-07-01 --test-since 2009-01-01 --out "$TMP/t" "$TMP/r2000.jsonl"
python3 - "$TMP/t" <<'PY'
import json, sys
d = {s: [json.loads(l)["v1_date"] for l in open(f"{sys.argv[1]}.{s}.jsonl")] for s in ("train", "val", "test")}
assert all(x < "2008-07-01" for x in d["train"]) and d["train"]
assert all("2008-07-01" <= x < "2009-01-01" for x in d["val"]) and d["val"]
assert all(x >= "2009-01-01" for x in d["test"]) and d["test"]
print("ok")
PY
# --val-since alone: val from that date on, train before, no test
pair-build --val-since 2009-01-01 "$TMP/r2000.jsonl" |
    python3 -c 'import json,sys,collections; c=collections.Counter((p["split"], p["v1_date"] >= "2009-01-01") for p in map(json.loads, sys.stdin)); print(sorted(c.items()))'
