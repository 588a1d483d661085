#!/usr/bin/env python3
"""lora_16bit_reference.py - adapters written in 16 bits (lora-train
--adapter-dtype, and --lora ADAPTER --out DIR to convert one), checked by the
independent implementations: PEFT, llama.cpp and gguf's reader.

    /work/venv-peft/bin/python  tests/reference/lora_16bit_reference.py peft WIDE_DIR NARROW_DIR BASE.gguf
    /work/venv-llama/bin/python tests/reference/lora_16bit_reference.py gguf WIDE.gguf NARROW.gguf BASE.gguf

WIDE is an F32 adapter lora-train wrote, NARROW the same adapter written in
16 bits from it; BASE the GGUF base both are for (PEFT gets it as a float64
transformers model, dequantized by gguf's own dequantizer:
gguf_lora_reference.py's hf_model).

peft: PeftModel.from_pretrained loads NARROW_DIR (adapter_model.safetensors
in BF16 or F16) onto the base; every lora_A / lora_B weight in the model must
be WIDE_DIR's F32 value rounded to NARROW's type by torch (Tensor.to: round
to nearest even), so nothing was dropped or misread and our rounding is
torch's; then the last-position logits of a few prompts with NARROW and with
WIDE: the same greedy token, and their largest difference under 5% of the
adapter's own effect (WIDE against the base alone).

gguf: gguf.GGUFReader reads NARROW.gguf: its metadata must be WIDE.gguf's,
each tensor's name and shape WIDE's, its type F16 or BF16, its values WIDE's
rounded to that type by numpy (astype(float16); BF16 from the F32 bits, round
to nearest even); llama.cpp (llama-cpp-python, one thread) loads it onto
BASE.gguf as a LoRA adapter: the logits with NARROW and with WIDE must give
the same greedy token and differ by under 5% of WIDE's effect on the base's
(25% on a base in quantized blocks, whose activations llama.cpp rounds to 8
bits in each product: on SmolLM2's Q4_1 even an F32 file of the same F16
values moves the logits by 0.6 of the adapter's 5.9; measured 0.15).

Prints what it checked; exit 0 when everything holds. Run on the committed
fixture tests/data/gguf/ours-lora-trained-16/ (from ours-lora-trained/, see
tests/reference/README.md) and on the shipped data/model/ against the F32
adapter it was converted from.
"""
import json
import os
import sys

import numpy as np

PROMPTS = 3


def prompts(n_vocab, bos):
    rng = np.random.default_rng(7)
    return [[bos] + [int(x) for x in rng.integers(3, n_vocab, size=k)] for k in (5, 19, 48)][:PROMPTS]


def effect_ok(name, narrow, wide, plain, limit):
    """NARROW's logits within LIMIT times WIDE's effect on PLAIN's of WIDE's, the same greedy tokens."""
    dn = max(float(np.abs(a - b).max()) for a, b in zip(narrow, wide))
    da = max(float(np.abs(a - b).max()) for a, b in zip(wide, plain))
    same = all(int(np.argmax(a)) == int(np.argmax(b)) for a, b in zip(narrow, wide))
    ratio = dn / da if da else float("inf")
    print("%s: logits, 16-bit vs F32 adapter: max |diff| %.3g; the adapter's effect %.3g; ratio %.4f (limit %g); "
          "the same greedy token: %s" % (name, dn, da, ratio, limit, "yes" if same else "NO"))
    return da > 0 and ratio < limit and same


def run_peft(wide, narrow, base):
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from gguf_lora_reference import hf_model, last_logits
    model, cfg = hf_model(base)
    ids = prompts(cfg.vocab_size, 1)
    plain = [last_logits(model, p) for p in ids]
    ok = True
    out = {}
    for tag, d in (("wide", wide), ("narrow", narrow)):
        pm = PeftModel.from_pretrained(model, d)
        pm.eval()
        if tag == "narrow":
            w, n = load_file(os.path.join(wide, "adapter_model.safetensors")), \
                load_file(os.path.join(narrow, "adapter_model.safetensors"))
            types = sorted({str(t.dtype) for t in n.values()})
            state = pm.state_dict()
            checked = bad = 0
            for k, t in n.items():
                mk = k.replace(".weight", ".default.weight")
                want = w[k].to(t.dtype)
                if not torch.equal(want, t):
                    bad += 1
                if not torch.equal(state[mk].double(), t.double()):
                    bad += 1
                checked += 1
            print("peft: %s: %d tensors %s, each in the model as in the file and torch's rounding of the F32 "
                  "adapter's: %s" % (d, checked, types, "yes" if not bad else "NO (%d)" % bad))
            ok &= bad == 0 and checked > 0 and all(t in ("torch.bfloat16", "torch.float16") for t in types)
        out[tag] = [last_logits(pm, p) for p in ids]
        model = pm.unload()        # the base again, for the next adapter
    ok &= effect_ok("peft", out["narrow"], out["wide"], plain, 0.05)
    return ok


def bf16_bits(x):
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def run_gguf(wide, narrow, base):
    import gguf
    from llama_cpp import Llama
    rw, rn = gguf.GGUFReader(wide), gguf.GGUFReader(narrow)
    ok = True
    meta = lambda r: {k: (f.contents() if f.types and f.types[0] != gguf.GGUFValueType.ARRAY else None)
                      for k, f in r.fields.items() if not k.startswith("GGUF.")}
    same_meta = meta(rw) == meta(rn)
    print("gguf: metadata the same as the F32 adapter's: %s (%s)" %
          ("yes" if same_meta else "NO", json.dumps({k: v for k, v in meta(rn).items()}, default=str)))
    ok &= same_meta
    tw = {t.name: t for t in rw.tensors}
    types, bad = set(), 0
    for t in rn.tensors:
        w = tw.get(t.name)
        types.add(t.tensor_type.name)
        if w is None or list(w.shape) != list(t.shape) or t.tensor_type.name not in ("F16", "BF16"):
            bad += 1
            continue
        x = np.asarray(w.data, dtype=np.float32)
        got = np.asarray(t.data).view(np.uint16).reshape(-1)
        want = bf16_bits(x).reshape(-1) if t.tensor_type.name == "BF16" else x.astype(np.float16).view(np.uint16).reshape(-1)
        bad += int(not np.array_equal(got, want))
    print("gguf: %d tensors %s, names and shapes the F32 adapter's, values numpy's rounding of its: %s" %
          (len(rn.tensors), sorted(types), "yes" if not bad else "NO (%d)" % bad))
    ok &= bad == 0 and len(rn.tensors) == len(rw.tensors)

    def logits(lora):
        kw = dict(lora_path=lora, lora_scale=1.0) if lora else {}
        llm = Llama(model_path=base, n_ctx=512, n_batch=512, n_threads=1, n_threads_batch=1, type_k=0, type_v=0,
                    flash_attn=False, logits_all=True, verbose=False, **kw)
        res = []
        for p in prompts(llm.n_vocab(), llm.token_bos()):
            llm.reset()
            llm.eval(p)
            res.append(np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64))
        return res
    plain, lw, ln = logits(None), logits(wide), logits(narrow)
    # a base in quantized blocks: llama.cpp rounds each product's activations to 8 bits, so that any change of the
    # adapter's values (even the F16 ones in an F32 file: 0.60 on the Q4_1 SmolLM2) moves its logits by more
    blocks = any(t.tensor_type.name not in ("F32", "F16", "BF16") for t in gguf.GGUFReader(base).tensors)
    ok &= effect_ok("llama.cpp", ln, lw, plain, 0.25 if blocks else 0.05)
    return ok


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("peft", "gguf"):
        sys.exit(__doc__)
    ok = (run_peft if sys.argv[1] == "peft" else run_gguf)(*sys.argv[2:])
    print("ALL OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
