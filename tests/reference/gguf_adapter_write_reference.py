#!/usr/bin/env python3
"""gguf_adapter_write_reference.py - llama.cpp's logits with the GGUF LoRA
adapters OUR writer produced (lib/nn/lora.c gt_lora_write_gguf, what
lora-train writes as adapter.gguf), for tests/unit/test_gguf_lora_write.c.

    VENV/bin/python tests/reference/gguf_adapter_write_reference.py [OUTFILE]
        (default tests/data/gguf/ours-lora-logits.jsonl; VENV: llama-cpp-python,
        gguf and numpy, /work/venv-llama in tests/reference/README.md)

Input: tests/data/gguf/ours-lora-{f16,q8_0}.gguf, written by our writer from
the committed PEFT adapters lora-f16/ and lora-q8_0/ (gguf_lora_reference.py:
r 4, lora_alpha 8, q_proj, v_proj, down_proj) by

    GT_WRITE_FIXTURES=1 build/tests/test_gguf_lora_write

(the test then holds every later build of the writer to these bytes), and
tests/data/gguf/ours-lora-trained/adapter.gguf, written by lora-train itself
beside its PEFT files (adapter_config.json, adapter_model.safetensors) on
tiny-f16.gguf with every projection adapted, so that attn_k's lora_b is
permuted too (by n_head_kv); made with (from the repository root)

    head -16 tests/data/lt-pairs.jsonl | jq -c '{instruction: "t", input: .input[0:80], output: .output[0:30]}' |
        build/bin/tok-encode -m tests/data/gguf/tiny-f16.gguf --template tests/data/lt-short.template.json -o s.tok
    build/bin/lora-train -m tests/data/gguf/tiny-f16.gguf -t s.tok -o tests/data/gguf/ours-lora-trained \
        --batch-size 4 --micro-batch-size 2 --max-steps 8 --warmup-steps 1 --learning-rate 5e-2 \
        --lora-r 4 --lora-alpha 8 --lora-target q,k,v,o,gate,up,down -j 2

There are no PEFT logits for it: its lines hold llama.cpp's logits for the
C test to compare with ours (the PEFT folder through our loader), and the
script checks only that the adapter moves llama.cpp's logits by more than 5
times the tolerance.

Checks, before anything is written:
- the file as gguf's reader sees it: general.architecture "llama",
  general.type "adapter", adapter.type "lora", adapter.lora.alpha 8 (F32),
  general.alignment 32; tensors blk.0.{attn_q,attn_v,ffn_down}.weight.lora_a
  (ggml ne [n_in, r]) and .lora_b (ne [r, n_out]), F32, equal to PEFT's
  lora_A and lora_B, except lora_b of attn_q, which must equal PEFT's lora_B
  with its rows permuted as llama.cpp's convert_hf_to_gguf.py
  LlamaModel.permute does (copied below; n_head for attn_q, n_head_kv for
  attn_k), the permutation convert_lora_to_gguf.py applies to lora_B;
- llama.cpp with the adapter (Llama(lora_path=..., lora_scale=1): one thread,
  F32 KV cache, no flash attention, the prompt in one batch, last position)
  gives PEFT's logits (lora-logits.jsonl, same base and prompt) within
  2 llama_exact + 1% of max |logit| (llama_exact: llama.cpp's own distance to
  the exact float64 logits on the base, from tiny-types-logits.jsonl; the
  tolerance of test_gguf_lora_gguf.c);
- without the adapter llama.cpp is more than 5 times that tolerance away from
  PEFT's logits (so the check above can fail).

Output: one line per adapter and prompt (the 3 prompts of the base in
lora-logits.jsonl): file, type, adapter (ours-lora-*.gguf,
ours-lora-trained/adapter.gguf), peft (the PEFT folder), prompt, n_vocab,
logits (llama.cpp with the adapter), base (llama.cpp without it),
peft_maxdiff (max |logits - PEFT's|; null for ours-lora-trained), tol,
nolora_maxdiff (max |base - PEFT's|; null likewise), llama_exact. Floats as float32, 9
significant digits. A rerun with the same versions writes the same bytes.
"""
import json
import os
import sys

import numpy as np
import gguf
import llama_cpp
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = os.path.join(ROOT, "tests/data/gguf")
FILES = [("tiny-f16.gguf", "F16", "ours-lora-f16.gguf", "lora-f16"),
         ("tiny-q8_0.gguf", "Q8_0", "ours-lora-q8_0.gguf", "lora-q8_0"),
         ("tiny-f16.gguf", "F16", "ours-lora-trained/adapter.gguf", "ours-lora-trained")]
PEFT_NAMES = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
              "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
              "ffn_down": "mlp.down_proj"}


def load_safetensors(path):
    """A .safetensors file of F32 tensors as {name: numpy array} (the format: u64 header length, JSON header,
    data; read here directly, the venv has no safetensors package)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    head = json.loads(raw[8:8 + n])
    out = {}
    for k, v in head.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", (k, v["dtype"])
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(v["shape"])
    return out


def f9(x):
    return float("%.9g" % float(np.float32(x)))


def permute(weights, n_head, n_head_kv):
    """convert_hf_to_gguf.py LlamaModel.permute (llama.cpp 0c1e57098)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2)
            .reshape(weights.shape))


def field(r, key):
    f = r.fields[key]
    v = f.contents()
    return v, f.types[0]


def check_file(base, path, peft_dir):
    b = gguf.GGUFReader(base)
    n_head = int(b.fields["llama.attention.head_count"].contents())
    n_head_kv = int(b.fields["llama.attention.head_count_kv"].contents())
    r = gguf.GGUFReader(path)
    want = {"general.architecture": ("llama", gguf.GGUFValueType.STRING),
            "general.type": ("adapter", gguf.GGUFValueType.STRING),
            "adapter.type": ("lora", gguf.GGUFValueType.STRING),
            "adapter.lora.alpha": (8.0, gguf.GGUFValueType.FLOAT32),
            "general.alignment": (32, gguf.GGUFValueType.UINT32)}
    for k, (v, t) in want.items():
        got, gt = field(r, k)
        assert got == v and gt == t, (path, k, got, gt)
    peft = load_safetensors(os.path.join(peft_dir, "adapter_model.safetensors"))
    with open(os.path.join(peft_dir, "adapter_config.json")) as f:
        cfg = json.load(f)
    rank = cfg["r"]
    assert cfg["lora_alpha"] == 8 and not cfg.get("use_rslora")
    shapes = {t.name: [int(v) for v in t.shape] for t in b.tensors}
    seen, permuted = 0, set()
    for t in r.tensors:
        assert t.tensor_type == gguf.GGMLQuantizationType.F32, t.name
        base_name, ab = t.name.rsplit(".", 1)
        layer, kind = base_name.split(".")[1], base_name.split(".")[2]
        n_in, n_out = shapes[base_name]
        ne = [int(v) for v in t.shape]
        assert ne == ([n_in, rank] if ab == "lora_a" else [rank, n_out]), (t.name, ne)
        key = "base_model.model.model.layers.%s.%s.lora_%s.weight" % (layer, PEFT_NAMES[kind], ab[-1].upper())
        x = np.asarray(t.data).reshape(ne[1], ne[0])
        ref = peft[key]
        if ab == "lora_b" and kind in ("attn_q", "attn_k"):
            ref = permute(ref, n_head, n_head_kv if kind == "attn_k" else n_head)
            assert not np.array_equal(ref, peft[key])
            permuted.add(kind)
        assert np.array_equal(x, ref), (t.name, key)
        seen += 1
    assert seen == len(peft) == 2 * len(cfg["target_modules"]), (seen, len(peft))
    return permuted


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
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(D, "ours-lora-logits.jsonl")
    exact = {}
    with open(os.path.join(D, "tiny-types-logits.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            exact[rec["file"]] = max(exact.get(rec["file"], 0.0), rec["exact_maxdiff"])
    peft_recs = [json.loads(line) for line in open(os.path.join(D, "lora-logits.jsonl"))]
    lines = []
    for fname, tname, aname, pname in FILES:
        base, apath = os.path.join(D, fname), os.path.join(D, aname)
        permuted = check_file(base, apath, os.path.join(D, pname))
        print("%s: tensors = PEFT's, lora_b rows of %s permuted as convert_hf_to_gguf.py" % (aname, sorted(permuted)))
        plain, adapted = open_llama(base), open_llama(base, apath)
        n = 0
        for rec in peft_recs:
            if rec["file"] != fname:
                continue
            ids = rec["prompt"]
            lo, bl = logits(adapted, ids), logits(plain, ids)
            tol = 2 * exact[fname] + 0.01 * float(np.abs(lo).max())
            d = d0 = None
            if rec["adapter"] == pname:     # PEFT's logits for this adapter
                ref = np.array(rec["logits"], dtype=np.float64)
                tol = 2 * exact[fname] + 0.01 * float(np.abs(ref).max())
                d, d0 = float(np.abs(lo - ref).max()), float(np.abs(bl - ref).max())
                print("%s + %s, %d ids: max |llama.cpp - PEFT| %.4f (tol %.4f), without the adapter %.3f"
                      % (fname, aname, len(ids), d, tol, d0))
                assert d <= tol, "llama.cpp with our adapter is not PEFT's: %g > %g" % (d, tol)
                assert d0 > 5 * tol, "without the adapter llama.cpp is too close to PEFT's: %g" % d0
            else:                           # lora-train's adapter: no PEFT logits; the C test compares
                d_ad = float(np.abs(lo - bl).max())
                print("%s + %s, %d ids: max |llama.cpp with - without the adapter| %.3f (tol %.4f)"
                      % (fname, aname, len(ids), d_ad, tol))
                assert d_ad > 5 * tol, "the adapter hardly moves llama.cpp's logits: %g" % d_ad
            lines.append(dict(file=fname, type=tname, adapter=aname, peft=pname, prompt=ids, n_vocab=plain.n_vocab(),
                              logits=[f9(x) for x in lo], base=[f9(x) for x in bl],
                              peft_maxdiff=None if d is None else f9(d), tol=f9(tol),
                              nolora_maxdiff=None if d0 is None else f9(d0), llama_exact=f9(exact[fname])))
            n += 1
        assert n == 3, (fname, n)
        del plain, adapted
    with open(out, "w") as f:
        for rec in lines:
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    print("wrote %d lines to %s" % (len(lines), out))


if __name__ == "__main__":
    main()
