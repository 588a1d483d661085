#!/usr/bin/python3
"""train_ref.py - the PyTorch side of bench/train.sh: the same training work as
lora-train in plain torch float32 ops (LLaMA as Hugging Face's LlamaForCausalLM
computes it, like tests/reference/train_reference.py; LoRA as PEFT's
y = W x + alpha/r B A dropout(x)), timed.

    train_ref.py filter IN.tok OUT.tok T      the first T tokens of the records of T or more
    train_ref.py train MODEL_DIR STREAM --micro M --accum K --steps S --threads N
                 [--full | --lora-r R --lora-alpha A --lora-dropout P]

train: S optimizer steps, each K micro-batches of M sequences (gradient
accumulation), clip_grad_norm_ 1.0, torch.optim.AdamW (lr 3e-4, no decay);
prints one line "tokens_per_s=X loss_first=Y loss_last=Z peak_rss_mb=W
params=P trained=Q" where tokens/s excludes the first step (warm-up).
"""
import json
import math
import resource
import struct
import sys
import time

import torch

MAGIC = bytes([0x47, 0x54, 0x4F, 0x8B, 0x0D, 0x0A, 0x1A, 0x0A])


def read_stream(path):
    data = open(path, "rb").read()
    recs, i, width, header = [], 0, 2, None
    while i < len(data):
        if data[i:i + 8] == MAGIC:
            header = data[i:i + 32]
            width = data[i + 10]
            i += 32
            continue
        n, r = struct.unpack_from("<II", data, i)
        i += 8
        fmt = "<%d%s" % (n, "H" if width == 2 else "I")
        recs.append(list(struct.unpack_from(fmt, data, i)))
        i += n * width
    return header, recs


def write_stream(path, header, recs):
    width = header[10]
    with open(path, "wb") as f:
        f.write(header)
        for ids in recs:
            f.write(struct.pack("<II", len(ids), 0))
            f.write(struct.pack("<%d%s" % (len(ids), "H" if width == 2 else "I"), *ids))


def st_read(path):
    raw = open(path, "rb").read()
    n = struct.unpack_from("<Q", raw, 0)[0]
    h = json.loads(raw[8:8 + n])
    out = {}
    for k, v in h.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", k
        a, b = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(v["shape"])
    return out


def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def main():
    if sys.argv[1] == "filter":
        header, recs = read_stream(sys.argv[2])
        T = int(sys.argv[4])
        keep = [r[:T] for r in recs if len(r) >= T]
        write_stream(sys.argv[3], header, keep)
        print("%d of %d records have %d tokens or more" % (len(keep), len(recs), T), file=sys.stderr)
        return
    args = sys.argv[2:]
    mdir, stream = args[0], args[1]
    opt = dict(micro=4, accum=1, steps=4, threads=1, full=False, r=8, alpha=16.0, dropout=0.05)
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--full":
            opt["full"] = True
            i += 1
            continue
        key = {"--micro": "micro", "--accum": "accum", "--steps": "steps", "--threads": "threads",
               "--lora-r": "r", "--lora-alpha": "alpha", "--lora-dropout": "dropout"}[a]
        opt[key] = type(opt[key])(args[i + 1])
        i += 2
    torch.set_num_threads(opt["threads"])
    torch.manual_seed(0)
    cfg = json.load(open(mdir + "/config.json"))
    D, H = cfg["hidden_size"], cfg["num_attention_heads"]
    KV = cfg.get("num_key_value_heads", H)
    hd = D // H
    eps = cfg["rms_norm_eps"]
    W = st_read(mdir + "/model.safetensors")
    nparams = sum(w.numel() for w in W.values())
    lins = ["q_proj", "v_proj"]
    lora = {}
    scale = opt["alpha"] / opt["r"]
    if opt["full"]:
        for w in W.values():
            w.requires_grad_(True)
        params = list(W.values())
    else:
        for l in range(cfg["num_hidden_layers"]):
            for name in lins:
                w = W["model.layers.%d.self_attn.%s.weight" % (l, name)]
                A = torch.empty(opt["r"], w.shape[1]).uniform_(-1 / math.sqrt(w.shape[1]), 1 / math.sqrt(w.shape[1]))
                lora[(l, name)] = (A.requires_grad_(True), torch.zeros(w.shape[0], opt["r"], requires_grad=True))
        params = [p for ab in lora.values() for p in ab]
    trained = sum(p.numel() for p in params)
    _, recs = read_stream(stream)
    M, K = opt["micro"], opt["accum"]
    inv_freq = 1.0 / (cfg.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))

    def lin(l, group, name, h):
        y = h @ W["model.layers.%d.%s.%s.weight" % (l, group, name)].T
        if (l, name) in lora:
            A, Bm = lora[(l, name)]
            hd_ = torch.nn.functional.dropout(h, opt["dropout"], True) if opt["dropout"] > 0 else h
            y = y + scale * ((hd_ @ A.T) @ Bm.T)
        return y

    def loss_fn(tokens):
        B, T = tokens.shape
        freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().float(), emb.sin().float()
        causal = torch.full((T, T), float("-inf")).triu(1)
        x = W["model.embed_tokens.weight"][tokens]
        for l in range(cfg["num_hidden_layers"]):
            p = "model.layers.%d." % l
            h = rmsnorm(x, W[p + "input_layernorm.weight"], eps)
            q = lin(l, "self_attn", "q_proj", h).view(B, T, H, hd).transpose(1, 2)
            k = lin(l, "self_attn", "k_proj", h).view(B, T, KV, hd).transpose(1, 2)
            v = lin(l, "self_attn", "v_proj", h).view(B, T, KV, hd).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if KV != H:
                k = k.repeat_interleave(H // KV, dim=1)
                v = v.repeat_interleave(H // KV, dim=1)
            a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(hd) + causal, dim=-1) @ v
            x = x + lin(l, "self_attn", "o_proj", a.transpose(1, 2).reshape(B, T, H * hd))
            h = rmsnorm(x, W[p + "post_attention_layernorm.weight"], eps)
            x = x + lin(l, "mlp", "down_proj", torch.nn.functional.silu(lin(l, "mlp", "gate_proj", h)) *
                        lin(l, "mlp", "up_proj", h))
        x = rmsnorm(x, W["model.norm.weight"], eps)
        head = W.get("lm_head.weight", W["model.embed_tokens.weight"])
        logits = x @ head.T
        return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]),
                                                 tokens[:, 1:].reshape(-1))

    optim = torch.optim.AdamW(params, lr=3e-4, weight_decay=0.0)
    losses, t1, ntok, b = [], None, 0, 0
    for step in range(opt["steps"]):
        optim.zero_grad()
        lsum = 0.0
        for _ in range(K):
            batch = [recs[(b * M + j) % len(recs)] for j in range(M)]
            b += 1
            tokens = torch.tensor(batch, dtype=torch.long)
            loss = loss_fn(tokens) / K
            loss.backward()
            lsum += loss.item()
            if step > 0:
                ntok += tokens.numel()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        losses.append(lsum)
        if step == 0:
            t1 = time.time()
    el = time.time() - t1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("tokens_per_s=%.1f loss_first=%.4f loss_last=%.4f peak_rss_mb=%.0f params=%d trained=%d" %
          (ntok / el if el > 0 else 0, losses[0], losses[-1], rss, nparams, trained))


if __name__ == "__main__":
    main()
