#!/usr/bin/env python3
"""adapter_types.py WIDE NARROW - for the adapter-dtype cases: the tensors of
two adapter files of one layout (adapter_model.safetensors, or GGUF LoRA
adapter.gguf), WIDE in F32 and NARROW the same adapter in 16 bits. Prints
NARROW's tensor types and count, then whether each NARROW value is its WIDE
value rounded to nearest even: F16 by Python's struct "e" format (the
standard library's IEEE half packing, round half to even), BF16 computed
here from the F32 bits. Python's standard library only; the GGUF header is
read by gguf_to_hf.py's gguf_header().
"""
import json
import struct
import sys

from gguf_to_hf import gguf_header

SIZES = {"F32": 4, "F16": 2, "BF16": 2}
GGML = {0: "F32", 1: "F16", 30: "BF16"}


def tensors(path):
    """{name: (type, raw bytes)} of a safetensors or GGUF file."""
    data = open(path, "rb").read()
    out = {}
    if path.endswith(".safetensors"):
        n = struct.unpack_from("<Q", data)[0]
        for k, v in json.loads(data[8:8 + n]).items():
            if k != "__metadata__":
                b, e = v["data_offsets"]
                out[k] = (v["dtype"], data[8 + n + b:8 + n + e])
        return out
    kv, infos, base = gguf_header(data)
    for name, dims, t, off in infos:
        n = 1
        for d in dims:
            n *= d
        out[name] = (GGML[t], data[base + off:base + off + n * SIZES[GGML[t]]])
    return out


def bf16(x):
    """The BF16 bits of float32 X (bits as an int), round to nearest even."""
    u = struct.unpack("<I", struct.pack("<f", x))[0]
    return (u + 0x7FFF + (u >> 16 & 1)) >> 16 & 0xFFFF


def main():
    wide, narrow = tensors(sys.argv[1]), tensors(sys.argv[2])
    types = sorted({t for t, _ in narrow.values()})
    print("%s: %d tensors, %s" % (sys.argv[2].split("/")[-1], len(narrow), " ".join(types)))
    assert sorted(wide) == sorted(narrow), "not the same tensors"
    bad = n = 0
    for name, (t, raw) in narrow.items():
        wt, wraw = wide[name]
        assert wt == "F32"
        xs = struct.unpack("<%df" % (len(wraw) // 4), wraw)
        got = struct.unpack("<%dH" % (len(raw) // 2), raw)
        for x, g in zip(xs, got):
            want = bf16(x) if t == "BF16" else struct.unpack("<H", struct.pack("<e", x))[0]
            bad += want != g
            n += 1
    print("%d values, %s" % (n, "each the F32 value rounded to nearest even" if not bad else "%d differ" % bad))


if __name__ == "__main__":
    main()
