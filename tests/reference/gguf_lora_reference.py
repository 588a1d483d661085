#!/usr/bin/env python3
"""gguf_lora_reference.py - PEFT LoRA adapters for tiny GGUF llamas and the
logits PEFT itself gives with them, for tests/unit/test_gguf_lora.c.

    VENV/bin/python tests/reference/gguf_lora_reference.py [OUTDIR]
        (default tests/data/gguf; VENV: torch, transformers, peft, gguf and
        numpy, see tests/reference/README.md "LoRA on GGUF bases")

For each of tiny-q8_0.gguf, tiny-q4_k.gguf (quantized blocks: the adapter is
applied apart from them) and tiny-f16.gguf (16-bit: it may be merged), in
OUTDIR:
1. every tensor dequantized by the gguf package (gguf.quants.dequantize),
   the rows of attn_q / attn_k put back in the Hugging Face order (llama.cpp's
   converter interleaves each head's two rotary halves: rows (h, j, i) of the
   file are rows (h, i, j) of the Hugging Face weight, j < head_dim / 2,
   i < 2), and loaded into a transformers LlamaForCausalLM of the file's
   hyperparameters (the llama.* keys), in float64;
2. that model checked against the exact float64 logits of
   tiny-types-logits.jsonl (computed from the same tensors in the GGUF layout
   by gguf_logits_reference.ExactLlama), so the conversion is the file's model;
3. a PEFT LoraConfig(r=4, lora_alpha=8, target_modules q_proj, v_proj,
   down_proj, lora_dropout 0) put on it with get_peft_model, its lora_A and
   lora_B set to seeded normal values (PEFT starts B at zero), saved with
   save_pretrained (float32) into OUTDIR/lora-TYPE/ (adapter_config.json,
   adapter_model.safetensors: PEFT's own key names);
4. the PeftModel's last-position logits (float64, the adapter kept apart as
   PEFT's LoraLayer computes it: y = W x + scale * B (A x), scale = alpha / r)
   for three token sequences, and the base model's for the same sequences,
   written to OUTDIR/lora-logits.jsonl, one line per file and sequence:
       file, type, adapter (folder name), prompt (ids), n_vocab,
       logits (with the adapter), base (without), delta_max (max |logits - base|),
       merged_maxdiff (PEFT's merge_and_unload against the unmerged logits)
   floats as float32 with 9 significant digits.
"""
import json
import os
import sys

import numpy as np
import torch
import gguf
from gguf.quants import dequantize
from transformers import LlamaConfig, LlamaForCausalLM
from peft import LoraConfig, get_peft_model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = [("tiny-q8_0.gguf", "Q8_0", "lora-q8_0"), ("tiny-q4_k.gguf", "Q4_K", "lora-q4_k"),
         ("tiny-f16.gguf", "F16", "lora-f16")]
TARGETS = ["q_proj", "v_proj", "down_proj"]
R, ALPHA = 4, 8
# the adapter's values: normal(0, A_STD) and normal(0, B_STD); large enough
# that the adapter moves the logits by far more than the C side's tolerance
A_STD, B_STD = 0.5, 0.02
PROMPT_LENGTHS = [5, 19, 48]
PROJ = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
        "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}


def f9(x):
    return float("%.9g" % float(np.float32(x)))


def field(r, key):
    f = r.fields[key]
    return f.contents()


def unpermute(w, n_head):
    """Rows of a converter-permuted attn_q/attn_k back in the Hugging Face order."""
    rows, cols = w.shape
    half = rows // n_head // 2
    return w.reshape(n_head, half, 2, cols).swapaxes(1, 2).reshape(rows, cols)


def hf_model(path):
    """The GGUF file as a float64 transformers LlamaForCausalLM."""
    r = gguf.GGUFReader(path)
    n_embd = int(field(r, "llama.embedding_length"))
    n_head = int(field(r, "llama.attention.head_count"))
    n_kv = int(field(r, "llama.attention.head_count_kv"))
    sd = {}
    for t in r.tensors:
        w = dequantize(t.data, t.tensor_type).astype(np.float64)
        w = w.reshape([int(x) for x in reversed(t.shape)]) if w.ndim > 1 or len(t.shape) > 1 else w.reshape(-1)
        name = t.name
        if name == "token_embd.weight":
            key = "model.embed_tokens.weight"
        elif name == "output.weight":
            key = "lm_head.weight"
        elif name == "output_norm.weight":
            key = "model.norm.weight"
        else:
            _, layer, kind, _ = name.split(".")
            if kind == "attn_q":
                w = unpermute(w, n_head)
            elif kind == "attn_k":
                w = unpermute(w, n_kv)
            key = "model.layers.%s.%s.weight" % (layer, PROJ[kind])
        sd[key] = torch.from_numpy(np.ascontiguousarray(w))
    cfg = LlamaConfig(vocab_size=sd["model.embed_tokens.weight"].shape[0], hidden_size=n_embd,
                      intermediate_size=int(field(r, "llama.feed_forward_length")),
                      num_hidden_layers=int(field(r, "llama.block_count")), num_attention_heads=n_head,
                      num_key_value_heads=n_kv, max_position_embeddings=int(field(r, "llama.context_length")),
                      rms_norm_eps=float(field(r, "llama.attention.layer_norm_rms_epsilon")),
                      rope_theta=float(field(r, "llama.rope.freq_base")),
                      tie_word_embeddings="lm_head.weight" not in sd, attention_bias=False, mlp_bias=False)
    model = LlamaForCausalLM(cfg).double().eval()
    missing, unexpected = model.load_state_dict(sd, strict=False)
    tied = lambda k: k == "lm_head.weight" and cfg.tie_word_embeddings      # the embedding's, once tied
    assert not unexpected and all("rotary" in k or tied(k) for k in missing), (missing, unexpected)
    return model, cfg


def last_logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0, -1].double().numpy()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf")
    exact = {}
    with open(os.path.join(ROOT, "tests/data/gguf/tiny-types-logits.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            exact.setdefault(rec["file"], []).append(rec)
    lines = []
    for idx, (fname, tname, aname) in enumerate(FILES):
        model, cfg = hf_model(os.path.join(ROOT, "tests/data/gguf", fname))
        # 2. the conversion is the file's model
        for rec in exact[fname]:
            got = last_logits(model, rec["prompt"])
            ref = np.array(rec["exact"])
            d = np.abs(got - ref).max()
            print("%s: transformers vs ExactLlama, %d ids: max |diff| %.2e (max |logit| %.1f)"
                  % (fname, len(rec["prompt"]), d, np.abs(ref).max()))
            assert d < 1e-4 * np.abs(ref).max(), d
        # 3. the adapter, random, saved in float32
        model = model.float()
        lc = LoraConfig(r=R, lora_alpha=ALPHA, target_modules=TARGETS, lora_dropout=0.0, bias="none",
                        task_type="CAUSAL_LM")
        pm = get_peft_model(model, lc)
        gen = torch.Generator().manual_seed(4200 + idx)
        with torch.no_grad():
            for n, p in pm.named_parameters():
                if "lora_A" in n:
                    p.copy_(torch.randn(p.shape, generator=gen) * A_STD)
                elif "lora_B" in n:
                    p.copy_(torch.randn(p.shape, generator=gen) * B_STD)
        adir = os.path.join(out, aname)
        pm.create_or_update_model_card = lambda *a, **k: None     # no README.md (it would need jinja2)
        pm.save_pretrained(adir)
        cpath = os.path.join(adir, "adapter_config.json")   # PEFT keeps target_modules as a set: sort it
        with open(cpath) as f:
            ac = json.load(f)
        ac["target_modules"] = sorted(ac["target_modules"])
        with open(cpath, "w") as f:
            json.dump(ac, f, indent=2, sort_keys=True)
        # 4. PEFT's logits in float64, with and without the adapter
        pm = pm.double().eval()
        rng = np.random.default_rng(4300 + idx)
        for n in PROMPT_LENGTHS:
            ids = [1] + [int(x) for x in rng.integers(3, cfg.vocab_size, n - 1)]
            lo = last_logits(pm, ids)
            with pm.disable_adapter():
                base = last_logits(pm, ids)
            lines.append(dict(file=fname, type=tname, adapter=aname, prompt=ids, n_vocab=cfg.vocab_size,
                              logits=[f9(x) for x in lo], base=[f9(x) for x in base],
                              delta_max=f9(np.abs(lo - base).max())))
            print("%s + %s, %d ids: max |adapted - base| %.3f, max |logit| %.1f"
                  % (fname, aname, n, np.abs(lo - base).max(), np.abs(lo).max()))
        # PEFT's merged weights give the same numbers (a check of the fixture)
        merged = pm.merge_and_unload()
        rng = np.random.default_rng(4300 + idx)
        for i, n in enumerate(PROMPT_LENGTHS):
            ids = [1] + [int(x) for x in rng.integers(3, cfg.vocab_size, n - 1)]
            rec = lines[len(lines) - len(PROMPT_LENGTHS) + i]
            d = float(np.abs(last_logits(merged, ids) - np.array(rec["logits"])).max())
            rec["merged_maxdiff"] = float("%.3g" % d)
            assert d < 1e-4 * np.abs(np.array(rec["logits"])).max(), d
    with open(os.path.join(out, "lora-logits.jsonl"), "w") as f:
        for rec in lines:
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    print("wrote %d lines to %s" % (len(lines), os.path.join(out, "lora-logits.jsonl")))


if __name__ == "__main__":
    main()
