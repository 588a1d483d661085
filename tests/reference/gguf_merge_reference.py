#!/usr/bin/env python3
"""gguf_merge_reference.py - merged GGUF models written by lora-train
(--model BASE.gguf --lora ADAPTER --merge-out OUT.gguf), checked with gguf's
reader and llama.cpp's quantizer, and llama.cpp's logits on them, for
tests/unit/test_gguf_merge.c and the golden test lora-train/gguf-merge.

    VENV/bin/python tests/reference/gguf_merge_reference.py [OUTDIR [SHARED]]
        (defaults tests/data/gguf and ../shared; VENV: llama-cpp-python, gguf
        and numpy, /work/venv-llama in tests/reference/README.md; the tools
        built in build/bin first: make)

Merges (BASE + ADAPTER, --dtype):
  tiny-f16.gguf  + ours-lora-trained/ (PEFT folder, lora-train's own, all
                   seven projections)        default (F16), f32, bf16, q8_0
  tiny-q8_0.gguf + lora-q8_0/ (PEFT, q, v, down)      default (Q8_0 again)
  tiny-q4_k.gguf + gguf-lora-q4_k.gguf (llama.cpp's GGUF adapter form,
                   q, v, down)               default (F16: Q4_K is not written)
  SHARED's SmolLM2-135M-Instruct.Q4_1.gguf + smollm2-lora.gguf (below)
                                             default (F16), q8_0
smollm2-lora.gguf is written here (seeded; committed): a GGUF LoRA adapter
in llama.cpp's form (general.type "adapter", adapter.type "lora",
adapter.lora.alpha 4, tensors F16), r 2, on attn_q, attn_k and attn_v of
blocks 0, 15 and 29 and ffn_down of block 29, lora_a ~ normal(0, A_STD),
lora_b ~ normal(0, B_STD) drawn in the file's row order (as the
converter leaves lora_b of attn_q / attn_k), seed SMOL_SEED, 42,240 bytes:
it moves SmolLM2's logits by about 12 and changes its greedy tokens.

Checks, before anything is written (each an assert):
- gguf's GGUFReader on each merged file: every key of the base, in its
  order, with its type and value (general.file_type: 0/1/32/7 with --dtype
  f32/f16/bf16/q8_0, the base's without), general.alignment the base's;
  every tensor of the base, in its order, name and shape; the tensors the
  adapter does not touch byte for byte the base's, in their type; the
  adapted ones in the expected type;
- the merged values: the f32 merge equals W + scale B A computed here in
  float64 from gguf.quants.dequantize's W (file row order) and the adapter's
  factors, lora_b's rows of attn_q / attn_k permuted as convert_hf_to_gguf.py
  LlamaModel.permute (copied below) when the adapter is a PEFT folder (Hugging
  Face order), as they are when it is a GGUF adapter (already in the file's
  order): max relative error 1e-5 of the tensor's max |value|;
- the conversions: llama.cpp's own quantizer (llama_model_quantize, pure, one
  thread) run on the f32 merge (made for the check above) to the adapted
  tensors' type gives them byte for byte, for every merged file whose adapted
  tensors are F16, BF16 or Q8_0;
- llama.cpp on each merged file (Llama(logits_all=True), one thread, F32 KV
  cache, no flash attention, the prompt in one batch) against llama.cpp on
  the base with the adapter kept apart (Llama(lora_path=...), the adapter as
  GGUF: the tiny PEFT folders as ours-lora-trained/adapter.gguf and
  ours-lora-q8_0.gguf, the same factors): last-position logits within
  tol_apart (below),
  and more than 3 tol_apart from the base's without the adapter; and no
  greedy step of a prompt chosen (below) near a tie.

Output:
- OUTDIR/merge-logits.jsonl, one line per merged file and prompt: name,
  base, adapter, dtype, bytes and sha256 of the merged file, merged_type
  (the type of the adapted tensors), prompt (ids), n_vocab, llama.cpp on the
  merged file: logits (tiny: all 259) or top_ids/top (SmolLM2: the 64
  largest) and strided (ids 0, STRIDE, 2 STRIDE, ...), greedy (16 tokens:
  argmax after the prompt, then after each token fed) and greedy_margin,
  apart_maxdiff (max |merged - adapter kept apart|, llama.cpp both),
  base_maxdiff (max |merged - base without the adapter|), tol (for our
  logits on the merged file: twice llama.cpp's distance to exact arithmetic
  for the types involved (tiny-types-logits.jsonl) + 1% of max |logit|, as
  test_gguf_model; SmolLM2: twice the largest exact_maxdiff of
  smollm2-logits.jsonl, 1.76) and tol_apart (for the base with the adapter
  kept apart: 2% instead of 1% on the tiny files, the merged weight being
  rounded once more; the same on SmolLM2), checked here on llama.cpp itself;
  record (SmolLM2: the abstract's line in kaggle-first200.ndjson).
  Prompts: for each tiny base, BOS and 18 or 47 seeded random ids, the first
  seeds (from 7100 and 8100) whose 16 greedy steps all have a margin of 1.0 or
  more in every merged file of that base; for SmolLM2, the ChatML prompt of
  SHARED's data/arxiv/kaggle-first200.ndjson abstracts (whitespace collapsed,
  cut at a word to at most 130 tokens), the first two whose 16 greedy steps
  all have a margin of 0.5 or more in both merged files and whose greedy
  tokens the adapter changes (records 1 and 4).
- OUTDIR/quant-ref.json: conversions of hard values (halfway cases, F16
  subnormals and overflow, NaN and infinities for F16/BF16, Q8_0 blocks with
  ties, zeros and tiny scales) as gguf.quants writes them (numpy's float16
  for F16), values as float32 bit patterns: the C test's exact check of
  gt_ggml_quantize_row.
Floats as float32 with 9 significant digits. A rerun with the same versions
and the same build writes the same bytes.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import gguf
from gguf.quants import dequantize, quantize
import llama_cpp
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
D = os.path.join(ROOT, "tests/data/gguf")
BIN = os.path.join(ROOT, "build/bin")
SMOLLM2 = "models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
T = gguf.GGMLQuantizationType
GGUF_NAMES = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
              "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}
FTYPE = {"f32": 0, "f16": 1, "bf16": 32, "q8_0": 7}
QTYPE = {"f32": T.F32, "f16": T.F16, "bf16": T.BF16, "q8_0": T.Q8_0}
# (base, adapter for the merge, the same adapter as GGUF for llama.cpp apart, dtypes)
TINY = [("tiny-f16.gguf", "ours-lora-trained", "ours-lora-trained/adapter.gguf", ["default", "f32", "bf16", "q8_0"]),
        ("tiny-q8_0.gguf", "lora-q8_0", "ours-lora-q8_0.gguf", ["default"]),
        ("tiny-q4_k.gguf", "gguf-lora-q4_k.gguf", "gguf-lora-q4_k.gguf", ["default"])]
SMOL_DTYPES = ["default", "q8_0"]
SMOL_ADAPTER = "smollm2-lora.gguf"
SMOL_R, SMOL_ALPHA, A_STD, B_STD, SMOL_SEED = 2, 4.0, 0.5, 0.05, 6101
SMOL_LAYERS = {0: ["attn_q", "attn_k", "attn_v"], 15: ["attn_q", "attn_k", "attn_v"],
               29: ["attn_q", "attn_k", "attn_v", "ffn_down"]}
CHATML = "<|im_start|>user\nWrite a title for this abstract.\n\n{}<|im_end|>\n<|im_start|>assistant\n"
SMOL_PROMPT_TOKENS = 130    # the abstract cut at a word to at most this many tokens
TINY_LENGTHS = [19, 48]
N_GREEDY = 16
TOP, STRIDE = 64, 128
TYPE_FILE = {"F32": "tiny-f16.gguf", "F16": "tiny-f16.gguf", "BF16": "tiny-bf16.gguf", "Q8_0": "tiny-q8_0.gguf"}
MIN_MARGIN = {"tiny": 1.0, "smollm2": 0.5}


def f9(x):
    return float("%.9g" % float(np.float32(x)))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def permute(weights, n_head, n_head_kv):
    """convert_hf_to_gguf.py LlamaModel.permute (llama.cpp 0c1e57098)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2)
            .reshape(weights.shape))


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    head = json.loads(raw[8:8 + n])
    out = {}
    for k, v in head.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", (k, v["dtype"])
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(v["shape"])
    return out


def tensor_f64(t):
    """A GGUFReader tensor as float64, numpy shape (rows, ne[0])."""
    ne = [int(v) for v in t.shape]
    x = dequantize(np.asarray(t.data), t.tensor_type)
    return np.asarray(x, dtype=np.float64).reshape(ne[::-1])


def factors(adapter, base_reader):
    """{gguf tensor name: (A (r, in), B (out, r) in the FILE's row order, scale)}, float64."""
    n_head = int(base_reader.fields["llama.attention.head_count"].contents())
    n_kv = int(base_reader.fields["llama.attention.head_count_kv"].contents())
    out = {}
    if adapter.endswith(".gguf"):
        r = gguf.GGUFReader(adapter)
        alpha = float(r.fields["adapter.lora.alpha"].contents())
        ts = {t.name: tensor_f64(t) for t in r.tensors}
        for name, a in ts.items():
            if name.endswith(".lora_a"):
                base = name[:-len(".lora_a")]
                b = ts[base + ".lora_b"]
                out[base] = (a, b, alpha / b.shape[1])
        return out
    with open(os.path.join(adapter, "adapter_config.json")) as f:
        cfg = json.load(f)
    assert not cfg.get("use_rslora")
    scale = cfg["lora_alpha"] / cfg["r"]
    st = load_safetensors(os.path.join(adapter, "adapter_model.safetensors"))
    for k, a in st.items():
        if not k.endswith(".lora_A.weight"):
            continue
        parts = k.split(".")   # base_model.model.model.layers.L.MODULE.PROJ.lora_A.weight
        layer, proj = int(parts[4]), parts[6]
        b = st[k.replace("lora_A", "lora_B")].astype(np.float64)
        if proj in ("q_proj", "k_proj"):
            b = permute(b, n_head, n_kv if proj == "k_proj" else n_head)
        out["blk.%d.%s.weight" % (layer, GGUF_NAMES[proj])] = (a.astype(np.float64), b, scale)
    return out


def merge(base, adapter, out, dtype):
    cmd = [os.path.join(BIN, "lora-train"), "--model", base, "--lora", adapter, "--merge-out", out]
    if dtype != "default":
        cmd += ["--dtype", dtype]
    subprocess.run(cmd, check=True)


def field_value(f):
    return (list(f.types), f.contents())


def check_file(base, merged, fac, dtype, default_type):
    """The metadata and tensors of MERGED against BASE (see the docstring); the
    adapted tensors' type."""
    b, m = gguf.GGUFReader(base), gguf.GGUFReader(merged)
    bk = [k for k in b.fields if not k.startswith("GGUF.")]
    mk = [k for k in m.fields if not k.startswith("GGUF.")]
    assert bk == mk, (merged, bk, mk)
    for k in bk:
        want = field_value(b.fields[k])
        if k == "general.file_type" and dtype != "default":
            want = ([gguf.GGUFValueType.UINT32], FTYPE[dtype])
        got = field_value(m.fields[k])
        assert got == want, (merged, k, got, want)
    assert [t.name for t in b.tensors] == [t.name for t in m.tensors], merged
    types = set()
    for tb, tm in zip(b.tensors, m.tensors):
        assert list(tb.shape) == list(tm.shape), (merged, tb.name)
        if tb.name in fac:
            want = QTYPE[dtype] if dtype != "default" else default_type(tb.tensor_type)
            assert tm.tensor_type == want, (merged, tb.name, tm.tensor_type, want)
            types.add(tm.tensor_type.name)
        else:
            assert tm.tensor_type == tb.tensor_type, (merged, tb.name)
            assert np.asarray(tm.data).tobytes() == np.asarray(tb.data).tobytes(), (merged, tb.name)
    assert len(types) == 1, types
    return types.pop()


def check_values(base, merged_f32, fac):
    """The f32 merge against W + scale B A in float64."""
    b = {t.name: t for t in gguf.GGUFReader(base).tensors}
    worst = 0.0
    for t in gguf.GGUFReader(merged_f32).tensors:
        if t.name not in fac:
            continue
        a, bb, scale = fac[t.name]
        want = tensor_f64(b[t.name]) + scale * (bb @ a)
        got = np.asarray(t.data, dtype=np.float64).reshape(want.shape)
        rel = float(np.abs(got - want).max() / np.abs(want).max())
        worst = max(worst, rel)
        assert rel < 1e-5, (merged_f32, t.name, rel)
    return worst


def llama_quantize(src, dst, dtype):
    p = llama_cpp.llama_model_quantize_default_params()
    p.nthread = 1
    p.ftype = FTYPE[dtype]
    p.pure = True
    p.allow_requantize = True       # the raw tensors of a quantized base (not compared)
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), p)
    assert rc == 0, (dst, rc)


def check_conversion(f32_file, ours, dtype, fac, tmp):
    """llama.cpp's quantizer on the f32 merge = our DTYPE merge, adapted tensors, byte for byte."""
    ref = os.path.join(tmp, "llama-%s.gguf" % dtype)
    llama_quantize(f32_file, ref, dtype)
    r = {t.name: t for t in gguf.GGUFReader(ref).tensors}
    n = 0
    for t in gguf.GGUFReader(ours).tensors:
        if t.name in fac:
            assert r[t.name].tensor_type == t.tensor_type, (t.name, r[t.name].tensor_type, t.tensor_type)
            assert np.asarray(r[t.name].data).tobytes() == np.asarray(t.data).tobytes(), (ours, t.name)
            n += 1
    os.unlink(ref)
    return n


def open_llama(path, lora=None):
    kw = dict(lora_path=lora, lora_scale=1.0) if lora else {}
    return Llama(model_path=path, n_ctx=512, n_batch=512, n_threads=1, n_threads_batch=1, type_k=0, type_v=0,
                 flash_attn=False, logits_all=True, verbose=False, **kw)


def last(llm):
    return np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)


def margin(z):
    a = np.partition(z, -2)[-2:]
    return float(a[1] - a[0])


def run(llm, prompt, n):
    """Logits after the prompt (one batch), then n greedy tokens and their margins."""
    llm.reset()
    llm.eval(prompt)
    z = last(llm)
    first, toks, margins = z, [], []
    for i in range(n):
        t = int(np.argmax(z))
        toks.append(t)
        margins.append(f9(margin(z)))
        if i + 1 < n:
            llm.eval([t])
            z = last(llm)
    return first, toks, margins


def find_prompt(llms, n, first_seed):
    """BOS and N - 1 seeded random ids whose N_GREEDY greedy steps all have a
    margin of MIN_MARGIN["tiny"] or more in every one of LLMS."""
    for seed in range(first_seed, first_seed + 500):
        rng = np.random.default_rng(seed)
        ids = [1] + [int(x) for x in rng.integers(3, 259, n - 1)]
        if all(min(run(llm, ids, N_GREEDY)[2]) >= MIN_MARGIN["tiny"] for llm in llms.values()):
            return ids
    raise AssertionError("no prompt of %d ids without a near tie" % n)


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


def find_chat_prompts(llms, plain, abstracts):
    """The first two ChatML prompts (abstracts in file order, cut to
    SMOL_PROMPT_TOKENS tokens) whose N_GREEDY greedy steps all have a margin of
    MIN_MARGIN["smollm2"] or more in every one of LLMS, and whose greedy path
    the adapter changes (llama.cpp on the base, PLAIN, takes other tokens)."""
    found = []
    for k, text in enumerate(abstracts):
        ids = plain.tokenize(CHATML.format(cut_to_tokens(plain, text, SMOL_PROMPT_TOKENS)).encode(), add_bos=True,
                             special=True)
        paths = [run(llm, ids, N_GREEDY) for llm in llms.values()]
        if min(min(p[2]) for p in paths) < MIN_MARGIN["smollm2"] or run(plain, ids, N_GREEDY)[1] == paths[0][1]:
            continue
        print("record %d of kaggle-first200.ndjson: %d prompt ids, no near tie, the adapter changes the tokens"
              % (k, len(ids)))
        found.append((k, ids))
        if len(found) == 2:
            return found
    raise AssertionError("no two clear prompts")


def write_smollm2_adapter(base, path):
    r = gguf.GGUFReader(base)
    shapes = {t.name: [int(v) for v in t.shape] for t in r.tensors}
    w = gguf.GGUFWriter(path, "llama")
    w.add_string("general.type", "adapter")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", SMOL_ALPHA)
    rng = np.random.default_rng(SMOL_SEED)
    for layer, kinds in SMOL_LAYERS.items():
        for kind in kinds:
            name = "blk.%d.%s.weight" % (layer, kind)
            n_in, n_out = shapes[name]
            a = (rng.standard_normal((SMOL_R, n_in)) * A_STD).astype(np.float16)
            b = (rng.standard_normal((n_out, SMOL_R)) * B_STD).astype(np.float16)
            w.add_tensor(name + ".lora_a", a)
            w.add_tensor(name + ".lora_b", b)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def quant_ref(path):
    """Hard values and gguf.quants' conversions of them."""
    bits = lambda x: [int(v) for v in np.asarray(x, dtype=np.float32).view(np.uint32)]
    f16_min = np.float32(2.0 ** -24)
    vals = [0.0, -0.0, 1.0, -1.0, 65504.0, 65519.99, 65520.0, 70000.0, -1e9, np.inf, -np.inf, np.nan,
            -np.nan, 2.0 ** -25, 2.0 ** -25 * 1.0000001, 3 * 2.0 ** -25, f16_min, 1.5 * f16_min, 2.5 * f16_min,
            2.0 ** -14, 2.0 ** -14 * (1 - 2.0 ** -11), 1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -8,
            1 + 3 * 2.0 ** -8, 1 + 2.0 ** -8 + 2.0 ** -20, 3.4e38, 1e-40, -1e-45, 0.1, -0.3, 1234.5678]
    rng = np.random.default_rng(6200)
    vals += list(rng.standard_normal(64 - len(vals)) * 10.0 ** rng.integers(-8, 6, 64 - len(vals)))
    x = np.array(vals, dtype=np.float32)
    with np.errstate(over="ignore"):
        f16 = x.astype(np.float16).view(np.uint16)
    bf16 = np.frombuffer(quantize(x.reshape(1, -1), T.BF16).tobytes(), dtype="<u2")
    # Q8_0: blocks of 32 finite values: exact halves of the step, a zero block, tiny and huge scales
    q = []
    q.append([127 * (k - 16) / 127.0 for k in range(32)])           # amax 16: q = x * 127/16
    q.append([(k + 0.5) * (2.0 / 127) * (1 if k % 2 else -1) for k in range(31)] + [2.0])   # ties
    q.append([0.0] * 32)
    q.append(list(rng.standard_normal(32) * 1e-6))
    q.append(list(rng.standard_normal(32) * 1e-30))                 # d below F16's smallest subnormal
    q.append(list(rng.standard_normal(32) * 3e4))
    q.append(list(rng.standard_normal(32)))
    q.append([1.0] + [0.0] * 31)
    qx = np.array(q, dtype=np.float32)
    q8 = quantize(qx, T.Q8_0)
    rec = dict(values=bits(x), f16=[int(v) for v in f16], bf16=[int(v) for v in bf16],
               q8_0_values=bits(qx.reshape(-1)), q8_0=np.asarray(q8).tobytes().hex())
    with open(path, "w") as f:
        f.write(json.dumps(rec, separators=(",", ":")) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else D
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "..", "shared")
    exact = {}
    with open(os.path.join(D, "tiny-types-logits.jsonl")) as f:
        for line in f:
            rec = json.loads(line)
            exact[rec["file"]] = max(exact.get(rec["file"], 0.0), rec["exact_maxdiff"])
    with open(os.path.join(D, "smollm2-logits.jsonl")) as f:
        smol_exact = max(json.loads(line)["exact_maxdiff"] for line in f)
    quant_ref(os.path.join(out, "quant-ref.json"))
    lines = []
    tmp = tempfile.mkdtemp(prefix="gguf-merge-")

    def default_keep(t):
        return t if t in (T.F32, T.F16, T.BF16, T.Q8_0) else T.F16

    jobs = [(os.path.join(D, b), os.path.join(D, a), os.path.join(D, ap), dts, "tiny", None)
            for b, a, ap, dts in TINY]
    smol = os.path.join(shared, SMOLLM2)
    if os.path.exists(smol):
        write_smollm2_adapter(smol, os.path.join(out, SMOL_ADAPTER))
        sa = os.path.join(out, SMOL_ADAPTER)
        with open(os.path.join(shared, "data/arxiv/kaggle-first200.ndjson")) as f:
            abstracts = [" ".join(json.loads(line)["abstract"].split()) for line in f]
        jobs.append((smol, sa, sa, SMOL_DTYPES, "smollm2", abstracts))
    else:
        print("no %s: SmolLM2 skipped" % smol)
    for base, adapter, apart_adapter, dtypes, kind, ps in jobs:
        bname = os.path.basename(base)
        aname = os.path.relpath(adapter, D) if kind == "tiny" else os.path.basename(adapter)
        br = gguf.GGUFReader(base)
        fac = factors(adapter, br)
        f32 = os.path.join(tmp, "ref-f32.gguf")
        merge(base, adapter, f32, "f32")
        worst = check_values(base, f32, fac)
        print("%s + %s: f32 merge = W + scale B A (float64) within %.2g of max |W'| (%d tensors)"
              % (bname, aname, worst, len(fac)))
        paths, types = {}, {}
        for dtype in dtypes:
            path = paths[dtype] = os.path.join(tmp, "%s.gguf" % dtype)
            merge(base, adapter, path, dtype)
            mtype = types[dtype] = check_file(base, path, fac, dtype, default_keep)
            print("%s + %s --dtype %s: keys, tensors and raw data as the base's, adapted tensors %s"
                  % (bname, aname, dtype, mtype))
            if mtype != "F32":
                n = check_conversion(f32, path, mtype.lower(), fac, tmp)
                print("  %s: its %d adapted tensors = llama.cpp's quantizer on the f32 merge, byte for byte"
                      % (mtype, n))
        os.unlink(f32)
        plain = open_llama(base)
        apart = open_llama(base, apart_adapter)
        merged = {d: open_llama(p) for d, p in paths.items()}
        if kind == "tiny":
            ps = [(None, find_prompt(merged, n, 7100 + 1000 * k)) for k, n in enumerate(TINY_LENGTHS)]
        else:
            ps = find_chat_prompts(merged, plain, ps)
        for dtype in dtypes:
            path = paths[dtype]
            for record, ids in ps:
                first, toks, margins = run(merged[dtype], ids, N_GREEDY)
                ap, _, _ = run(apart, ids, 0)
                bl, _, _ = run(plain, ids, 0)
                z = first.astype(np.float64)
                d_apart = float(np.abs(z - ap).max())
                d_base = float(np.abs(z - bl).max())
                if kind == "tiny":
                    ex = max(exact[bname], exact[TYPE_FILE[types[dtype]]])
                    tol = 2 * ex + 0.01 * float(np.abs(z).max())
                    tol_apart = 2 * ex + 0.02 * float(np.abs(z).max())
                else:       # test_gguf_model's tolerance on the base (its largest)
                    tol = tol_apart = 2 * smol_exact
                print("%s --dtype %s, %d ids: max |merged - apart| %.4f (tol %.3f), |merged - base| %.2f, smallest "
                      "greedy margin %.3f" % (bname, dtype, len(ids), d_apart, tol_apart, d_base, min(margins)))
                assert d_apart <= tol_apart, "llama.cpp on the merged file is not the base with the adapter"
                assert d_base > 3 * tol_apart, "the adapter hardly moves the logits"
                assert min(margins) >= MIN_MARGIN[kind], "a greedy step near a tie"
                rec = dict(name="%s+%s.%s" % (bname[:-5], aname.replace("/", "").replace(".gguf", ""), dtype),
                           base=bname, adapter=aname, dtype=dtype, bytes=os.path.getsize(path),
                           sha256=sha256(path), merged_type=types[dtype], prompt=ids, n_vocab=plain.n_vocab())
                if record is not None:
                    rec["record"] = record
                if kind == "tiny":
                    rec["logits"] = [f9(v) for v in z]
                else:
                    top = np.argsort(-z, kind="stable")[:TOP]
                    rec.update(top_ids=[int(i) for i in top], top=[f9(z[i]) for i in top], stride=STRIDE,
                               strided=[f9(v) for v in z[::STRIDE]])
                rec.update(greedy=toks, greedy_margin=margins, apart_maxdiff=f9(d_apart), base_maxdiff=f9(d_base),
                           tol=f9(tol), tol_apart=f9(tol_apart))
                lines.append(rec)
        del plain, apart, merged
        for p in paths.values():
            os.unlink(p)
    os.rmdir(tmp)
    path = os.path.join(out, "merge-logits.jsonl")
    with open(path, "w") as f:
        for rec in lines:
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
    print("wrote %d lines to %s" % (len(lines), path))


if __name__ == "__main__":
    main()
