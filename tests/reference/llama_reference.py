#!/usr/bin/python3
"""llama_reference.py - write the tiny random LLaMA fixtures of tests/data/model-*/
and their expected logits, computed by an independent PyTorch implementation of
the Hugging Face LLaMA forward pass (modeling_llama.py: RMSNorm, rotate_half
RoPE with llama3 rope_scaling, GQA by repeat_kv, SwiGLU MLP) in float64.

Runs with Debian's python3-torch (no `safetensors` or `transformers` needed:
the .safetensors files are written here with struct + json). When the
`transformers` package can be imported (for example from a venv made with
--system-site-packages), the script also runs transformers' LlamaForCausalLM
on the same weights and prints how far its logits are from ours.

    /usr/bin/python3 tests/reference/llama_reference.py [OUTDIR]     (default tests/data)

Each fixture directory holds config.json, the weights (model.safetensors, or
two shards and model.safetensors.index.json) and expected.bin:
    int32 magic 0x4c4f4754 ("TGOL"), int32 ntok, int32 nprefill, int32 vocab,
    int32 tokens[ntok], float32 logits[ntok][vocab]   (little-endian)
logits[i] are the logits after tokens[0..i]; the C test prefills the first
nprefill tokens in one call, then decodes the rest one at a time.
"""
import json
import math
import os
import struct
import sys

import torch

DT_NAME = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


# ---------------------------------------------------------------- safetensors

def st_bytes(tensors):
    """tensors: dict name -> torch tensor (F32/F16/BF16). The file as bytes."""
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype in (torch.float16, torch.bfloat16) \
            else t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": DT_NAME[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "pt"}
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)          # keep the data 8-byte aligned, as safetensors does
    return struct.pack("<Q", len(hj)) + hj + b"".join(blobs)


def st_read(path):
    """Read a .safetensors file back (our own reader, for the round-trip check)."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    hdr = json.loads(data[8:8 + n])
    out = {}
    for name, e in hdr.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = bytearray(data[8 + n + b:8 + n + end])
        if e["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        else:
            t = torch.frombuffer(raw, dtype=torch.int16).view(
                torch.bfloat16 if e["dtype"] == "BF16" else torch.float16)
        out[name] = t.reshape(e["shape"]).clone()
    return out


# ---------------------------------------------------------------- the model

def rope_inv_freq(cfg):
    hd = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    base = float(cfg.get("rope_theta", 10000.0))
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    rs = cfg.get("rope_scaling")
    if rs:
        kind = rs.get("rope_type", rs.get("type"))
        if kind == "linear":
            inv = inv / rs["factor"]
        elif kind == "llama3":
            factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
            old = rs["original_max_position_embeddings"]
            lo_wl, hi_wl = old / lo, old / hi
            out = []
            for f in inv.tolist():
                wl = 2 * math.pi / f
                if wl < hi_wl:
                    out.append(f)
                elif wl > lo_wl:
                    out.append(f / factor)
                else:
                    s = (old / wl - lo) / (hi - lo)
                    out.append((1 - s) * f / factor + s * f)
            inv = torch.tensor(out, dtype=torch.float64)
        else:
            raise ValueError("rope_scaling %r" % kind)
    return inv


def rmsnorm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, W, tokens):
    """Logits [T][vocab] (float64) for the whole causal sequence."""
    W = {k: v.to(torch.float64) for k, v in W.items()}
    D, H, KV = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = D // H
    eps = cfg["rms_norm_eps"]
    T = len(tokens)
    x = W["model.embed_tokens.weight"][torch.tensor(tokens)]
    pos = torch.arange(T, dtype=torch.float64)
    freqs = torch.outer(pos, rope_inv_freq(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()                       # [T][hd]
    mask = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        h = rmsnorm(x, W[p + "input_layernorm.weight"], eps)
        q = (h @ W[p + "self_attn.q_proj.weight"].T).view(T, H, hd).transpose(0, 1)
        k = (h @ W[p + "self_attn.k_proj.weight"].T).view(T, KV, hd).transpose(0, 1)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).view(T, KV, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=0)           # head h reads kv head h // (H/KV)
        v = v.repeat_interleave(H // KV, dim=0)
        a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd) + mask, dim=-1) @ v
        x = x + a.transpose(0, 1).reshape(T, H * hd) @ W[p + "self_attn.o_proj.weight"].T
        h = rmsnorm(x, W[p + "post_attention_layernorm.weight"], eps)
        g = h @ W[p + "mlp.gate_proj.weight"].T
        u = h @ W[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ W[p + "mlp.down_proj.weight"].T
    x = rmsnorm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    return x @ head.T


def random_weights(cfg, gen, dtype):
    D, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = D // H

    def lin(o, i):      # scaled so that activations and logits stay O(1)
        return torch.randn(o, i, generator=gen) / math.sqrt(i)

    def norm(n):
        return 1.0 + 0.2 * torch.randn(n, generator=gen)

    W = {"model.embed_tokens.weight": torch.randn(V, D, generator=gen)}
    for l in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % l
        W[p + "input_layernorm.weight"] = norm(D)
        W[p + "self_attn.q_proj.weight"] = lin(H * hd, D) * 2
        W[p + "self_attn.k_proj.weight"] = lin(KV * hd, D) * 2
        W[p + "self_attn.v_proj.weight"] = lin(KV * hd, D)
        W[p + "self_attn.o_proj.weight"] = lin(D, H * hd)
        W[p + "post_attention_layernorm.weight"] = norm(D)
        W[p + "mlp.gate_proj.weight"] = lin(I, D)
        W[p + "mlp.up_proj.weight"] = lin(I, D)
        W[p + "mlp.down_proj.weight"] = lin(D, I)
    W["model.norm.weight"] = norm(D)
    if not cfg.get("tie_word_embeddings"):
        W["lm_head.weight"] = lin(V, D) * 4
    return {k: v.to(dtype) for k, v in W.items()}


def base_config(**kw):
    cfg = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
        "vocab_size": 256, "hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 64,
        "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None, "tie_word_embeddings": False,
        "attention_bias": False, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
    }
    cfg.update(kw)
    return cfg


VARIANTS = [
    # name, config overrides, file dtype, shards
    ("model-gqa-f32", {}, torch.float32, 1),
    ("model-tied-mqa-f32", {"tie_word_embeddings": True, "num_key_value_heads": 1, "rms_norm_eps": 1e-6},
     torch.float32, 1),
    ("model-gqa-bf16", {"num_hidden_layers": 3, "torch_dtype": "bfloat16"}, torch.bfloat16, 1),
    ("model-llama3-f16-sharded", {"tie_word_embeddings": True, "rope_theta": 500000.0, "torch_dtype": "float16",
                                  "max_position_embeddings": 256,
                                  "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                   "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
     torch.float16, 2),
]

TOKENS = [1, 200, 17, 3, 255, 42, 42, 0, 128, 7, 99, 250]
NPREFILL = 8


def write_fixture(outdir, name, over, dtype, shards, seed):
    cfg = base_config(**over)
    gen = torch.Generator().manual_seed(seed)
    W = random_weights(cfg, gen, dtype)
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    for fn in os.listdir(d):
        if fn.endswith(".safetensors") or fn.endswith(".index.json"):
            os.remove(os.path.join(d, fn))
    if shards == 1:
        with open(os.path.join(d, "model.safetensors"), "wb") as f:
            f.write(st_bytes(W))
    else:
        names = sorted(W)
        parts = [names[i::shards] for i in range(shards)]
        wmap, total = {}, 0
        for i, part in enumerate(parts):
            fn = "model-%05d-of-%05d.safetensors" % (i + 1, shards)
            with open(os.path.join(d, fn), "wb") as f:
                f.write(st_bytes({n: W[n] for n in part}))
            for n in part:
                wmap[n] = fn
                total += W[n].numel() * W[n].element_size()
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(wmap.items()))}, f, indent=2)
            f.write("\n")
        # read the shards back to be sure they hold what we computed with
        back = {}
        for i in range(shards):
            back.update(st_read(os.path.join(d, "model-%05d-of-%05d.safetensors" % (i + 1, shards))))
        assert all(torch.equal(back[n], W[n]) for n in W)
    if shards == 1:
        back = st_read(os.path.join(d, "model.safetensors"))
        assert set(back) == set(W) and all(torch.equal(back[n], W[n]) for n in W)
    logits = forward(cfg, W, TOKENS)
    with open(os.path.join(d, "expected.bin"), "wb") as f:
        f.write(struct.pack("<4i", 0x4C4F4754, len(TOKENS), NPREFILL, cfg["vocab_size"]))
        f.write(struct.pack("<%di" % len(TOKENS), *TOKENS))
        f.write(logits.to(torch.float32).numpy().astype("<f4").tobytes())
    size = sum(os.path.getsize(os.path.join(d, fn)) for fn in os.listdir(d))
    print("%s: %d bytes, logits range [%.3f, %.3f]" % (d, size, logits.min().item(), logits.max().item()))
    check_transformers(cfg, W, logits, d)


def rel_err(a, b):
    """max over positions of max |a - b| / max |b| (per row of logits)."""
    return ((a - b).abs().max(dim=-1).values / b.abs().max(dim=-1).values).max().item()


def check_transformers(cfg, W, logits, d):
    try:
        import transformers
        from transformers import LlamaConfig, LlamaForCausalLM
    except ImportError:
        print("  (transformers not importable: cross-check skipped)")
        return
    conf = LlamaConfig(**{k: v for k, v in cfg.items() if k not in ("architectures", "torch_dtype")})
    for dt in (torch.float64, torch.float32):
        m = LlamaForCausalLM(conf).to(dt).eval()
        sd = {k: v.to(dt) for k, v in W.items()}
        if cfg.get("tie_word_embeddings"):
            sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
        missing, unexpected = m.load_state_dict(sd, strict=False)
        assert not unexpected and all("rotary_emb" in k for k in missing), (missing, unexpected)
        with torch.no_grad():
            out = m(torch.tensor([TOKENS])).logits[0].to(torch.float64)
        print("  transformers %s LlamaForCausalLM %s vs this reference: max rel err %.3g"
              % (transformers.__version__, str(dt).replace("torch.", ""), rel_err(out, logits)))
    # the library's own safetensors reader agrees with our writer
    try:
        from safetensors.torch import load_file
    except ImportError:
        return
    files = [fn for fn in os.listdir(d) if fn.endswith(".safetensors")]
    got = {}
    for fn in files:
        got.update(load_file(os.path.join(d, fn)))
    assert set(got) == set(W) and all(torch.equal(got[n], W[n]) for n in W)
    print("  safetensors.torch.load_file reads the same tensors back")


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
    torch.set_grad_enabled(False)
    for i, (name, over, dtype, shards) in enumerate(VARIANTS):
        write_fixture(outdir, name, over, dtype, shards, 1234 + i)


if __name__ == "__main__":
    main()
