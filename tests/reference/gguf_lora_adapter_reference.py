#!/usr/bin/env python3
"""gguf_lora_adapter_reference.py - GGUF LoRA adapters as llama.cpp writes
and reads them, for tiny GGUF llamas, and llama.cpp's logits with them, for
tests/unit/test_gguf_lora_gguf.c.

    VENV/bin/python tests/reference/gguf_lora_adapter_reference.py [OUTDIR]
        (default tests/data/gguf; VENV: llama-cpp-python, gguf and numpy,
        /work/venv-llama in tests/reference/README.md)

The adapter format is llama.cpp's (convert_lora_to_gguf.py writes it,
llama-adapter.cpp's llama_adapter_lora_init reads it): metadata
general.architecture "llama", general.type "adapter", adapter.type "lora",
adapter.lora.alpha (float32); for each adapted projection two tensors named
after the base's tensor with ".lora_a" and ".lora_b" appended, in ggml order
lora_a ne [n_in, r] and lora_b ne [r, n_out] (numpy shapes (r, n_in) and
(n_out, r): PEFT's lora_A and lora_B as they are). llama.cpp computes
y = W x + scale * B (A x) with scale = alpha / r, r = lora_b's ne[0]
(llama_adapter_lora_weight::get_scale). convert_lora_to_gguf.py passes the
PEFT tensors through the base model's modify_tensors, where LlamaModel
permutes the rows of q_proj / k_proj (each head's two rotary halves
interleaved); its LoraTorchTensor applies that row permutation to lora_B
(reshape and swapaxes act on B's rows, A is untouched). So lora_b of
attn_q / attn_k is in the GGUF row order of the base's attn_q / attn_k: here
it is drawn at random directly in that order, as the converter would have
written a PEFT B whose un-permuted rows are the Hugging Face ones.

For each base (embedding 128 or 256, 1 layer, 4 heads, 1 kv head):
  tiny-q8_0.gguf -> gguf-lora-q8_0.gguf  tensors F32
  tiny-q4_k.gguf -> gguf-lora-q4_k.gguf  lora_a Q8_0, lora_b F16
  tiny-f16.gguf  -> gguf-lora-f16.gguf   tensors BF16
r 4, alpha 8, on blk.0.attn_q, blk.0.attn_v and blk.0.ffn_down; lora_a
values normal(0, 0.5), lora_b normal(0, 0.02) (seeded; written in the
adapter's types, so the file holds the values llama.cpp uses).

Then OUTDIR/gguf-lora-logits.jsonl, one line per base and prompt (BOS then
4, 18 and 47 seeded random ids): file, type, adapter, prompt, n_vocab,
logits (llama.cpp's last-position logits with the adapter at scale 1: one
thread, F32 KV cache, no flash attention, the prompt in one batch), base
(llama.cpp without the adapter, same settings), delta_max
(max |logits - base|, checked > 10), llama_exact (max over the base's two
tiny-types-logits.jsonl prompts of llama.cpp's distance to the exact logits:
the C test's tolerance is built from it). Floats as float32, 9 significant
digits. And small broken adapters for tiny-q8_0.gguf, one fault each, for
the error messages: gguf-lora-bad-type.gguf (adapter.type
"control_vector"), -alpha (no adapter.lora.alpha), -nob (a lora_a without
its lora_b), -name (a tensor blk.0.attn_qkv.weight.lora_a), -dtype (lora_a
in IQ4_NL). Everything is seeded: a rerun writes the same bytes.
"""
import json
import os
import sys

import numpy as np
import gguf
from gguf.quants import quantize
import llama_cpp
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
Q8 = gguf.GGMLQuantizationType.Q8_0
F16 = gguf.GGMLQuantizationType.F16
BF16 = gguf.GGMLQuantizationType.BF16
F32 = gguf.GGMLQuantizationType.F32
# base file, its type, adapter file, (lora_a type, lora_b type)
FILES = [("tiny-q8_0.gguf", "Q8_0", "gguf-lora-q8_0.gguf", (F32, F32)),
         ("tiny-q4_k.gguf", "Q4_K", "gguf-lora-q4_k.gguf", (Q8, F16)),
         ("tiny-f16.gguf", "F16", "gguf-lora-f16.gguf", (BF16, BF16))]
TARGETS = ["attn_q", "attn_v", "ffn_down"]
R, ALPHA = 4, 8.0
A_STD, B_STD = 0.5, 0.02
PROMPT_LENGTHS = [5, 19, 48]
MIN_DELTA = 10.0


def f9(x):
    return float("%.9g" % float(np.float32(x)))


def as_type(x, t):
    """x (float32, numpy shape (rows, cols)) as the data GGUFWriter writes for type t."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if t == F32:
        return x, None
    if t == F16:
        return x.astype(np.float16), None
    return quantize(x, t), t     # BF16 and Q8_0: gguf's own quantizer (raw bytes)


def write_adapter(base, path, types, seed):
    r = gguf.GGUFReader(base)
    shapes = {t.name: [int(v) for v in t.shape] for t in r.tensors}   # ggml ne
    w = gguf.GGUFWriter(path, "llama")
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", ALPHA)
    rng = np.random.default_rng(seed)
    for kind in TARGETS:
        name = "blk.0.%s.weight" % kind
        n_in, n_out = shapes[name]
        a = (rng.standard_normal((R, n_in)) * A_STD).astype(np.float32)       # ne [n_in, r]
        b = (rng.standard_normal((n_out, R)) * B_STD).astype(np.float32)      # ne [r, n_out], GGUF row order
        for suffix, x, t in ((".lora_a", a, types[0]), (".lora_b", b, types[1])):
            data, raw = as_type(x, t)
            if raw is None:
                w.add_tensor(name + suffix, data)
            else:
                w.add_tensor(name + suffix, data, raw_shape=data.shape, raw_dtype=raw)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    # read back: the names, types and ggml shapes llama.cpp will see
    g = gguf.GGUFReader(path)
    for t in g.tensors:
        base_name = t.name[:-len(".lora_a")]
        n_in, n_out = shapes[base_name]
        want = [n_in, R] if t.name.endswith(".lora_a") else [R, n_out]
        assert [int(v) for v in t.shape] == want, (t.name, t.shape, want)


def write_bad(out):
    """Small broken adapters for tiny-q8_0.gguf (blk.0.attn_v: n_in 128, n_out 32),
    each wrong in one way, for the C test's error messages."""
    rng = np.random.default_rng(5400)
    a = rng.standard_normal((R, 128)).astype(np.float32)
    b = rng.standard_normal((32, R)).astype(np.float32)
    v = "blk.0.attn_v.weight"
    cases = {
        "type": dict(atype="control_vector"),
        "alpha": dict(alpha=None),
        "nob": dict(tensors=[(v + ".lora_a", a)]),
        "name": dict(tensors=[(v + ".lora_a", a), (v + ".lora_b", b), ("blk.0.attn_qkv.weight.lora_a", a)]),
        "dtype": dict(tensors=[(v + ".lora_a", a), (v + ".lora_b", b)], iq4nl=True),
    }
    for case, kw in cases.items():
        w = gguf.GGUFWriter(os.path.join(out, "gguf-lora-bad-%s.gguf" % case), "llama")
        w.add_string("general.type", "adapter")
        w.add_string("adapter.type", kw.get("atype", "lora"))
        if kw.get("alpha", ALPHA) is not None:
            w.add_float32("adapter.lora.alpha", ALPHA)
        for name, x in kw.get("tensors", [(v + ".lora_a", a), (v + ".lora_b", b)]):
            if kw.get("iq4nl") and name.endswith(".lora_a"):     # IQ4_NL: 18 bytes per 32 values, all zero
                raw = np.zeros((x.shape[0], x.shape[1] // 32 * 18), dtype=np.uint8)
                w.add_tensor(name, raw, raw_shape=raw.shape, raw_dtype=gguf.GGMLQuantizationType.IQ4_NL)
            else:
                w.add_tensor(name, x)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()


def open_llama(path, lora=None):
    kw = dict(lora_path=lora, lora_scale=1.0) if lora else {}
    return Llama(model_path=path, n_ctx=128, n_batch=512, n_threads=1, n_threads_batch=1, type_k=0, type_v=0,
                 flash_attn=False, logits_all=False, verbose=False, **kw)


def logits(llm, ids):
    llm.reset()
    llm.eval(ids)
    p = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(p, shape=(llm.n_vocab(),)).astype(np.float64)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf")
    exact = {}
    with open(os.path.join(ROOT, "tests/data/gguf/tiny-types-logits.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            exact[rec["file"]] = max(exact.get(rec["file"], 0.0), rec["exact_maxdiff"])
    write_bad(out)
    lines = []
    for idx, (fname, tname, aname, types) in enumerate(FILES):
        base = os.path.join(ROOT, "tests/data/gguf", fname)
        apath = os.path.join(out, aname)
        write_adapter(base, apath, types, 5200 + idx)
        plain = open_llama(base)
        adapted = open_llama(base, apath)
        rng = np.random.default_rng(5300 + idx)
        for n in PROMPT_LENGTHS:
            ids = [1] + [int(x) for x in rng.integers(3, plain.n_vocab(), n - 1)]
            lo, bl = logits(adapted, ids), logits(plain, ids)
            d = float(np.abs(lo - bl).max())
            print("%s + %s, %d ids: max |adapted - base| %.3f, max |logit| %.1f, llama.cpp vs exact (base) %.3f"
                  % (fname, aname, n, d, np.abs(lo).max(), exact[fname]))
            assert d > MIN_DELTA, "the adapter hardly moves llama.cpp's logits: %g" % d
            lines.append(dict(file=fname, type=tname, adapter=aname, prompt=ids, n_vocab=plain.n_vocab(),
                              logits=[f9(x) for x in lo], base=[f9(x) for x in bl], delta_max=f9(d),
                              llama_exact=f9(exact[fname])))
        del plain, adapted
    with open(os.path.join(out, "gguf-lora-logits.jsonl"), "w") as f:
        for rec in lines:
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    print("wrote %d lines to %s" % (len(lines), os.path.join(out, "gguf-lora-logits.jsonl")))


if __name__ == "__main__":
    main()
