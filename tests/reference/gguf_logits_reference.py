#!/usr/bin/env python3
"""gguf_logits_reference.py - llama.cpp's next-token logits and greedy tokens
on the shared SmolLM2 GGUF, the reference of issue #12's number tests.

    VENV/bin/python tests/reference/gguf_logits_reference.py [OUTFILE] [SHARED]
        (defaults tests/data/gguf/smollm2-logits.jsonl and ../shared;
         VENV as in gguf_tokenize_reference.py)

Four ChatML prompts around real abstracts (kaggle-first200.ndjson, whitespace
collapsed, cut at a word so that the abstract alone is at most the number of
llama.cpp tokens PROMPTS gives). For each length the record is the first, from
the one PROMPTS names, whose abstract is that long and whose greedy path
find_prompt sees no near tie in. For each prompt, llama.cpp (one thread, F32
KV cache, no flash attention, logits of the last position only) evaluates
the prompt in one batch and then 32 greedy tokens one at a time (argmax of the
raw logits: temperature 0, no repetition penalty, EOS not treated specially).
The same numbers are computed exactly (float64, numpy) from the tensors as
gguf.quants.dequantize gives them, by ExactLlama below, so that a test can
tell llama.cpp's rounding (8-bit activations in its quantized products)
from the C side's own error. Two cross-checks go with each prompt: llama.cpp
on an F32 copy of the file (every tensor dequantized by gguf) against the
exact numbers, which shows ExactLlama computes what llama.cpp's graph does,
and llama.cpp's default F16 KV cache against the F32 one. One JSON object a line;
tests/reference/README.md has the fields.

The helpers (ExactLlama, llama.cpp's last logits, the greedy loop, number
rounding) are shared with gguf_types_reference.py.
"""
import json
import os
import sys
import tempfile

import numpy as np
import gguf
import llama_cpp
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMOLLM2 = "models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
CHATML = "<|im_start|>user\nWrite a title for this abstract.\n\n{}<|im_end|>\n<|im_start|>assistant\n"
PROMPTS = [(0, 100), (30, 130), (60, 160), (120, 200)]   # (first record tried, abstract tokens at most)
MIN_MARGIN = 0.5
N_GREEDY = 32
TOP = 64
STRIDE = 64
GGML_TYPE_F32 = 0


def f9(x):
    """A float32 as the shortest decimal that reads back as the same float32."""
    return float("%.9g" % np.float32(x))


class ExactLlama:
    """A llama forward pass in float64 over gguf-dequantized tensors, as
    llama.cpp's graph defines it on the GGUF layout: RMSNorm, rotary
    embedding on adjacent pairs (ggml's "normal" mode, the layout llama.cpp's
    converter permuted q/k rows into), causal attention with grouped kv heads
    (q head h reads kv head h // (n_head / n_kv)), SwiGLU, output = token
    embedding when there is no output.weight. Keeps a KV cache."""

    def __init__(self, path):
        r = gguf.GGUFReader(path)

        def kv(key, default=None):
            f = r.fields.get("llama." + key)
            return f.contents() if f is not None else default

        self.n_layer = int(kv("block_count"))
        self.n_embd = int(kv("embedding_length"))
        self.n_head = int(kv("attention.head_count"))
        self.n_kv = int(kv("attention.head_count_kv", self.n_head))
        self.hd = self.n_embd // self.n_head
        self.n_rot = int(kv("rope.dimension_count", self.hd))
        self.base = float(kv("rope.freq_base", 10000.0))
        self.eps = float(kv("attention.layer_norm_rms_epsilon"))
        self.w = {}
        for t in r.tensors:
            self.w[t.name] = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
        self.out = self.w.get("output.weight", self.w["token_embd.weight"])
        self.reset()

    def reset(self):
        self.k = [np.zeros((0, self.n_kv, self.hd)) for _ in range(self.n_layer)]
        self.v = [np.zeros((0, self.n_kv, self.hd)) for _ in range(self.n_layer)]

    def norm(self, x, name):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * self.w[name]

    def rope(self, x, pos):
        """x [n, heads, hd]: pairs (2i, 2i+1) of the first n_rot turned by pos * base^(-2i/n_rot)."""
        i = np.arange(self.n_rot // 2)
        ang = pos[:, None].astype(np.float64) * self.base ** (-2.0 * i / self.n_rot)
        c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
        y = x.copy()
        x0, x1 = x[..., 0:self.n_rot:2], x[..., 1:self.n_rot:2]
        y[..., 0:self.n_rot:2] = x0 * c - x1 * s
        y[..., 1:self.n_rot:2] = x0 * s + x1 * c
        return y

    def forward(self, ids):
        """Feeds ids after the cached ones; returns the last position's logits."""
        n, past = len(ids), self.k[0].shape[0]
        pos = np.arange(past, past + n)
        x = self.w["token_embd.weight"][np.asarray(ids)].astype(np.float64)
        group = self.n_head // self.n_kv
        mask = np.where(np.arange(past + n)[None, :] <= pos[:, None], 0.0, -np.inf)
        for l in range(self.n_layer):
            p = "blk.%d." % l
            h = self.norm(x, p + "attn_norm.weight")
            q = self.rope((h @ self.w[p + "attn_q.weight"].T).reshape(n, self.n_head, self.hd), pos)
            k = self.rope((h @ self.w[p + "attn_k.weight"].T).reshape(n, self.n_kv, self.hd), pos)
            v = (h @ self.w[p + "attn_v.weight"].T).reshape(n, self.n_kv, self.hd)
            self.k[l] = np.concatenate([self.k[l], k])
            self.v[l] = np.concatenate([self.v[l], v])
            att = np.empty((n, self.n_head, self.hd))
            for hh in range(self.n_head):
                kk, vv = self.k[l][:, hh // group], self.v[l][:, hh // group]
                s = q[:, hh] @ kk.T / np.sqrt(self.hd) + mask
                s = np.exp(s - s.max(axis=1, keepdims=True))
                att[:, hh] = (s / s.sum(axis=1, keepdims=True)) @ vv
            x = x + att.reshape(n, -1) @ self.w[p + "attn_output.weight"].T
            h = self.norm(x, p + "ffn_norm.weight")
            g = h @ self.w[p + "ffn_gate.weight"].T
            u = h @ self.w[p + "ffn_up.weight"].T
            x = x + (g / (1 + np.exp(-g)) * u) @ self.w[p + "ffn_down.weight"].T
        return self.norm(x[-1], "output_norm.weight") @ self.out.T


def open_llama(path, threads=1, n_ctx=512):
    """llama.cpp as the references use it: F32 KV cache, no flash attention,
    last-position logits only."""
    return Llama(model_path=path, n_ctx=n_ctx, n_batch=512, n_threads=threads, n_threads_batch=threads,
                 type_k=GGML_TYPE_F32, type_v=GGML_TYPE_F32, flash_attn=False, logits_all=False,
                 verbose=False)


def last_logits(llm):
    p = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(p, shape=(llm.n_vocab(),)).astype(np.float32)


def margin(z):
    """Top logit minus the runner-up: how far a greedy step is from a tie."""
    a = np.partition(z, -2)[-2:]
    return float(a[1] - a[0])


def greedy(llm, prompt, n):
    """The prompt in one batch, then n greedy tokens: (first logits, tokens,
    the margin of each step)."""
    llm.reset()
    llm.eval(prompt)
    z = last_logits(llm)
    first, toks, margins = z, [], []
    for i in range(n):
        t = int(np.argmax(z))
        toks.append(t)
        margins.append(f9(margin(z)))
        if i + 1 < n:
            llm.eval([t])
            z = last_logits(llm)
    return first, toks, margins


def exact_along(ex, prompt, toks):
    """The exact model's logits after the prompt and its argmax at each step
    of llama.cpp's greedy path (teacher-forced), with its margins."""
    ex.reset()
    z = ex.forward(prompt)
    first, picks, margins = z, [], []
    for i, t in enumerate(toks):
        picks.append(int(np.argmax(z)))
        margins.append(f9(margin(z)))
        if i + 1 < len(toks):
            z = ex.forward([t])
    return first, picks, margins


def write_f32_copy(src, dst):
    """src with every tensor as gguf.quants.dequantize gives it, in F32, and
    the same metadata: llama.cpp runs it without quantizing activations."""
    r = gguf.GGUFReader(src)
    w = gguf.GGUFWriter(dst, "llama")
    for name, f in r.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        if f.types[0] == gguf.GGUFValueType.ARRAY:
            w.add_key_value(name, f.contents(), f.types[0], sub_type=f.types[-1])
        else:
            w.add_key_value(name, f.contents(), f.types[0])
    for t in r.tensors:
        w.add_tensor(t.name, gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def cross_checks(path, prompts, exact):
    """Per prompt: max |llama.cpp - exact| over the logits on an F32 copy of
    the file (what is left is ExactLlama's own error: about 1e-5), and
    max |F16 KV - F32 KV| of llama.cpp on the file itself (its default cache)."""
    f32, kv = [], []
    llm = Llama(model_path=path, n_ctx=512, n_threads=1, logits_all=False, verbose=False)
    ref = open_llama(path, threads=1)
    for ids in prompts:
        for m in (llm, ref):
            m.reset()
            m.eval(ids)
        kv.append(f9(np.max(np.abs(last_logits(llm) - last_logits(ref)))))
    llm.close()
    ref.close()
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "f32.gguf")
        write_f32_copy(path, copy)
        llm = open_llama(copy, threads=1)
        for ids, e in zip(prompts, exact):
            llm.reset()
            llm.eval(ids)
            f32.append(f9(np.max(np.abs(last_logits(llm) - e))))
        llm.close()
    return f32, kv


def cut_to_tokens(llm, text, limit):
    """The longest prefix of text's words whose tokens number at most limit."""
    words = text.split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(llm.tokenize(" ".join(words[:mid]).encode(), add_bos=False, special=False)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def find_prompt(llm, ex, recs, first, limit, used):
    """From record first on, the first abstract whose prompt's 32 greedy steps
    are clear: llama.cpp's top logit ahead of its runner-up by MIN_MARGIN at
    each step (its rounding moves logits by up to about 0.3 near the top),
    and the exact model picking the same tokens. A test that demands
    identical greedy tokens must not sit on a near tie."""
    for rec in range(first, len(recs)):
        whole = " ".join(recs[rec]["abstract"].split())
        if rec in used or len(llm.tokenize(whole.encode(), add_bos=False, special=False)) < limit:
            continue   # too short to be cut to the length wanted
        text = CHATML.format(cut_to_tokens(llm, whole, limit))
        ids = llm.tokenize(text.encode(), add_bos=True, special=True)
        z, toks, margins = greedy(llm, ids, N_GREEDY)
        if min(margins) < MIN_MARGIN:
            continue
        e, picks, emargins = exact_along(ex, ids, toks)
        if picks == toks:
            return rec, text, ids, z, toks, margins, e, picks, emargins
    raise SystemExit("gguf_logits_reference: no clear prompt from record %d" % first)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf/smollm2-logits.jsonl")
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "../shared")
    path = os.path.join(shared, SMOLLM2)
    with open(os.path.join(shared, "data/arxiv/kaggle-first200.ndjson")) as f:
        recs = [json.loads(l) for l in f]
    llm = open_llama(path, threads=1)
    llm2 = open_llama(path, threads=2)
    ex = ExactLlama(path)
    objs, exact = [], []
    used = set()
    for first, limit in PROMPTS:
        rec, text, ids, z, toks, margins, e, picks, emargins = find_prompt(llm, ex, recs, first, limit, used)
        used.add(rec)
        z2, toks2, _ = greedy(llm2, ids, N_GREEDY)
        top = np.argsort(-z, kind="stable")[:TOP]
        strided = np.arange(0, len(z), STRIDE)
        zd = z.astype(np.float64)
        lse = zd.max() + np.log(np.sum(np.exp(zd - zd.max())))
        o = {"record": rec, "prompt": text, "ids": ids, "n_vocab": len(z), "threads": 1, "kv": "f32",
             "argmax": int(np.argmax(z)), "top_ids": top.tolist(), "top": [f9(v) for v in z[top]],
             "stride": STRIDE, "strided": [f9(v) for v in z[strided]],
             "mean": f9(zd.mean()), "std": f9(zd.std()), "min": f9(zd.min()), "max": f9(zd.max()),
             "logsumexp": f9(lse),
             "greedy": toks, "greedy_margin": margins,
             "greedy_text": llm.detokenize(toks, special=True).decode("utf-8", "replace"),
             "threads2_maxdiff": f9(np.max(np.abs(z2 - z))), "threads2_greedy_same": toks2 == toks,
             "exact_top": [f9(v) for v in e[top]], "exact_strided": [f9(v) for v in e[strided]],
             "exact_maxdiff": f9(np.max(np.abs(e - zd))), "exact_argmax": int(np.argmax(e)),
             "exact_greedy": picks, "exact_greedy_margin": emargins}
        objs.append(o)
        exact.append(e)
        print("record %d: %d prompt ids, argmax %d (exact %d), max |llama.cpp - exact| %.4g, "
              "greedy %s, exact greedy agrees %d/%d, min margin %.3g, 2 threads: maxdiff %.3g same greedy %s"
              % (rec, len(ids), o["argmax"], o["exact_argmax"], o["exact_maxdiff"], repr(o["greedy_text"]),
                 sum(a == b for a, b in zip(picks, toks)), N_GREEDY, min(margins), o["threads2_maxdiff"],
                 o["threads2_greedy_same"]))
    llm.close()
    llm2.close()
    del ex
    f32, kv = cross_checks(path, [o["ids"] for o in objs], exact)
    for o, a, b in zip(objs, f32, kv):
        o["f32copy_exact_maxdiff"], o["kv_f16_maxdiff"] = a, b
        print("record %d: llama.cpp on an F32 copy vs exact %.3g; F16 KV cache vs F32 %.3g" % (o["record"], a, b))
    with open(out, "w", encoding="utf-8") as f:
        f.write("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs))


if __name__ == "__main__":
    main()
