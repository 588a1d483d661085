# Another --seed moves records between splits (same sizes, roughly); the same
# seed gives the same result.
. ./records.inc
pair-build --split 50:25:25 --seed 1 "$TMP/r2000.jsonl" > "$TMP/s1"
pair-build --split 50:25:25 --seed 1 "$TMP/r2000.jsonl" > "$TMP/s1b"
pair-build --split 50:25:25 "$TMP/r2000.jsonl" > "$TMP/s0"
cmp -s "$TMP/s1" "$TMP/s1b" && echo "same seed same output"
python3 - "$TMP/s0" "$TMP/s1" <<'PY'
import json, sys
a = [json.loads(l)["split"] for l in open(sys.argv[1])]
b = [json.loads(l)["split"] for l in open(sys.argv[2])]
moved = sum(x != y for x, y in zip(a, b))
# independent assignments: P(same) = .5^2 + 2*.25^2 = .375, so ~1250 of 2000 move
assert 1100 <= moved <= 1400, moved
print("seed moves records")
PY
