#!/usr/bin/env python3
"""gguf_types_reference.py - tiny llama GGUF files in every tensor type the C
side runs, quantized by llama.cpp itself, and llama.cpp's logits on them.

    VENV/bin/python tests/reference/gguf_types_reference.py [OUTDIR]
        (default tests/data/gguf; VENV as in gguf_tokenize_reference.py)

Two random F32 llamas (1 layer, 4 heads, 1 kv head, feed-forward 256, a
byte-level toy vocabulary of 259 tokens: <unk> <s> </s> and <0x00>..<0xFF>,
tokenizer "llama", an output.weight of their own), written with gguf's
GGUFWriter to a temporary folder, then quantized with llama.cpp's
llama_model_quantize (pure: every 2-D tensor to the one type, the 1-D norms
stay F32) into OUTDIR/tiny-TYPE.gguf:
  embedding 128 (head 32):  f16 bf16 q8_0 q4_0 q4_1 q5_0 q5_1
  embedding 256 (head 64):  q4_k q5_k q6_k   (k-quant rows are 256 long)
Then OUTDIR/tiny-types-logits.jsonl: for each file and each of two prompts
(token ids fed directly, lengths PROMPT_LENGTHS, the ids found by find_prompt
for each embedding so that no greedy step is near a tie), llama.cpp's full
last-position logits (one thread, F32 KV cache), 16 greedy tokens with their
margins, and the same numbers computed exactly (float64) from
gguf.quants.dequantize's tensors. Fields in tests/reference/README.md.
"""
import json
import os
import sys
import tempfile

import numpy as np
import gguf
import llama_cpp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_logits_reference import ExactLlama, exact_along, f9, greedy, open_llama  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N_VOCAB = 259
N_GREEDY = 16
SIGMA = 0.7
# (file type name, llama.cpp ftype, base embedding)
TYPES = [("f16", llama_cpp.LLAMA_FTYPE_MOSTLY_F16, 128), ("bf16", llama_cpp.LLAMA_FTYPE_MOSTLY_BF16, 128),
         ("q8_0", llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0, 128), ("q4_0", llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0, 128),
         ("q4_1", llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_1, 128), ("q5_0", llama_cpp.LLAMA_FTYPE_MOSTLY_Q5_0, 128),
         ("q5_1", llama_cpp.LLAMA_FTYPE_MOSTLY_Q5_1, 128), ("q4_k", llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M, 256),
         ("q5_k", llama_cpp.LLAMA_FTYPE_MOSTLY_Q5_K_M, 256), ("q6_k", llama_cpp.LLAMA_FTYPE_MOSTLY_Q6_K, 256)]
# Prompt lengths: a short one and one long enough for llama.cpp's batched
# products; find_prompt picks their ids.
PROMPT_LENGTHS = [7, 48]
MIN_MARGIN = 1.0
MIN_DISTINCT = 4


def write_base(path, n_embd, seed, sigma=SIGMA):
    """A random F32 llama with an output.weight of its own (tied to the
    input embedding, the input token itself would win every greedy step of
    a random model; the tied case is the SmolLM2 file's). The output rows'
    lengths vary (log-normal, sigma): a few tokens stand out, so that greedy
    steps are rarely near a tie, which llama.cpp's 8-bit activations would
    make a coin toss."""
    n_head, n_kv, n_ff = 4, 1, 256
    hd = n_embd // n_head
    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(path, "llama")
    w.add_name("tiny-types-%d" % n_embd)
    w.add_context_length(256)
    w.add_embedding_length(n_embd)
    w.add_block_count(1)
    w.add_feed_forward_length(n_ff)
    w.add_rope_dimension_count(hd)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)])
    w.add_token_scores([0.0] * N_VOCAB)
    w.add_token_types([2, 3, 3] + [6] * 256)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)

    def rnd(rows, cols):
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    w.add_tensor("token_embd.weight", rng.standard_normal((N_VOCAB, n_embd)).astype(np.float32))
    w.add_tensor("output_norm.weight", (1 + 0.2 * rng.standard_normal(n_embd)).astype(np.float32))
    w.add_tensor("blk.0.attn_norm.weight", (1 + 0.2 * rng.standard_normal(n_embd)).astype(np.float32))
    w.add_tensor("blk.0.attn_q.weight", rnd(n_head * hd, n_embd))
    w.add_tensor("blk.0.attn_k.weight", rnd(n_kv * hd, n_embd))
    w.add_tensor("blk.0.attn_v.weight", rnd(n_kv * hd, n_embd))
    w.add_tensor("blk.0.attn_output.weight", rnd(n_embd, n_head * hd))
    w.add_tensor("blk.0.ffn_norm.weight", (1 + 0.2 * rng.standard_normal(n_embd)).astype(np.float32))
    w.add_tensor("blk.0.ffn_gate.weight", rnd(n_ff, n_embd))
    w.add_tensor("blk.0.ffn_up.weight", rnd(n_ff, n_embd))
    w.add_tensor("blk.0.ffn_down.weight", rnd(n_embd, n_ff))
    rows = np.exp(sigma * rng.standard_normal((N_VOCAB, 1)))
    w.add_tensor("output.weight", (rows * rng.standard_normal((N_VOCAB, n_embd))).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def quantize(src, dst, ftype):
    p = llama_cpp.llama_model_quantize_default_params()
    p.nthread = 1
    p.ftype = ftype
    p.pure = True
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), p)
    assert rc == 0, (dst, rc)


def check_types(path, name):
    """Every 2-D tensor in the wanted type, every 1-D one F32."""
    want = {"q4_k": "Q4_K", "q5_k": "Q5_K", "q6_k": "Q6_K"}.get(name, name.upper())
    for t in gguf.GGUFReader(path).tensors:
        got = t.tensor_type.name
        assert got == (want if len(t.shape) == 2 else "F32"), (path, t.name, got)


def find_prompt(files, length, first_seed):
    """The first prompt [1] + random ids (default_rng(seed), seed counting up
    from first_seed) of the given length on which every file's 16 greedy
    steps are clear: llama.cpp's top logit ahead of its runner-up by
    MIN_MARGIN at each step, and the exact model picking the same tokens by
    half that, and at least MIN_DISTINCT different tokens among the 16
    (the path is not one token over and over). Random models put near ties in many paths; a test that
    demands identical greedy tokens must not sit on one."""
    for seed in range(first_seed, first_seed + 5000):
        prompt = [1] + np.random.default_rng(seed).integers(3, N_VOCAB, length - 1).tolist()
        ok = True
        for llm, ex in files:
            _, toks, margins = greedy(llm, prompt, N_GREEDY)
            if min(margins) < MIN_MARGIN or len(set(toks)) < MIN_DISTINCT:
                ok = False
                break
            _, picks, emargins = exact_along(ex, prompt, toks)
            if picks != toks or min(emargins) < MIN_MARGIN / 2:
                ok = False
                break
        if ok:
            return seed, prompt
    raise SystemExit("gguf_types_reference: no clear prompt of length %d" % length)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf")
    os.makedirs(out, exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n_embd, seed in ((128, 128), (256, 256)):
            base = os.path.join(tmp, "base-%d.gguf" % n_embd)
            write_base(base, n_embd, seed)
            files[n_embd] = []
            for name, ftype, emb in TYPES:
                if emb != n_embd:
                    continue
                path = os.path.join(out, "tiny-%s.gguf" % name)
                quantize(base, path, ftype)
                check_types(path, name)
                files[n_embd].append((name, path, open_llama(path, threads=1, n_ctx=128), ExactLlama(path)))
        for n_embd, group in files.items():
            pairs = [(llm, ex) for _, _, llm, ex in group]
            prompts = [find_prompt(pairs, length, 1000 * length) for length in PROMPT_LENGTHS]
            for name, path, llm, ex in group:
                for seed, prompt in prompts:
                    z, toks, margins = greedy(llm, prompt, N_GREEDY)
                    e, picks, emargins = exact_along(ex, prompt, toks)
                    o = {"file": os.path.basename(path), "type": name.upper(), "prompt_seed": seed,
                         "prompt": prompt, "n_vocab": len(z), "threads": 1, "kv": "f32",
                         "logits": [f9(v) for v in z], "argmax": int(np.argmax(z)),
                         "greedy": toks, "greedy_margin": margins,
                         "exact": [f9(v) for v in e], "exact_maxdiff": f9(np.max(np.abs(e - z))),
                         "exact_greedy": picks, "exact_greedy_margin": emargins}
                    lines.append(json.dumps(o))
                    print("%-15s %6d bytes, prompt of %2d (seed %d): logits in [%.1f, %.1f], "
                          "max |llama.cpp - exact| %.3g, greedy %s, min margin %.3g (exact %.3g)"
                          % (o["file"], os.path.getsize(path), len(prompt), seed, z.min(), z.max(),
                             o["exact_maxdiff"], toks, min(margins), min(emargins)))
                llm.close()
    with open(os.path.join(out, "tiny-types-logits.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
