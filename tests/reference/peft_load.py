#!/usr/bin/env python3
"""Check that PEFT loads an adapter written by lora-train.

    /tmp/tfvenv/bin/python tests/reference/peft_load.py BASE_MODEL_DIR ADAPTER_DIR [STREAM]

Loads the base model with transformers, the adapter with
PeftModel.from_pretrained, checks that every lora_A / lora_B weight in the
model equals the one in adapter_model.safetensors (so no key was ignored) and
that the config (r, alpha, targets) came through; with STREAM (a token stream),
prints the masked loss of its first example with the adapter. Exit 0 when all
checks pass. Not run by CI (it needs torch, transformers and peft)."""
import json, struct, sys

import torch
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

base_dir, ad_dir = sys.argv[1], sys.argv[2]
base = AutoModelForCausalLM.from_pretrained(base_dir, torch_dtype=torch.float32)
model = PeftModel.from_pretrained(base, ad_dir)
cfg = json.load(open(ad_dir + "/adapter_config.json"))
pc = model.peft_config["default"]
ok = True
if pc.r != cfg["r"] or pc.lora_alpha != cfg["lora_alpha"] or set(pc.target_modules) != set(cfg["target_modules"]):
    print("FAIL config", pc)
    ok = False
want = load_file(ad_dir + "/adapter_model.safetensors")
state = model.state_dict()
n = 0
for k, v in want.items():
    # PEFT inserts the adapter name: ...q_proj.lora_A.weight -> ...q_proj.lora_A.default.weight
    mk = k.replace(".lora_A.weight", ".lora_A.default.weight").replace(".lora_B.weight", ".lora_B.default.weight")
    if mk not in state:
        print("FAIL missing in model:", mk)
        ok = False
        continue
    if not torch.equal(state[mk], v):
        print("FAIL differs:", k)
        ok = False
    n += 1
nl = sum(1 for k in state if ".lora_" in k)
if nl != len(want):
    print("FAIL model has %d LoRA tensors, file %d" % (nl, len(want)))
    ok = False
print("checked %d adapter tensors" % n)
if len(sys.argv) > 3:
    # token-weighted mean loss over every example of the stream (lora-train's val_loss)
    data = open(sys.argv[3], "rb").read()
    width = data[10]
    off, tot, cnt_all = 32, 0.0, 0
    model.eval()
    while off < len(data):
        if data[off:off + 8] == data[:8]:
            off += 32
            continue
        cnt, resp = struct.unpack_from("<II", data, off)
        off += 8
        ids = list(struct.unpack_from("<%d%s" % (cnt, "H" if width == 2 else "I"), data, off))
        off += cnt * width
        x = torch.tensor([ids])
        labels = x.clone()
        labels[0, :resp] = -100
        c = int((labels[0, 1:] != -100).sum())
        if c == 0:
            continue
        with torch.no_grad():
            tot += model(input_ids=x, labels=labels).loss.item() * c
        cnt_all += c
    print("val_loss with the adapter (PEFT): %.6f over %d tokens" % (tot / cnt_all, cnt_all))
print("OK" if ok else "FAILED")
sys.exit(0 if ok else 1)
