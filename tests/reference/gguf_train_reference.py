#!/usr/bin/env python3
"""gguf_train_reference.py - fixtures for LoRA training on quantized GGUF bases
(tests/unit/test_gguf_train.c): PyTorch autograd, in float64, on the weights
that llama.cpp's own Python package (gguf.quants.dequantize) makes of each
tests/data/gguf/tiny-TYPE.gguf (every type lora-train trains over: F16,
BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, and the Q4_K_M, Q5_K_M, Q6_K mixes of
Q4_K, Q5_K, Q6_K), with the rows of attn_q/attn_k put back in the Hugging
Face order. The loss is train_reference.py's loss_fn (an independent
transcription of Hugging Face's LlamaForCausalLM loss), the batch its
TOKENS and MASK, the optimizer its train3 (AdamW, clipping, linear warmup).

    python3 -m venv VENV && VENV/bin/pip install gguf numpy torch
    VENV/bin/python tests/reference/gguf_train_reference.py [OUTDIR]
        (default tests/data/gguf)

LoRA: rank R = 2, alpha 4 (scale 2), all seven projections, dropout 0. A and
B start from a formula both sides compute, in float32, exactly (so that no
initial values need storing): for the adapter of layer 0's projection P (0..6
in the order q k v o gate up down), element e of A [R][in] and B [out][R]:
    A[e] = ((e * 37 + P * 11) % 101 - 50) / 50 / sqrt(in)   (float32 of it)
    B[e] = ((e * 53 + P * 7) % 89 - 44) / 440
Writes OUTDIR/train-TYPE.safetensors (F32): loss [1], loss3 [3] (the loss
before each of 3 AdamW steps), grad.PNAME and after3.PNAME for every adapter
tensor (PNAME as PEFT names them).
"""
import math
import os
import sys

import numpy as np
import torch
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from train_reference import LINS, TOKENS, MASK, HP, loss_fn, train3, pname  # noqa: E402
from llama_reference import st_bytes  # noqa: E402

TYPES = ["f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q4_k", "q5_k", "q6_k"]
R, ALPHA = 2, 4.0
GG = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
      "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
      "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}


def field(rd, key):
    f = rd.fields[key]
    v = f.parts[f.data[0]]
    return v.tolist()[0] if hasattr(v, "tolist") else v


def unpermute(w, n_head):
    """file row h*hd + 2*j + i is Hugging Face row h*hd + i*hd/2 + j"""
    rows, cols = w.shape
    hd = rows // n_head
    return w.reshape(n_head, hd // 2, 2, cols).swapaxes(1, 2).reshape(rows, cols)


def load(path):
    rd = gguf.GGUFReader(path)
    n_head = field(rd, "llama.attention.head_count")
    cfg = {"hidden_size": field(rd, "llama.embedding_length"), "intermediate_size": field(rd, "llama.feed_forward_length"),
           "num_attention_heads": n_head, "num_key_value_heads": field(rd, "llama.attention.head_count_kv"),
           "num_hidden_layers": field(rd, "llama.block_count"),
           "rms_norm_eps": field(rd, "llama.attention.layer_norm_rms_epsilon"),
           "rope_theta": field(rd, "llama.rope.freq_base") if "llama.rope.freq_base" in rd.fields else 10000.0,
           "tie_word_embeddings": not any(t.name == "output.weight" for t in rd.tensors)}
    W, types = {}, set()
    for t in rd.tensors:
        a = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64)
        a = a.reshape([int(x) for x in reversed(t.shape)]) if a.ndim == 1 and len(t.shape) > 1 else a
        types.add(t.tensor_type.name)
        parts = t.name.split(".")
        if t.name == "token_embd.weight":
            name = "model.embed_tokens.weight"
        elif t.name == "output.weight":
            name = "lm_head.weight"
        elif t.name == "output_norm.weight":
            name = "model.norm.weight"
        else:
            name = "model.layers.%s.%s.weight" % (parts[1], GG[parts[2]])
            if parts[2] == "attn_q":
                a = unpermute(a, n_head)
            elif parts[2] == "attn_k":
                a = unpermute(a, cfg["num_key_value_heads"])
        W[name] = torch.from_numpy(np.ascontiguousarray(a))
    cfg["vocab_size"] = W["model.embed_tokens.weight"].shape[0]
    return cfg, W, sorted(types)


def init_ab(p, rows, cols, kind):
    e = np.arange(rows * cols, dtype=np.int64)
    if kind == "A":
        v = ((e * 37 + p * 11) % 101 - 50).astype(np.float32) / np.float32(50) / np.float32(math.sqrt(cols))
    else:
        v = ((e * 53 + p * 7) % 89 - 44).astype(np.float32) / np.float32(440)
    return torch.from_numpy(v.reshape(rows, cols).astype(np.float64))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "data", "gguf")
    tokens, mask = torch.tensor(TOKENS), torch.tensor(MASK)
    for ty in TYPES:
        cfg, W, types = load(os.path.join(outdir, "tiny-%s.gguf" % ty))
        D, F = cfg["hidden_size"], cfg["intermediate_size"]
        hd = D // cfg["num_attention_heads"]
        kvd = hd * cfg["num_key_value_heads"]
        dims = {"q_proj": (D, D), "k_proj": (kvd, D), "v_proj": (kvd, D), "o_proj": (D, D),
                "gate_proj": (F, D), "up_proj": (F, D), "down_proj": (D, F)}
        init = {}
        for l in range(cfg["num_hidden_layers"]):
            for p, n in enumerate(LINS):
                o, i = dims[n]
                init[(l, n)] = (init_ab(p, R, i, "A"), init_ab(p, o, R, "B"))
        scale = ALPHA / R

        def fresh():
            return {k: (A.clone().requires_grad_(True), B.clone().requires_grad_(True)) for k, (A, B) in init.items()}
        lora = fresh()
        loss = loss_fn(cfg, W, lora, scale, tokens, mask)
        loss.backward()
        out = {"loss": torch.tensor([loss.item()])}
        for (l, n), (A, B) in lora.items():
            out["grad." + pname(l, n, "A")] = A.grad.float()
            out["grad." + pname(l, n, "B")] = B.grad.float()
        lora = fresh()
        ps = [t for ab in lora.values() for t in ab]
        losses, norms = train3(ps, [{"params": ps}], lambda: loss_fn(cfg, W, lora, scale, tokens, mask))
        out["loss3"] = torch.tensor(losses)
        for (l, n), (A, B) in lora.items():
            out["after3." + pname(l, n, "A")] = A.detach().float()
            out["after3." + pname(l, n, "B")] = B.detach().float()
        path = os.path.join(outdir, "train-%s.safetensors" % ty)
        with open(path, "wb") as f:
            f.write(st_bytes(out))
        print("%s: types %s, loss %.6f, grad norms %s, %d bytes" % (ty, ",".join(types), loss.item(),
              ["%.3f" % x for x in norms], os.path.getsize(path)))


if __name__ == "__main__":
    main()
