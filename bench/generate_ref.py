#!/usr/bin/python3
"""generate_ref.py - the models of bench/generate.sh.

    generate_ref.py write OUTDIR [TOKENIZER_MODEL]

writes a random LLaMA (vocab 32000, hidden 512, 8 layers, 8 heads, 4 KV heads,
intermediate 1376, tied embeddings; bench/forward_ref.py's generator with 8
layers instead of 4) three ways:
  OUTDIR/gen-f32/     Hugging Face layout, float32 safetensors
  OUTDIR/gen-bf16/    the same weights rounded to bfloat16
  OUTDIR/gen-l2c.bin  the float32 weights as a llama2.c legacy (version 0)
                      checkpoint: wq/wk rows permuted back to llama2.c's
                      interleaved RoPE order (as llama2.c's export.py does for
                      Hugging Face models), freq_cis tables included
and copies TOKENIZER_MODEL (sentencepiece, same 32000 vocabulary) into both
folders so that title-gen can load them. Files already written for the same
configuration are kept (OUTDIR/gen.stamp). The PyTorch timing itself is
bench/forward_ref.py's `time` (plain torch ops, float32).
"""
import json
import os
import shutil
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
import forward_ref  # noqa: E402
import llama_reference as ref  # noqa: E402

GEN_CFG = dict(forward_ref.BENCH_CFG, num_hidden_layers=8)


def hf_to_llama2c_rows(w, n_heads):
    """Inverse of the loader's permutation: HF row t*half+i -> llama2.c row 2i+t."""
    rows, cols = w.shape
    hd = rows // n_heads
    return w.view(n_heads, 2, hd // 2, cols).transpose(1, 2).reshape(rows, cols)


def l2c_bytes(cfg, W):
    D, L, V = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["vocab_size"]
    H, KV = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd, seq = D // H, cfg["max_position_embeddings"]
    assert cfg["tie_word_embeddings"]
    out = [struct.pack("<7i", D, cfg["intermediate_size"], L, H, KV, V, seq)]

    def put(*ts):
        for t in ts:
            out.append(t.to(torch.float32).contiguous().numpy().astype("<f4").tobytes())

    def each(name, f=lambda t: t):
        put(*[f(W["model.layers.%d.%s" % (l, name)]) for l in range(L)])

    put(W["model.embed_tokens.weight"])
    each("input_layernorm.weight")
    each("self_attn.q_proj.weight", lambda t: hf_to_llama2c_rows(t, H))
    each("self_attn.k_proj.weight", lambda t: hf_to_llama2c_rows(t, KV))
    each("self_attn.v_proj.weight")
    each("self_attn.o_proj.weight")
    each("post_attention_layernorm.weight")
    each("mlp.gate_proj.weight")
    each("mlp.down_proj.weight")
    each("mlp.up_proj.weight")
    put(W["model.norm.weight"])
    fr = 1.0 / (10000.0 ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = torch.outer(torch.arange(seq, dtype=torch.float64), fr)
    put(ang.cos(), ang.sin())
    return b"".join(out)


def write(outdir, tokenizer):
    stamp = os.path.join(outdir, "gen.stamp")
    want = json.dumps(GEN_CFG, sort_keys=True)
    names = ["gen-f32/model.safetensors", "gen-bf16/model.safetensors", "gen-l2c.bin"]
    if os.path.exists(stamp) and open(stamp).read() == want and all(
            os.path.exists(os.path.join(outdir, n)) for n in names):
        print("kept %s/gen-*" % outdir)
    else:
        cfg = ref.base_config(**GEN_CFG)
        W = ref.random_weights(cfg, torch.Generator().manual_seed(7), torch.float32)
        for dt, name in ((torch.float32, "gen-f32"), (torch.bfloat16, "gen-bf16")):
            d = os.path.join(outdir, name)
            os.makedirs(d, exist_ok=True)
            c = dict(cfg, torch_dtype="float32" if dt == torch.float32 else "bfloat16")
            with open(os.path.join(d, "config.json"), "w") as f:
                json.dump(c, f, indent=2)
            with open(os.path.join(d, "model.safetensors"), "wb") as f:
                f.write(ref.st_bytes({k: v.to(dt) for k, v in W.items()}))
        with open(os.path.join(outdir, "gen-l2c.bin"), "wb") as f:
            f.write(l2c_bytes(cfg, W))
        with open(stamp, "w") as f:
            f.write(want)
        n = sum(t.numel() for t in W.values())
        print("wrote %s/gen-*: %.1fM parameters" % (outdir, n / 1e6))
    if tokenizer and os.path.exists(tokenizer):
        for name in ("gen-f32", "gen-bf16"):
            shutil.copyfile(tokenizer, os.path.join(outdir, name, "tokenizer.model"))


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == "write":
        write(a[1], a[2] if len(a) > 2 else None)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main()
