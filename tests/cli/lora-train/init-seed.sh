# --init is seeded by --seed: the same seed gives the same model byte for
# byte, another seed another one; the weights' spread is initializer_range
# (0.02 when the config has none), the RMSNorm weights are ones.
a="--init $TESTDATA/lt-model/config.json -t $TESTDATA/lt-train.tok --batch-size 4 --micro-batch-size 4 --max-steps 1 --learning-rate 0 -j 2"
lora-train $a --seed 1 -o "$TMP/a" || exit 1
lora-train $a --seed 1 -o "$TMP/b" || exit 1
lora-train $a --seed 2 -o "$TMP/c" || exit 1
cmp -s "$TMP/a/model.safetensors" "$TMP/b/model.safetensors" && echo "seed 1 twice: same model"
cmp -s "$TMP/a/model.safetensors" "$TMP/c/model.safetensors" || echo "seed 2: another model"
cmp "$TMP/a/config.json" "$TESTDATA/lt-model/config.json" && echo "config.json copied"
/usr/bin/python3 - "$TMP/a/model.safetensors" <<'PY'
import json, struct, sys, array, math
f = open(sys.argv[1], 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); base = 8 + n
raw = open(sys.argv[1], 'rb').read()
def t(name):
    a, b = h[name]['data_offsets']; x = array.array('f'); x.frombytes(raw[base + a:base + b]); return x
e = t('model.embed_tokens.weight')
m = sum(e) / len(e); sd = math.sqrt(sum((v - m) ** 2 for v in e) / len(e))
print('embed mean ~0' if abs(m) < 1e-3 else 'mean %g' % m, 'sd 0.02' if abs(sd - 0.02) < 4e-4 else 'sd %g' % sd)
q = t('model.layers.1.mlp.down_proj.weight'); sq = math.sqrt(sum(v * v for v in q) / len(q))
print('down_proj sd 0.02' if abs(sq - 0.02) < 1e-3 else 'sd %g' % sq)
print('norms ones' if set(t('model.norm.weight')) == {1.0} and set(t('model.layers.0.input_layernorm.weight')) == {1.0} else 'norms not ones')
PY
