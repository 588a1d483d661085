#!/usr/bin/env python3
"""lora_reference.py - write random LoRA adapters for the tiny fixture models,
with PEFT itself, and the logits the adapted models give.

Needs torch, transformers and peft (tested: Debian's python3-torch 1.13 in a
venv made with --system-site-packages, transformers 4.44.2, peft 0.12.0 and
accelerate 0.33.0 installed with --no-deps):

    PY tests/reference/lora_reference.py [OUTDIR]          (default tests/data)

For each adapter, OUTDIR/tg-lora-NAME/ gets what PeftModel.save_pretrained
writes (adapter_config.json, adapter_model.safetensors: PEFT's own key names)
and expected.bin in the format of llama_reference.py (int32 magic "TGOL", ntok,
nprefill, vocab, tokens, float32 logits[ntok][vocab]): the logits of
PeftModel (the base model in float64 with the adapter, dropout off), checked
against an independent computation, llama_reference.forward() on merged
weights W + scale * B @ A (scale = lora_alpha / r, or / sqrt(r) with rslora).
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import TOKENS, NPREFILL, forward, st_read  # noqa: E402

from transformers import LlamaForCausalLM  # noqa: E402
from peft import LoraConfig, get_peft_model  # noqa: E402

ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

ADAPTERS = [
    # name, base fixture, LoraConfig arguments
    ("tg-lora-all", "model-gqa-f32", dict(r=4, lora_alpha=8, target_modules=ALL)),
    ("tg-lora-qv-rslora", "model-gqa-bf16", dict(r=2, lora_alpha=16, target_modules=["q_proj", "v_proj"],
                                                   use_rslora=True)),
    # for the title-gen tool tests (vocabulary 32000: no expected.bin, the tests compare ways of applying it)
    ("tg-lora-tg", "tg-model", dict(r=2, lora_alpha=4, target_modules=["q_proj", "v_proj", "down_proj"])),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../data")
    for idx, (name, base, kw) in enumerate(ADAPTERS):
        bdir = os.path.join(data, base)
        cfg = json.load(open(os.path.join(bdir, "config.json")))
        model = LlamaForCausalLM.from_pretrained(bdir, torch_dtype=torch.float32)
        lc = LoraConfig(lora_dropout=0.0, bias="none", task_type="CAUSAL_LM", **kw)
        pm = get_peft_model(model, lc)
        gen = torch.Generator().manual_seed(1000 + idx)
        with torch.no_grad():
            for n, p in pm.named_parameters():
                if "lora_A" in n or "lora_B" in n:
                    p.copy_(torch.randn(p.shape, generator=gen) * 0.3)
        out = os.path.join(data, name)
        pm.save_pretrained(out)
        # PEFT's logits, in float64
        pm = pm.double().eval()
        with torch.no_grad():
            logits = pm(torch.tensor([TOKENS])).logits[0]
        # independent: merged weights through llama_reference.forward
        W = st_read(os.path.join(bdir, "model.safetensors"))
        A = st_read(os.path.join(out, "adapter_model.safetensors"))
        scale = kw["lora_alpha"] / (math.sqrt(kw["r"]) if kw.get("use_rslora") else kw["r"])
        W = {k: v.to(torch.float64) for k, v in W.items()}
        for k in A:
            if ".lora_A." in k:
                base_key = k.replace("base_model.model.", "", 1).replace(".lora_A.weight", ".weight")
                B = A[k.replace(".lora_A.", ".lora_B.")].to(torch.float64)
                W[base_key] = W[base_key] + scale * B @ A[k].to(torch.float64)
        ref = forward(cfg, W, TOKENS)
        err = ((logits - ref).abs().max() / ref.abs().max()).item()
        print("%s: %d tensors, PeftModel vs merged reference: max rel err %.2g" % (name, len(A), err))
        assert err < 1e-5, err
        if cfg["vocab_size"] <= 1000:
            with open(os.path.join(out, "expected.bin"), "wb") as f:
                f.write(struct.pack("<4i", 0x4C4F4754, len(TOKENS), NPREFILL, cfg["vocab_size"]))
                f.write(struct.pack("<%di" % len(TOKENS), *TOKENS))
                f.write(logits.to(torch.float32).numpy().astype("<f4").tobytes())
        # keep the files reproducible: no absolute path, ordinary permissions
        cpath = os.path.join(out, "adapter_config.json")
        ac = json.load(open(cpath))
        ac["base_model_name_or_path"] = "tests/data/" + base
        ac["target_modules"] = sorted(ac["target_modules"])    # PEFT writes a set, in any order
        with open(cpath, "w") as f:
            json.dump(ac, f, indent=2, sort_keys=True)
            f.write("\n")
        os.chmod(os.path.join(out, "adapter_model.safetensors"), 0o644)
        for junk in ("README.md",):
            if os.path.exists(os.path.join(out, junk)):
                os.remove(os.path.join(out, junk))


if __name__ == "__main__":
    main()
