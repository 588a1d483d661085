#!/usr/bin/env python3
"""gguf_reference.py - fixtures for tests/unit/test_gguf.c, written and checked
with llama.cpp's own Python package `gguf` (GGUFWriter, GGUFReader,
gguf.quants.quantize / dequantize).

    python3 -m venv VENV && VENV/bin/pip install gguf numpy
    VENV/bin/python tests/reference/gguf_reference.py [OUTDIR] [SHARED]
        (defaults tests/data/gguf and ../shared; the shared file's hashes
         are skipped when it is absent)

Writes into OUTDIR:
  types.gguf        random blocks of every dequantized type, two tensors per
                    type: NAME.quant (random rows quantized by gguf.quants,
                    for the types it can quantize) and NAME.rand (random block
                    bytes whose scales are extreme but finite f16 values:
                    +-0, subnormals, the smallest normal, +-65504, random),
                    plus q2_k.rand and iq4_nl.rand (types the C side refuses)
  types-f32.gguf    gguf.quants.dequantize of each dequantized tensor of
                    types.gguf, as F32 tensors of the same names and shapes
  meta.gguf         metadata of all 13 value types (nested arrays too),
                    general.alignment 64, two small tensors; meta-v2.gguf is
                    the same file with version 2 in its header
  tiny-llama.gguf   a tiny llama (2 layers, embedding 32, 2 heads, 1 kv
                    head, feed-forward 64, 48 tokens, no llama.vocab_size),
                    its tensors in the 32-value block types, F16 and BF16
  hashes.txt        "NAME TYPE HASH" lines: gt_hash64 (seed 0) of the F32
                    bytes gguf.quants.dequantize makes, for
                    f16-all / bf16-all: every non-NaN 16-bit pattern in
                    increasing order; and for every tensor of the shared
                    SmolLM2 file, plus NAME.hf for each attn_q/attn_k: its
                    rows un-permuted to the Hugging Face order first
  perm.txt          "ROWS N_HEAD: P0 P1 ..." for several shapes: row i of the
                    Hugging Face weight is row P_i of the GGUF tensor
"""
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf import GGUFValueType as V

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import pipeline_ref  # noqa: E402  (gt_hash64, the Python transcription of lib/core/util.c's)

MASK64 = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15

# The types the C side dequantizes, and those gguf.quants can quantize.
DEQ = [T.F32, T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q4_K, T.Q5_K, T.Q6_K]
QUANTIZABLE = {T.F32, T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1}
# Byte offsets of the f16 scale fields in a block of each type.
SCALES = {T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
          T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208], T.Q2_K: [80, 82], T.IQ4_NL: [0]}
# f16 edge values, none NaN or infinite: +-0, smallest and largest subnormal,
# smallest normal, 1, largest finite.
EDGE_F16 = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x83ff, 0x0400, 0x8400, 0x3c00, 0xbc00, 0x7bff, 0xfbff]


def hash64(b):
    """gt_hash64(b, n, 0): pipeline_ref's logic, the 8-byte words read by numpy."""
    n = len(b)
    h = pipeline_ref._mix64(GOLDEN ^ n)
    full = n // 8 * 8
    for w in np.frombuffer(b[:full], dtype="<u8").tolist():
        x = h ^ w
        x ^= x >> 30
        x = (x * 0xbf58476d1ce4e5b9) & MASK64
        x ^= x >> 27
        x = (x * 0x94d049bb133111eb) & MASK64
        h = ((x ^ (x >> 31)) + GOLDEN) & MASK64
    t = int.from_bytes(b[full:], "little")
    return pipeline_ref._mix64(h ^ t ^ (((n - full) << 56) & MASK64))


def random_finite_f16(rng, n):
    """N random f16 bit patterns, NaN and infinity excluded, edges mixed in."""
    v = rng.integers(0, 1 << 16, n, dtype=np.uint32)
    v = np.where((v & 0x7c00) == 0x7c00, v & 0x83ff, v)   # exponent 31 -> a subnormal
    k = rng.random(n) < 0.3
    v[k] = rng.choice(EDGE_F16, int(k.sum()))
    return v.astype(np.uint16)


def random_rows(rng, rows, cols):
    """Rows of normal values at scales from 1e-6 to 1e3 (f16 subnormals to near its largest), with
    outliers, a zero row and a constant row."""
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    x *= (10.0 ** rng.uniform(-6, 3, (rows, 1))).astype(np.float32)
    x[rng.random((rows, cols)) < 0.02] *= 8
    x[0] = 0
    x[1] = np.float32(-0.75)
    return x


def random_blocks(rng, qtype, nblocks):
    """NBLOCKS blocks of random bytes, each f16 scale field an extreme finite value."""
    _, tsize = gguf.GGML_QUANT_SIZES[qtype]
    b = rng.integers(0, 256, (nblocks, tsize), dtype=np.uint8)
    for off in SCALES[qtype]:
        b[:, off:off + 2] = random_finite_f16(rng, nblocks).view(np.uint8).reshape(nblocks, 2)
    return b


def plain_rand(rng, qtype, rows, cols):
    """Random finite F32 / F16 / BF16 values (their bit patterns), as the writer takes them."""
    if qtype == T.F32:
        u = rng.integers(0, 1 << 32, (rows, cols), dtype=np.uint64).astype(np.uint32)
        u = np.where((u & 0x7f800000) == 0x7f800000, u & 0x807fffff, u)   # NaN/Inf -> subnormal
        return u.view(np.float32), None
    if qtype == T.F16:
        return random_finite_f16(rng, rows * cols).reshape(rows, cols).view(np.float16), None
    u = rng.integers(0, 1 << 16, (rows, cols), dtype=np.uint32)
    u = np.where((u & 0x7f80) == 0x7f80, u & 0x807f, u).astype(np.uint16)
    return u.view(np.uint8).reshape(rows, cols * 2), T.BF16


def add_quantized(w, name, data, qtype):
    q = gguf.quants.quantize(data, qtype)
    if qtype in (T.F32, T.F16):
        w.add_tensor(name, q)
    else:
        w.add_tensor(name, q, raw_dtype=qtype)


def write_types(out, rng):
    w = gguf.GGUFWriter(os.path.join(out, "types.gguf"), "types")
    for qt in DEQ:
        bs, _ = gguf.GGML_QUANT_SIZES[qt]
        rows, cols = (6, 2 * bs) if bs > 1 else (6, 40)
        nm = qt.name.lower()
        if qt in QUANTIZABLE:
            add_quantized(w, nm + ".quant", random_rows(rng, rows, cols), qt)
        if bs > 1:
            w.add_tensor(nm + ".rand", random_blocks(rng, qt, rows * 2).reshape(rows, -1), raw_dtype=qt)
        else:
            data, raw = plain_rand(rng, qt, rows, cols)
            w.add_tensor(nm + ".rand", data, raw_dtype=raw)
    for qt in (T.Q2_K, T.IQ4_NL):
        w.add_tensor(qt.name.lower() + ".rand", random_blocks(rng, qt, 2).reshape(1, -1), raw_dtype=qt)
    finish(w)

    r = gguf.GGUFReader(os.path.join(out, "types.gguf"))
    e = gguf.GGUFWriter(os.path.join(out, "types-f32.gguf"), "types")
    for t in r.tensors:
        if t.tensor_type not in DEQ:
            continue
        f = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
        shape = tuple(int(d) for d in reversed(t.shape.tolist()))
        assert f.shape == shape, (t.name, f.shape, shape)
        assert np.all(np.isfinite(f)), t.name
        e.add_tensor(t.name, np.ascontiguousarray(f))
    finish(e)


def finish(w):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_meta(out, rng):
    path = os.path.join(out, "meta.gguf")
    w = gguf.GGUFWriter(path, "meta")   # adds general.architecture = "meta"
    w.add_custom_alignment(64)
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -100)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_float32("t.f32", 3.25)
    w.add_bool("t.bool", True)
    w.add_string("t.string", "h\u00e9llo \u2713")
    w.add_key_value("t.empty", "", V.STRING)
    w.add_uint64("t.u64", (1 << 63) + 5)
    w.add_int64("t.i64", -(1 << 62))
    w.add_float64("t.f64", 0.1)
    w.add_key_value("a.u8", [1, 2, 255], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("a.i16", [-5, 7], V.ARRAY, sub_type=V.INT16)
    w.add_array("a.i32", [7, -8, 9])
    w.add_array("a.f32", [0.5, -1.5])
    w.add_key_value("a.f64", [2.5, 1e300], V.ARRAY, sub_type=V.FLOAT64)
    w.add_key_value("a.u64", [1 << 40, (1 << 64) - 1], V.ARRAY, sub_type=V.UINT64)
    w.add_array("a.bool", [True, False, True])
    w.add_array("a.str", ["a", "", "ccc"])
    w.add_array("a.nested", [[1, 2], [3]])
    w.add_array("a.nested_str", [["x", "yy"], ["z"]])
    w.add_array("a.deep", [[[1]], [[2, 3], [4]]])
    w.add_tensor("small.f32", np.arange(15, dtype=np.float32).reshape(3, 5))
    add_quantized(w, "small.q8_0", random_rows(rng, 2, 64), T.Q8_0)
    finish(w)

    r = gguf.GGUFReader(path)
    assert r.alignment == 64 and r.fields["a.deep"].contents() == [1, 2, 3, 4]
    assert r.fields["t.u64"].contents() == (1 << 63) + 5 and r.fields["a.str"].contents() == ["a", "", "ccc"]
    b = bytearray(open(path, "rb").read())
    assert b[4:8] == (3).to_bytes(4, "little")
    b[4:8] = (2).to_bytes(4, "little")
    open(os.path.join(out, "meta-v2.gguf"), "wb").write(b)
    assert gguf.GGUFReader(os.path.join(out, "meta-v2.gguf")).fields["t.i32"].contents() == -2000000000


def write_tiny_llama(out, rng):
    n_embd, n_head, n_kv, n_ff, n_layer = 32, 2, 1, 64, 2
    hd = n_embd // n_head
    w = gguf.GGUFWriter(os.path.join(out, "tiny-llama.gguf"), "llama")
    w.add_block_count(n_layer)
    w.add_context_length(256)
    w.add_embedding_length(n_embd)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_freq_base(500000.0)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_dimension_count(hd)
    w.add_tokenizer_model("llama")
    w.add_token_list(["<unk>", "<s>", "</s>"] + ["t%d" % i for i in range(45)])
    w.add_token_scores([0.0] * 3 + [-float(i) for i in range(45)])
    w.add_token_types([2, 3, 3] + [1] * 45)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    add_quantized(w, "token_embd.weight", random_rows(rng, 48, n_embd), T.Q8_0)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    kinds = [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.F16, T.BF16]
    for l in range(n_layer):
        p = "blk.%d." % l
        w.add_tensor(p + "attn_norm.weight", rng.standard_normal(n_embd).astype(np.float32))
        w.add_tensor(p + "ffn_norm.weight", rng.standard_normal(n_embd).astype(np.float32))
        shapes = [("attn_q", n_head * hd, n_embd), ("attn_k", n_kv * hd, n_embd), ("attn_v", n_kv * hd, n_embd),
                  ("attn_output", n_embd, n_head * hd), ("ffn_gate", n_ff, n_embd), ("ffn_up", n_ff, n_embd),
                  ("ffn_down", n_embd, n_ff)]
        for k, (nm, rows, cols) in enumerate(shapes):
            add_quantized(w, p + nm + ".weight", random_rows(rng, rows, cols), kinds[(k + l) % len(kinds)])
    finish(w)


def unpermute_hf(w, n_head):
    """The Hugging Face order of a GGUF attn_q/attn_k weight: llama.cpp's
    converter made each head's rows [h, half, 2] out of [h, 2, half] (the
    rotary pairs adjacent), so view the rows as [heads, half, 2] and swap
    the last two axes back."""
    rows = w.shape[0]
    half = rows // n_head // 2
    return w.reshape(n_head, half, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def permute_like_converter(w, n_head):
    """The converter's own direction, to check that unpermute_hf inverts it."""
    half = w.shape[0] // n_head // 2
    return w.reshape(n_head, 2, half, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_perm(out):
    lines = []
    for rows, n_head in [(576, 9), (192, 3), (64, 4), (32, 2), (24, 3), (8, 1), (2, 1), (4096, 32), (1024, 8)]:
        x = np.arange(rows)
        p = unpermute_hf(x, n_head)
        assert np.array_equal(permute_like_converter(p, n_head), x)
        lines.append("%d %d: %s" % (rows, n_head, " ".join(str(v) for v in p.tolist())))
    open(os.path.join(out, "perm.txt"), "w").write("\n".join(lines) + "\n")


def all_patterns(bits):
    """Every non-NaN 16-bit float pattern, increasing, and its dequantized F32."""
    u = np.arange(1 << 16, dtype=np.uint32)
    if bits == "f16":
        u = u[((u & 0x7c00) != 0x7c00) | ((u & 0x3ff) == 0)]
        return gguf.quants.dequantize(u.astype(np.uint16).view(np.uint8), T.F16)
    u = u[((u & 0x7f80) != 0x7f80) | ((u & 0x7f) == 0)]
    return gguf.quants.dequantize(u.astype(np.uint16).view(np.uint8), T.BF16)


def write_hashes(out, shared):
    assert hash64(b"abcdefghijk") == pipeline_ref.gt_hash64(b"abcdefghijk")
    assert hash64(bytes(range(64))) == pipeline_ref.gt_hash64(bytes(range(64)))
    lines = []
    for bits in ("f16", "bf16"):
        f = all_patterns(bits).astype("<f4")
        lines.append("%s-all %s %016x" % (bits, bits.upper(), hash64(f.tobytes())))
    path = os.path.join(shared, "models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
    if os.path.exists(path):
        r = gguf.GGUFReader(path)
        n_head = int(r.fields["llama.attention.head_count"].contents())
        n_kv = int(r.fields["llama.attention.head_count_kv"].contents())
        for t in r.tensors:
            f = gguf.quants.dequantize(t.data, t.tensor_type).astype("<f4", copy=False)
            lines.append("%s %s %016x" % (t.name, t.tensor_type.name, hash64(f.tobytes())))
            if t.name.endswith(("attn_q.weight", "attn_k.weight")):
                u = unpermute_hf(f, n_head if "attn_q" in t.name else n_kv)
                lines.append("%s.hf %s %016x" % (t.name, t.tensor_type.name, hash64(np.ascontiguousarray(u).tobytes())))
    else:
        print("gguf_reference: %s absent: no shared-file hashes" % path, file=sys.stderr)
    open(os.path.join(out, "hashes.txt"), "w").write("\n".join(lines) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf")
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "../shared")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(12)
    write_types(out, rng)
    write_meta(out, rng)
    write_tiny_llama(out, rng)
    write_perm(out)
    write_hashes(out, shared)


if __name__ == "__main__":
    main()
