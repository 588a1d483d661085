#!/usr/bin/python3
"""train_reference.py - fixtures for the training code (lib/train/train.c, lib/train/adamw.c):
tiny random LLaMA models and, computed with PyTorch autograd in float64 by an
independent implementation of Hugging Face's LlamaForCausalLM loss, the values
tests/unit/test_backward.c compares with:

  * the loss of a fixed batch (3 sequences of 10 tokens, right-padded) with
    labels only on the response tokens (HF labels = -100 elsewhere, shifted:
    row t predicts token t + 1; mean over the counted rows);
  * the gradient of every weight (full fine-tuning);
  * the weights after 3 AdamW steps (torch.optim.AdamW, no decay on the
    RMSNorm weights as HF Trainer, clip_grad_norm_ 1.0, transformers'
    get_linear_schedule_with_warmup as a LambdaLR);
  * the same with LoRA adapters (PEFT's formula y = W x + alpha/r B A x,
    dropout 0) whose A and B both start random and non-zero, so that the
    gradients of both are non-trivial: the loss, the A/B gradients, and A/B
    after 3 AdamW steps.

Runs with Debian's python3-torch; the .safetensors files are written with
struct + json (llama_reference.py's writer).

    /usr/bin/python3 tests/reference/train_reference.py [OUTDIR]    (default tests/data)

Each tests/data/train-*/ holds config.json, model.safetensors and
expected.safetensors (all F32) with the tensors
    tokens [B][T], mask [B][T]                  (ids and 0/1 as floats)
    hparams [9]     lr, beta1, beta2, eps, weight_decay, warmup, total, max_grad_norm, lora_scale
    lora_targets [7]  1/0 for q,k,v,o,gate,up,down;  lora_r [1]
    loss [1], grad.NAME, full.after3.NAME          (NAME: the HF weight names)
    lora.loss [1], lora.init.PNAME, lora.grad.PNAME, lora.after3.PNAME
                                                   (PNAME: PEFT names, base_model.model.model.layers.L...lora_A.weight)
    full.loss3 [3], lora.loss3 [3]                 (the loss before each of the 3 steps)
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import st_bytes, st_read, rope_inv_freq, rmsnorm, rotate_half, random_weights, base_config  # noqa: E402

LINS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

TOKENS = [
    [1, 17, 5, 60, 33, 2, 44, 9, 12, 2],
    [1, 8, 8, 31, 50, 7, 21, 2, 0, 0],      # two padding tokens at the end
    [1, 63, 40, 3, 3, 19, 27, 56, 11, 2],
]
MASK = [
    [0, 0, 0, 0, 1, 1, 1, 1, 1, 1],         # response from token 4
    [0, 0, 0, 0, 0, 0, 1, 1, 0, 0],         # response 6..7, then padding
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],         # train on inputs too
]


# eps is large on purpose: with torch's 1e-8, Adam's update g / (|g| + eps)
# ignores the gradients' scale, so the clipping would go untested, and
# gradients that cancel to ~1e-9 would turn float32 rounding into a full
# +-lr step. With 1e-3 (the clipped gradients are ~1e-3) both are avoided.
def f32(x):
    """x rounded to float32 (the C side reads the hyperparameters as float32)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


HP = dict(lr=f32(2e-2), beta1=f32(0.9), beta2=f32(0.95), eps=f32(1e-3), weight_decay=f32(0.1),
          warmup=1, total=4, max_grad_norm=1.0)

VARIANTS = [
    # name, config overrides, file dtype, LoRA r, alpha, targets
    ("train-gqa", {"vocab_size": 64, "hidden_size": 32, "intermediate_size": 40, "num_attention_heads": 4,
                   "num_key_value_heads": 2, "max_position_embeddings": 32}, torch.float32, 4, 12.0, LINS),
    ("train-tied-mqa-bf16", {"vocab_size": 64, "hidden_size": 32, "intermediate_size": 40, "num_attention_heads": 4,
                             "num_key_value_heads": 1, "tie_word_embeddings": True, "rms_norm_eps": 1e-6,
                             "max_position_embeddings": 32, "torch_dtype": "bfloat16"},
     torch.bfloat16, 8, 16.0, ["q_proj", "v_proj"]),
]


def linear_schedule(warmup, total):
    """transformers.get_linear_schedule_with_warmup's lr_lambda"""
    def f(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))
    return f


def loss_fn(cfg, W, lora, scale, tokens, mask):
    """HF causal-LM loss; W: weights (float64 tensors), lora: {(layer, lin): (A, B)}."""
    D, H, KV = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = D // H
    eps = cfg["rms_norm_eps"]
    B, T = tokens.shape
    x = W["model.embed_tokens.weight"][tokens]                      # [B][T][D]
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), rope_inv_freq(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    causal = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)

    def lin(l, name, h):
        p = "model.layers.%d.%s.%s.weight" % (l, "self_attn" if name in LINS[:4] else "mlp", name)
        y = h @ W[p].T
        if (l, name) in lora:
            A, Bm = lora[(l, name)]
            y = y + scale * ((h @ A.T) @ Bm.T)
        return y

    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        h = rmsnorm(x, W[p + "input_layernorm.weight"], eps)
        q = lin(l, "q_proj", h).view(B, T, H, hd).transpose(1, 2)
        k = lin(l, "k_proj", h).view(B, T, KV, hd).transpose(1, 2)
        v = lin(l, "v_proj", h).view(B, T, KV, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(hd) + causal, dim=-1) @ v
        x = x + lin(l, "o_proj", a.transpose(1, 2).reshape(B, T, H * hd))
        h = rmsnorm(x, W[p + "post_attention_layernorm.weight"], eps)
        x = x + lin(l, "down_proj", torch.nn.functional.silu(lin(l, "gate_proj", h)) * lin(l, "up_proj", h))
    x = rmsnorm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    logits = x @ head.T
    labels = torch.where(mask.bool(), tokens, torch.full_like(tokens, -100))
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                                             ignore_index=-100)


def train3(params, groups, closure):
    """3 steps of AdamW + clipping + linear warmup schedule, as HF Trainer does them."""
    opt = torch.optim.AdamW(groups, lr=HP["lr"], betas=(HP["beta1"], HP["beta2"]), eps=HP["eps"],
                            weight_decay=HP["weight_decay"], foreach=False)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, linear_schedule(HP["warmup"], HP["total"]))
    losses, norms = [], []
    for _ in range(3):
        opt.zero_grad()
        loss = closure()
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(params, HP["max_grad_norm"]).item())
        opt.step()
        sched.step()
        losses.append(loss.item())
    return losses, norms


def pname(l, name, ab):
    return "base_model.model.model.layers.%d.%s.%s.lora_%s.weight" % (
        l, "self_attn" if name in LINS[:4] else "mlp", name, ab)


def write_fixture(outdir, name, over, dtype, r, alpha, targets, seed):
    cfg = base_config(**over)
    gen = torch.Generator().manual_seed(seed)
    W0 = random_weights(cfg, gen, dtype)
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(st_bytes(W0))
    back = st_read(os.path.join(d, "model.safetensors"))
    assert all(torch.equal(back[n], W0[n]) for n in W0)

    tokens = torch.tensor(TOKENS)
    mask = torch.tensor(MASK)
    assert tokens.max().item() < cfg["vocab_size"]
    scale = alpha / r
    out = {"tokens": tokens.float(), "mask": mask.float(),
           "hparams": torch.tensor([HP["lr"], HP["beta1"], HP["beta2"], HP["eps"], HP["weight_decay"], HP["warmup"],
                                    HP["total"], HP["max_grad_norm"], scale], dtype=torch.float32),
           "lora_targets": torch.tensor([1.0 if n in targets else 0.0 for n in LINS]),
           "lora_r": torch.tensor([float(r)])}

    # full fine-tuning: loss and gradients, then 3 steps
    W = {k: v.to(torch.float64).clone().requires_grad_(True) for k, v in W0.items()}
    loss = loss_fn(cfg, W, {}, scale, tokens, mask)
    loss.backward()
    out["loss"] = torch.tensor([loss.item()])
    for k, v in W.items():
        out["grad." + k] = v.grad.float()
    W = {k: v.to(torch.float64).clone().requires_grad_(True) for k, v in W0.items()}
    nodecay = [v for k, v in W.items() if k.endswith("norm.weight")]
    decay = [v for k, v in W.items() if not k.endswith("norm.weight")]
    losses, norms = train3(list(W.values()), [{"params": decay}, {"params": nodecay, "weight_decay": 0.0}],
                           lambda: loss_fn(cfg, W, {}, scale, tokens, mask))
    out["full.loss3"] = torch.tensor(losses)
    for k, v in W.items():
        out["full.after3." + k] = v.detach().float()
    print("%s: full: loss %.6f, grad norms %s" % (name, out["loss"].item(), ["%.3f" % n for n in norms]))

    # LoRA: A and B random, non-zero (B is zeros at PEFT's init; here it must not be)
    Wf = {k: v.to(torch.float64) for k, v in W0.items()}
    D, I = cfg["hidden_size"], cfg["intermediate_size"]
    qd, kvd = D, D // cfg["num_attention_heads"] * cfg["num_key_value_heads"]
    dims = {"q_proj": (qd, D), "k_proj": (kvd, D), "v_proj": (kvd, D), "o_proj": (D, qd),
            "gate_proj": (I, D), "up_proj": (I, D), "down_proj": (D, I)}
    init = {}
    for l in range(cfg["num_hidden_layers"]):
        for n in targets:
            o, i = dims[n]
            A = (torch.rand(r, i, generator=gen, dtype=torch.float64) * 2 - 1) / math.sqrt(i)
            Bm = torch.randn(o, r, generator=gen, dtype=torch.float64) * 0.1
            init[(l, n)] = (A.float().double(), Bm.float().double())   # exactly representable in float32
    for (l, n), (A, Bm) in init.items():
        out["lora.init." + pname(l, n, "A")] = A.float()
        out["lora.init." + pname(l, n, "B")] = Bm.float()

    def fresh():
        return {key: (A.clone().requires_grad_(True), Bm.clone().requires_grad_(True)) for key, (A, Bm) in init.items()}
    lora = fresh()
    loss = loss_fn(cfg, Wf, lora, scale, tokens, mask)
    loss.backward()
    out["lora.loss"] = torch.tensor([loss.item()])
    for (l, n), (A, Bm) in lora.items():
        out["lora.grad." + pname(l, n, "A")] = A.grad.float()
        out["lora.grad." + pname(l, n, "B")] = Bm.grad.float()
    lora = fresh()
    ps = [t for ab in lora.values() for t in ab]
    losses, norms = train3(ps, [{"params": ps}], lambda: loss_fn(cfg, Wf, lora, scale, tokens, mask))
    out["lora.loss3"] = torch.tensor(losses)
    for (l, n), (A, Bm) in lora.items():
        out["lora.after3." + pname(l, n, "A")] = A.detach().float()
        out["lora.after3." + pname(l, n, "B")] = Bm.detach().float()
    print("%s: lora: loss %.6f, grad norms %s" % (name, out["lora.loss"].item(), ["%.3f" % n for n in norms]))

    with open(os.path.join(d, "expected.safetensors"), "wb") as f:
        f.write(st_bytes(out))
    size = sum(os.path.getsize(os.path.join(d, fn)) for fn in os.listdir(d))
    print("%s: %d bytes" % (d, size))


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    torch.manual_seed(0)
    for i, (name, over, dtype, r, alpha, targets) in enumerate(VARIANTS):
        write_fixture(outdir, name, over, dtype, r, alpha, targets, 4321 + i)


if __name__ == "__main__":
    main()
