# --dtype: the merged model is written as BF16 (F16), each value the F32
# merge's rounded to nearest even (checked value by value with Python's
# struct); a merge into an existing folder replaces it as a whole (its old
# files gone, no temporary folder left); --init --dtype bf16 writes a BF16
# model that title-gen loads; --dtype on an adapter run is a usage error.
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/ad" --batch-size 8 --max-steps 3 \
    --warmup-steps 1 --learning-rate 1e-2 --lora-dropout 0 --lora-target q,v,down -j 2 || exit 1
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/ad" --merge-out "$TMP/f32" || exit 1
mkdir -p "$TMP/m" && echo stale > "$TMP/m/old-file"
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/ad" --merge-out "$TMP/m" --dtype bf16 || exit 1
ls "$TMP/m"; ls -d "$TMP"/m.tmp* 2>/dev/null
dtypes() { n=$(od -An -tu8 -N8 "$1" | tr -d ' '); tail -c +9 "$1" | head -c "$n" |
    jq -r '[to_entries[] | select(.key != "__metadata__") | .value.dtype] | unique | join(",")'; }
dtypes "$TMP/m/model.safetensors"
cat > "$TMP/cmp.py" <<'PY'
import json, struct, sys
def load(p):
    b = open(p, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8 + n]); d = b[8 + n:]
    return {k: (v['dtype'], d[v['data_offsets'][0]:v['data_offsets'][1]]) for k, v in h.items() if k != '__metadata__'}
def to16(f, kind):
    if kind == 'F16':
        return struct.unpack('<H', struct.pack('<e', f))[0]     # IEEE binary16, round to nearest even
    u = struct.unpack('<I', struct.pack('<f', f))[0]
    return (u + 0x7fff + ((u >> 16) & 1)) >> 16 & 0xffff
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = n = 0
for k, (dt, raw) in a.items():
    fs = struct.unpack('<%df' % (len(raw) // 4), raw)
    dt2, raw2 = b[k]
    hs = struct.unpack('<%dH' % (len(raw2) // 2), raw2)
    for f, h in zip(fs, hs):
        n += 1; bad += to16(f, dt2) != h
print('%s: %d of %d values differ from the rounded F32 merge' % (sys.argv[3], bad, n) if bad else
      '%s: every value is the F32 merge rounded to nearest even' % sys.argv[3])
PY
python3 "$TMP/cmp.py" "$TMP/f32/model.safetensors" "$TMP/m/model.safetensors" bf16
lora-train -m "$TESTDATA/lt-model" --lora "$TMP/ad" --merge-out "$TMP/m" --dtype f16 || exit 1
dtypes "$TMP/m/model.safetensors"
python3 "$TMP/cmp.py" "$TMP/f32/model.safetensors" "$TMP/m/model.safetensors" f16
lora-train --init "$TESTDATA/lt-model/config.json" -t "$TESTDATA/lt-train.tok" -o "$TMP/i" --dtype bf16 \
    --batch-size 8 --max-steps 1 -j 2 || exit 1
dtypes "$TMP/i/model.safetensors"
echo "a b c" | title-gen -m "$TMP/i" --text -b 1 --max-new-tokens 2 >/dev/null && echo "title-gen loads the BF16 model"
lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/x" --dtype bf16; echo "adapter run with --dtype: $?"
exit 0
