#!/usr/bin/python3
"""llama2c_reference.py - tiny random checkpoints in Karpathy's llama2.c .bin
formats (tests/data/l2c-*.bin) and their expected logits, computed by an
independent float64 PyTorch transcription of llama2.c's run.c forward pass:
RMSNorm (eps 1e-5), RoPE on interleaved pairs (x[2i], x[2i+1]) with
freq = 10000^(-(i*2 % head_size)/head_size) exactly as run.c writes it, GQA
(query head h reads kv head h // (n_heads // n_kv_heads)), SwiGLU with
w1 (gate), w3 (up), w2 (down), classifier wcls or the shared embedding.
The weights are written in llama2.c's own [out][in] layout, unpermuted: the C
loader must do the interleaved-to-rotate_half conversion itself.

    /usr/bin/python3 tests/reference/llama2c_reference.py [OUTDIR]   (default tests/data)

Writes, per fixture NAME:
  NAME.bin           the checkpoint
  NAME.expected.bin  int32 magic 0x4c4f4754 ("TGOL"), int32 ntok, int32 nprefill,
                     int32 vocab, int32 tokens[ntok], float32 logits[ntok][vocab]
                     (same layout as tests/data/model-*/expected.bin)
Fixtures:
  l2c-v0-gqa   legacy version 0 header, unshared classifier (negative
               vocab_size), 4 heads / 2 kv heads, freq_cis tables present
  l2c-v1-mqa   version 1 header (magic "ak42", 256 bytes), shared classifier,
               3 heads / 1 kv head
"""
import os
import struct
import sys

import torch

FIXTURES = {
    "l2c-v0-gqa": dict(version=0, dim=32, hidden_dim=72, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=67,
                       seq_len=24, shared=False, seed=11),
    "l2c-v1-mqa": dict(version=1, dim=24, hidden_dim=40, n_layers=2, n_heads=3, n_kv_heads=1, vocab_size=50,
                       seq_len=16, shared=True, seed=12),
}
NTOK, NPREFILL = 12, 7


def random_weights(p, g):
    dim, hid, L, V = p["dim"], p["hidden_dim"], p["n_layers"], p["vocab_size"]
    hs = dim // p["n_heads"]
    kvd = p["n_kv_heads"] * hs

    def r(*shape, std=0.2):
        return torch.randn(*shape, generator=g, dtype=torch.float64) * std

    def norm(*shape):
        return 1.0 + 0.2 * torch.randn(*shape, generator=g, dtype=torch.float64)

    W = {
        "tok": r(V, dim, std=0.5),
        "rms_att": norm(L, dim), "wq": r(L, dim, dim), "wk": r(L, kvd, dim), "wv": r(L, kvd, dim),
        "wo": r(L, dim, dim), "rms_ffn": norm(L, dim), "w1": r(L, hid, dim), "w2": r(L, dim, hid),
        "w3": r(L, hid, dim), "rms_final": norm(dim),
    }
    W["wcls"] = W["tok"] if p["shared"] else r(V, dim, std=0.5)
    # run.c's legacy freq_cis tables (read and skipped by run.c too)
    fr = 1.0 / (10000.0 ** (torch.arange(0, hs, 2, dtype=torch.float64) / hs))
    ang = torch.outer(torch.arange(p["seq_len"], dtype=torch.float64), fr)
    W["fcr"], W["fci"] = ang.cos(), ang.sin()
    return W


def f32(*ts):
    return b"".join(t.to(torch.float32).contiguous().numpy().astype("<f4").tobytes() for t in ts)


def checkpoint_bytes(p, W):
    hdr = [p["dim"], p["hidden_dim"], p["n_layers"], p["n_heads"], p["n_kv_heads"], p["vocab_size"], p["seq_len"]]
    if p["version"] == 0:
        if not p["shared"]:
            hdr[5] = -hdr[5]
        out = struct.pack("<7i", *hdr)
        out += f32(W["tok"], W["rms_att"], W["wq"], W["wk"], W["wv"], W["wo"], W["rms_ffn"], W["w1"], W["w2"],
                   W["w3"], W["rms_final"], W["fcr"], W["fci"])
    else:  # export.py version1_export
        out = struct.pack("<Ii7iB", 0x616B3432, 1, *hdr, int(p["shared"]))
        out += b"\0" * (256 - len(out))
        out += f32(W["rms_att"], W["rms_ffn"], W["rms_final"], W["tok"], W["wq"], W["wk"], W["wv"], W["wo"],
                   W["w1"], W["w2"], W["w3"])
    if not p["shared"]:
        out += f32(W["wcls"])
    return out


def rmsnorm(x, w):
    return w * (x / torch.sqrt((x * x).mean() + 1e-5))


def forward(p, W, tokens):
    """run.c's forward(), one token at a time with its KV cache; float64."""
    dim, L = p["dim"], p["n_layers"]
    H, KV = p["n_heads"], p["n_kv_heads"]
    hs = dim // H
    kvd = KV * hs
    kv_mul = H // KV
    kc = torch.zeros(L, p["seq_len"], kvd, dtype=torch.float64)
    vc = torch.zeros(L, p["seq_len"], kvd, dtype=torch.float64)
    out = []
    for pos, tok in enumerate(tokens):
        x = W["tok"][tok].clone()
        for l in range(L):
            xb = rmsnorm(x, W["rms_att"][l])
            q = W["wq"][l] @ xb
            k = W["wk"][l] @ xb
            v = W["wv"][l] @ xb
            for i in range(0, dim, 2):          # run.c's RoPE loop, verbatim
                head_dim = i % hs
                freq = 1.0 / (10000.0 ** (head_dim / hs))
                val = pos * freq
                fcr, fci = torch.cos(torch.tensor(val, dtype=torch.float64)), torch.sin(
                    torch.tensor(val, dtype=torch.float64))
                rotn = 2 if i < kvd else 1
                for vv in range(rotn):
                    vec = q if vv == 0 else k
                    v0, v1 = vec[i].clone(), vec[i + 1].clone()
                    vec[i] = v0 * fcr - v1 * fci
                    vec[i + 1] = v0 * fci + v1 * fcr
            kc[l, pos], vc[l, pos] = k, v
            att_out = torch.zeros(dim, dtype=torch.float64)
            for h in range(H):
                qh = q[h * hs:(h + 1) * hs]
                kh = (h // kv_mul) * hs
                sc = torch.stack([qh @ kc[l, t, kh:kh + hs] for t in range(pos + 1)]) / (hs ** 0.5)
                a = torch.softmax(sc, dim=0)
                att_out[h * hs:(h + 1) * hs] = sum(a[t] * vc[l, t, kh:kh + hs] for t in range(pos + 1))
            x = x + W["wo"][l] @ att_out
            xb = rmsnorm(x, W["rms_ffn"][l])
            h1 = W["w1"][l] @ xb
            h3 = W["w3"][l] @ xb
            x = x + W["w2"][l] @ (h1 * torch.sigmoid(h1) * h3)
        out.append(W["wcls"] @ rmsnorm(x, W["rms_final"]))
    return torch.stack(out)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data")
    for name, p in FIXTURES.items():
        g = torch.Generator().manual_seed(p["seed"])
        W = random_weights(p, g)
        # the checkpoint holds float32: compute the reference from the rounded weights
        W = {k: v.to(torch.float32).to(torch.float64) for k, v in W.items()}
        if p["shared"]:
            W["wcls"] = W["tok"]
        toks = torch.randint(0, p["vocab_size"], (NTOK,), generator=g).tolist()
        toks[0] = 1
        logits = forward(p, W, toks)
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(checkpoint_bytes(p, W))
        with open(os.path.join(outdir, name + ".expected.bin"), "wb") as f:
            f.write(struct.pack("<4i", 0x4C4F4754, NTOK, NPREFILL, p["vocab_size"]))
            f.write(struct.pack("<%di" % NTOK, *toks))
            f.write(f32(logits))
        print("wrote %s.bin (llama2.c version %d, %d bytes): logits range %.3f..%.3f" % (
            name, p["version"], len(checkpoint_bytes(p, W)), logits.min().item(), logits.max().item()))


if __name__ == "__main__":
    main()
