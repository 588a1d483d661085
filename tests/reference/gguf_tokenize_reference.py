#!/usr/bin/env python3
"""gguf_tokenize_reference.py - llama.cpp's own token ids for GGUF tokenizers,
the reference of issue #12's tokenization tests.

    python3 -m venv VENV && VENV/bin/pip install gguf numpy sentencepiece
    CMAKE_ARGS="-DGGML_NATIVE=ON" VENV/bin/pip install --no-binary llama-cpp-python llama-cpp-python==0.3.36
    VENV/bin/python tests/reference/gguf_tokenize_reference.py [OUTDIR] [SHARED]
        (defaults tests/data/gguf and ../shared)

Writes into OUTDIR (tests/reference/README.md has the formats):
  llama2-spm.gguf          the LLaMA-2 SentencePiece tokenizer (SHARED's
                           llama2-tokenizer/tokenizer.model) as a GGUF
                           tokenizer.ggml.model "llama", written with gguf's
                           GGUFWriter as llama.cpp's converter writes one, on
                           a tiny random llama (2 layers, embedding 8) that
                           llama.cpp loads
  tok-inputs.jsonl.zst     the inputs, one JSON string a line: the hard
                           strings first (tests/data/tok-hard.txt and the
                           HARD list below), then 5,000 titles, then the
                           5,000 abstracts of the same records
  tok-smollm2.ids.zst      line k: llama.cpp's ids for input line k on the
                           shared SmolLM2 GGUF (gpt2 type, pre "smollm")
  tok-llama2-spm.ids.zst   the same on llama2-spm.gguf
Ids are Llama(path, vocab_only=True).tokenize(text.encode(), add_bos=True,
special=True): the file's own add_bos_token/add_eos_token rules apply (BOS 1
first for llama2-spm.gguf, nothing for SmolLM2) and control-token text is
matched as the token.
"""
import json
import os
import subprocess
import sys

import numpy as np
import gguf
import sentencepiece
from llama_cpp import Llama

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMOLLM2 = "models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
SPM_MODEL = "models/llama2-tokenizer/tokenizer.model"

# Records taken from each arXiv file, every (total // n)-th from the first:
# the 2017 file's texts raw (hard wraps, two leading spaces, as the dump has
# them), the others' whitespace collapsed as title-gen's cleaned prompts are.
SOURCES = [("arxiv-2017.ndjson.zst", 2000, True), ("arxiv-2020.ndjson.zst", 1500, False),
           ("arxiv-2025.ndjson.zst", 1500, False)]

# Hard strings beyond tests/data/tok-hard.txt.
DIGITS = "1234567890123456789012345"
HARD = (["", " ", "  ", "\t", "\n", "\n\n", "\r\n", " \n ", "\t\t\n\n  \t"]
        + [DIGITS[:n] for n in range(1, 26)]
        + ["x" + DIGITS[:n] + "y" for n in (1, 2, 3, 4, 5, 7, 9)]
        + ["3.14159 1,000,000 2025-03-01 10^{-12} 0.5x 1e-5 v2.0.1 #42 $100 50%",
           "spaces" + " " * 1 + "a" + " " * 2 + "b" + " " * 3 + "c" + " " * 4 + "d" + " " * 7 + "e" + " " * 16 + "f",
           "tabs\ta\t\tb\t\t\tc", "newlines\na\n\nb\n\n\nc\n\n\n\n", "  leading two", "trailing two  ",
           " x", "x ", "\nx\n", "mixed \t\n \t\n end",
           "<|im_start|>user\n", "<|im_start|>assistant\n", "<|im_end|>\n", "<|endoftext|>",
           "<|im_start|>user\nWrite a title for this abstract.\n\nWe study X.<|im_end|>\n<|im_start|>assistant\n",
           "a<|endoftext|>b", "<|im_start|><|im_end|><|im_start|>", "<|im_start", "<|im_start|", "<<|im_end|>>",
           " <|im_end|> ", "<|IM_START|>", "<repo_name>x<file_sep>y<filename>", "<s>", "</s>", "<unk>",
           "<s>hello</s>", " <s> ", "x<s>y</s>z", "<s><s></s></s>", "<0x41><0x0A>", "<pad>",
           "It's we'll THEY'RE I'M you'd 'S can't", "Hello World HELLO world hello",
           "\\frac{a}{b} $\\alpha_{i}^{2}$ \\mathcal{O}(n^2) \\cite{x,y} \\'e \\\"o {\\em et al.}",
           "Schrödinger Ångström Erdős Łukasiewicz naïve café résumé Ünïcödé",
           "日本語の論文 中文标题 한국어 제목 Ελληνικά Русский עברית العربية हिन्दी ไทย",
           "emoji 🤗🚀 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️", "\u00a0nbsp\u2003em\u3000ideo\u200bzw", "a\u0300\u0301 e\u0301 \ufffd",
           "x" * 300, "ab " * 100, "." * 50, "-" * 40 + ">", "!!!???...", "(a)[b]{c}<d>",
           "https://arxiv.org/abs/1706.03762v5 and doi:10.1103/PhysRevLett.116.061102"])


def fix_bytes(b):
    """Bytes to text as tok-encode reads them: each invalid UTF-8 byte is U+FFFD."""
    s = b.decode("utf-8", "surrogateescape")
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in s)


def hard_strings():
    """tok-hard.txt's lines (its NUL line left out: a JSON string read into a
    C string would end at the NUL) and the HARD list."""
    with open(os.path.join(ROOT, "tests/data/tok-hard.txt"), "rb") as f:
        lines = [fix_bytes(l) for l in f.read().split(b"\n")[:-1] if b"\0" not in l]
    return lines + HARD


def records(path, n):
    raw = subprocess.run(["zstd", "-dcq", "--long=27", path], capture_output=True, check=True).stdout
    lines = raw.decode("utf-8").splitlines()
    step = len(lines) // n
    return [json.loads(lines[i * step]) for i in range(n)]


def real_lines(shared):
    titles, abstracts = [], []
    for name, n, raw in SOURCES:
        for r in records(os.path.join(shared, "data/arxiv", name), n):
            for s, out in ((r["title"], titles), (r["abstract"], abstracts)):
                out.append(s if raw else " ".join(s.split()))
    return titles + abstracts


def spm_vocab(path):
    """Pieces, scores and llama.cpp token types of a SentencePiece model, as
    llama.cpp's converter reads them (1 normal, 2 unknown, 3 control,
    5 unused, 6 byte)."""
    sp = sentencepiece.SentencePieceProcessor(model_file=path)
    toks, scores, types = [], [], []
    for i in range(sp.vocab_size()):
        toks.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        types.append(2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 5 if sp.is_unused(i)
                     else 6 if sp.is_byte(i) else 1)
    return toks, scores, types, sp


def write_spm_gguf(path, spm_path):
    """The LLaMA-2 tokenizer on a tiny random llama: 2 layers, embedding 8,
    2 heads of 4, 1 kv head, feed-forward 16; the 32000x8 token embedding
    (tied output) in F16, the rest F32: 1.24 MB, of which the vocabulary
    is 0.73 MB and the embedding 0.5 MB."""
    toks, scores, types, sp = spm_vocab(spm_path)
    n_embd, n_head, n_kv, n_ff, n_layer = 8, 2, 1, 16, 2
    hd = n_embd // n_head
    rng = np.random.default_rng(1200)
    w = gguf.GGUFWriter(path, "llama")
    w.add_name("llama2-spm-tiny")
    w.add_context_length(4096)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_rope_dimension_count(hd)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_freq_base(10000.0)
    w.add_vocab_size(len(toks))
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(toks)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(sp.unk_id())
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(True)

    def rnd(*shape):
        return (rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32)

    # entries from a few powers of two: random, and the file packs small in git
    emb = rng.choice(np.array([-1, -0.5, -0.25, 0.25, 0.5, 1], dtype=np.float16), (len(toks), n_embd))
    w.add_tensor("token_embd.weight", emb)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    for l in range(n_layer):
        p = "blk.%d." % l
        w.add_tensor(p + "attn_norm.weight", (1 + 0.1 * rng.standard_normal(n_embd)).astype(np.float32))
        w.add_tensor(p + "attn_q.weight", rnd(n_head * hd, n_embd))
        w.add_tensor(p + "attn_k.weight", rnd(n_kv * hd, n_embd))
        w.add_tensor(p + "attn_v.weight", rnd(n_kv * hd, n_embd))
        w.add_tensor(p + "attn_output.weight", rnd(n_embd, n_head * hd))
        w.add_tensor(p + "ffn_norm.weight", (1 + 0.1 * rng.standard_normal(n_embd)).astype(np.float32))
        w.add_tensor(p + "ffn_gate.weight", rnd(n_ff, n_embd))
        w.add_tensor(p + "ffn_up.weight", rnd(n_ff, n_embd))
        w.add_tensor(p + "ffn_down.weight", rnd(n_embd, n_ff))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def check_loads(path):
    """llama.cpp loads the whole tiny model and runs it: finite logits."""
    llm = Llama(model_path=path, n_ctx=64, n_threads=1, verbose=False)
    llm.eval(llm.tokenize(b"A tiny model.", add_bos=True, special=True))
    assert np.all(np.isfinite(llm.scores[llm.n_tokens - 1])), path
    llm.close()


def write_zst(path, lines):
    data = "".join(l + "\n" for l in lines).encode("utf-8")
    subprocess.run(["zstd", "-19", "-q", "-f", "-o", path], input=data, check=True)


def tokenize_all(path, texts):
    llm = Llama(model_path=path, vocab_only=True, verbose=False)
    out = [" ".join(map(str, llm.tokenize(t.encode("utf-8"), add_bos=True, special=True))) for t in texts]
    llm.close()
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/gguf")
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "../shared")
    os.makedirs(out, exist_ok=True)
    spm_gguf = os.path.join(out, "llama2-spm.gguf")
    write_spm_gguf(spm_gguf, os.path.join(shared, SPM_MODEL))
    check_loads(spm_gguf)

    hard = hard_strings()
    texts = hard + real_lines(shared)
    write_zst(os.path.join(out, "tok-inputs.jsonl.zst"), [json.dumps(t, ensure_ascii=False) for t in texts])
    for name, path in (("smollm2", os.path.join(shared, SMOLLM2)), ("llama2-spm", spm_gguf)):
        ids = tokenize_all(path, texts)
        write_zst(os.path.join(out, "tok-%s.ids.zst" % name), ids)
        n = sum(len(l.split()) for l in ids)
        print("tok-%s.ids.zst: %d lines (%d hard), %d ids" % (name, len(ids), len(hard), n))


if __name__ == "__main__":
    main()
