#!/usr/bin/python3
"""forward_ref.py - the PyTorch side of bench/forward.sh.

    forward_ref.py write DIR [--dtype f32|bf16]     a random ~28M-parameter LLaMA (HF layout)
    forward_ref.py time DIR PROMPT DECODE RUNS THREADS [--hf]

`time` runs the same work as bench/forward_bench.c in PyTorch float32: the
prompt in one batched pass, then DECODE tokens one at a time with a
preallocated KV cache, in plain torch ops (F.linear, matmul, softmax) under
torch.inference_mode(); with --hf, transformers' LlamaForCausalLM with its
own cache instead (when transformers can be imported). 16-bit weights are
widened to float32 for PyTorch (its fastest CPU path).
Prints: "torch prefill_tok_s=N decode_tok_s=N peak_rss_mb=N".
"""
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
import llama_reference as ref  # noqa: E402

BENCH_CFG = dict(vocab_size=32000, hidden_size=512, intermediate_size=1376, num_hidden_layers=4,
                 num_attention_heads=8, num_key_value_heads=4, max_position_embeddings=2048,
                 tie_word_embeddings=True, rms_norm_eps=1e-5)


def write(d, dtype):
    cfg = ref.base_config(**BENCH_CFG)
    dt = torch.bfloat16 if dtype == "bf16" else torch.float32
    cfg["torch_dtype"] = "bfloat16" if dtype == "bf16" else "float32"
    W = ref.random_weights(cfg, torch.Generator().manual_seed(7), dt)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(d, "model.safetensors"), "wb") as f:
        f.write(ref.st_bytes(W))
    n = sum(t.numel() for t in W.values())
    print("wrote %s: %.1fM parameters, %s" % (d, n / 1e6, dtype))


class TorchLlama:
    """HF LLaMA forward in float32 torch ops with a preallocated KV cache."""

    def __init__(self, cfg, W, max_seq):
        self.c = cfg
        self.W = {k: v.to(torch.float32) for k, v in W.items()}
        if cfg.get("tie_word_embeddings"):
            self.W["lm_head.weight"] = self.W["model.embed_tokens.weight"]
        self.H, self.KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.hd = cfg["hidden_size"] // self.H
        L = cfg["num_hidden_layers"]
        self.kc = torch.zeros(L, self.KV, max_seq, self.hd)
        self.vc = torch.zeros(L, self.KV, max_seq, self.hd)
        inv = ref.rope_inv_freq(cfg).to(torch.float32)
        fr = torch.outer(torch.arange(max_seq, dtype=torch.float32), inv)
        emb = torch.cat((fr, fr), dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()

    def rms(self, x, w):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.c["rms_norm_eps"]))

    def forward(self, tokens, pos):
        W, H, KV, hd = self.W, self.H, self.KV, self.hd
        T = len(tokens)
        x = W["model.embed_tokens.weight"][torch.tensor(tokens)]
        cos, sin = self.cos[pos:pos + T], self.sin[pos:pos + T]
        mask = None
        if T > 1:
            mask = torch.full((T, pos + T), float("-inf")).triu(pos + 1)
        for l in range(self.c["num_hidden_layers"]):
            p = "model.layers.%d." % l
            h = self.rms(x, W[p + "input_layernorm.weight"])
            q = F.linear(h, W[p + "self_attn.q_proj.weight"]).view(T, H, hd).transpose(0, 1)
            k = F.linear(h, W[p + "self_attn.k_proj.weight"]).view(T, KV, hd).transpose(0, 1)
            v = F.linear(h, W[p + "self_attn.v_proj.weight"]).view(T, KV, hd).transpose(0, 1)
            q = q * cos + ref.rotate_half(q) * sin
            k = k * cos + ref.rotate_half(k) * sin
            self.kc[l, :, pos:pos + T] = k
            self.vc[l, :, pos:pos + T] = v
            kk = self.kc[l, :, :pos + T].repeat_interleave(H // KV, dim=0)
            vv = self.vc[l, :, :pos + T].repeat_interleave(H // KV, dim=0)
            s = q @ kk.transpose(1, 2) / math.sqrt(hd)
            if mask is not None:
                s = s + mask
            a = torch.softmax(s, dim=-1) @ vv
            x = x + F.linear(a.transpose(0, 1).reshape(T, H * hd), W[p + "self_attn.o_proj.weight"])
            h = self.rms(x, W[p + "post_attention_layernorm.weight"])
            x = x + F.linear(F.silu(F.linear(h, W[p + "mlp.gate_proj.weight"])) * F.linear(h, W[p + "mlp.up_proj.weight"]),
                             W[p + "mlp.down_proj.weight"])
        return F.linear(self.rms(x[-1:], W["model.norm.weight"]), W["lm_head.weight"])


def timed(d, np_, nd, runs, threads, hf):
    torch.set_num_threads(threads)
    cfg = json.load(open(os.path.join(d, "config.json")))
    W = ref.st_read(os.path.join(d, "model.safetensors"))
    V = cfg["vocab_size"]
    tok = [(i * 7919 + 13) % V for i in range(np_ + nd)]
    best_p = best_d = float("inf")
    with torch.inference_mode():
        if hf:
            from transformers import LlamaConfig, LlamaForCausalLM
            m = LlamaForCausalLM(LlamaConfig(**{k: v for k, v in cfg.items() if k not in ("architectures", "torch_dtype")}))
            sd = {k: v.to(torch.float32) for k, v in W.items()}
            if cfg.get("tie_word_embeddings"):
                sd["lm_head.weight"] = sd["model.embed_tokens.weight"]
            m.load_state_dict(sd, strict=False)
            m.eval()
            del W, sd
            for _ in range(runs):
                t0 = time.perf_counter()
                out = m(torch.tensor([tok[:np_]]), use_cache=True)
                past = out.past_key_values
                t1 = time.perf_counter()
                for i in range(nd):
                    out = m(torch.tensor([[tok[np_ + i]]]), past_key_values=past, use_cache=True)
                    past = out.past_key_values
                t2 = time.perf_counter()
                best_p, best_d = min(best_p, t1 - t0), min(best_d, t2 - t1)
        else:
            m = TorchLlama(cfg, W, np_ + nd)
            del W
            for _ in range(runs):
                t0 = time.perf_counter()
                m.forward(tok[:np_], 0)
                t1 = time.perf_counter()
                for i in range(nd):
                    m.forward(tok[np_ + i:np_ + i + 1], np_ + i)
                t2 = time.perf_counter()
                best_p, best_d = min(best_p, t1 - t0), min(best_d, t2 - t1)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("%s prefill_tok_s=%.1f decode_tok_s=%.1f peak_rss_mb=%.1f" % ("transformers" if hf else "torch",
          np_ / best_p, nd / best_d if nd else 0.0, rss))


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == "write":
        write(a[1], a[3] if len(a) > 3 and a[2] == "--dtype" else "f32")
    elif len(a) >= 6 and a[0] == "time":
        timed(a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]), "--hf" in a)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main()
