#!/usr/bin/env python3
"""make_hf_tokenizers.py - build the small Hugging Face tokenizer.json test
tokenizers in tests/data/ and their expected ids, with the `tokenizers` library.

No tokenizer.json is in ../shared/models/ and none can be downloaded, so three
small ones are trained on 20,000 titles+abstracts of arxiv-2025 (the exactness
check in check_hf_tokenizers.sh uses the other files), each with the pipeline of
a real family:
  hf-spm    LLaMA-1/2, Mistral, TinyLlama: BPE with byte_fallback and <0xNN>
            pieces at ids 3..258, normalizer Sequence[Prepend("▁"),
            Replace(" ", "▁")], no pre-tokenizer, decoder Sequence[Replace,
            ByteFallback, Fuse, Strip]; merges stored as ["a", "b"] pairs
  hf-gpt2   GPT-2: byte-level BPE, pre_tokenizer ByteLevel(use_regex=True)
            (the GPT-2 regex), decoder ByteLevel; merges as legacy "a b" strings
  hf-llama3 LLaMA-3: Split(LLaMA-3 regex, isolated) + ByteLevel(use_regex=False),
            ignore_merges, TemplateProcessing with <|begin_of_text|>
Then it writes, for each, the ids of the fixtures (tests/data/hf-fixture.txt,
one text a line: tok-hard.txt with invalid bytes as U+FFFD, extra hard strings,
300 real lines; and tests/data/hf-fixture-nl.jsonl, pairs whose instruction is
a text with newlines, encoded with tests/data/hf-raw.template.json) to
tests/data/hf-KIND.ids.

Usage: python3 tests/reference/make_hf_tokenizers.py [SHARED]   (needs `tokenizers`;
a venv outside the repo: python3 -m venv /tmp/hfvenv && /tmp/hfvenv/bin/pip install tokenizers)
"""
import json
import os
import subprocess
import sys

from tokenizers import Tokenizer, Regex, models, normalizers, pre_tokenizers, decoders, trainers, processors

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared")
DATA = os.path.join(ROOT, "tests", "data")

GPT2_RE = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
LLAMA3_RE = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""


def records(name, n):
    p = subprocess.Popen(["zstdcat", os.path.join(SHARED, "data", "arxiv", name)], stdout=subprocess.PIPE)
    out = []
    for line in p.stdout:
        out.append(json.loads(line))
        if len(out) >= n:
            break
    p.kill()
    p.wait()
    return out


def fix_bytes(b):
    """Bytes to text as tok-encode reads them: each invalid UTF-8 byte is U+FFFD."""
    s = b.decode("utf-8", "surrogateescape")
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in s)


def train_spm(texts):
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    # train on ▁-words, as sentencepiece does; use the LLaMA pipeline (no pre-tokenizer) after
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="never", split=True)
    tr = trainers.BpeTrainer(vocab_size=3300, special_tokens=["<unk>", "<s>", "</s>"], limit_alphabet=200,
                             show_progress=False)
    tok.train_from_iterator(texts, tr)
    tok.pre_tokenizer = None
    tok.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                     decoders.Strip(" ", 1, 0)])
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                                       special_tokens=[("<s>", 1)])
    j = json.loads(tok.to_str())
    # LLaMA layout: <unk> <s> </s>, then the 256 byte pieces, then the rest
    old = sorted(j["model"]["vocab"].items(), key=lambda kv: kv[1])
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for k, _ in old:
        if k not in vocab:
            vocab[k] = len(vocab)
    j["model"]["vocab"] = vocab
    for a in j["added_tokens"]:
        a["id"] = vocab[a["content"]]
    j["post_processor"]["special_tokens"]["<s>"]["ids"] = [1]
    return Tokenizer.from_str(json.dumps(j, ensure_ascii=False))


def train_bytelevel(texts, llama3):
    tok = Tokenizer(models.BPE(ignore_merges=llama3))
    if llama3:
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3_RE), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
        specials = ["<|begin_of_text|>", "<|end_of_text|>"]
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
        specials = ["<|endoftext|>"]
    tok.decoder = decoders.ByteLevel()
    tr = trainers.BpeTrainer(vocab_size=3000 if llama3 else 2800, special_tokens=specials,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, tr)
    if llama3:
        tok.post_processor = processors.TemplateProcessing(
            single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|> $B",
            special_tokens=[("<|begin_of_text|>", tok.token_to_id("<|begin_of_text|>"))])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def save(tok, path, legacy_merges):
    j = json.loads(tok.to_str())
    if legacy_merges:
        j["model"]["merges"] = [a + " " + b for a, b in j["model"]["merges"]]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(j, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return Tokenizer.from_file(path)


def main():
    train = records("arxiv-2025.ndjson.zst", 20000)
    texts = [r["title"] for r in train] + [r["abstract"] for r in train]

    # fixtures: hard strings, real lines (raw and collapsed), texts with newlines
    with open(os.path.join(DATA, "tok-hard.txt"), "rb") as f:
        hard = [fix_bytes(l) for l in f.read().split(b"\n")[:-1]]
    extra = ["", " ", "  leading spaces", "trailing  ", "it's we'll THEY'RE I'M you'd 'S", "x<s>y</s> <unk>",
             "<|endoftext|> a <|begin_of_text|>b<|end_of_text|>", "1234567 12 3.14159 1,000,000",
             "tab\there", "\u00a0nbsp\u2003em\u3000ideographic", "ſ 'ſ K Å", "a\u0300\u0301 e\u0301",
             "\u200b\u200d zero width", "dots... --- ??? !!!", "x" * 300, "ab" * 150 + " " + "\u00e9" * 100]
    fix_recs = records("arxiv-2017.ndjson.zst", 220)[-220:]
    real = []
    for r in fix_recs[:150]:
        for s in (r["title"], r["abstract"]):
            real.append(" ".join(s.split()))
    lines = hard + extra + real
    lines = [l for l in lines if "\n" not in l and "\r" not in l]
    with open(os.path.join(DATA, "hf-fixture.txt"), "w", encoding="utf-8") as f:
        for l in lines:
            f.write(l + "\n")
    nl = ["a\nb", "\n", "\n\n\n", "x \n y", "line one\r\nline two\r\n", "\t\n  \n", "word\n\n  next",
          "end with space \n", "numbers 12345\n678"]
    for r in fix_recs[150:]:
        nl += [r["title"], r["abstract"]]
    with open(os.path.join(DATA, "hf-fixture-nl.jsonl"), "w", encoding="utf-8") as f:
        for s in nl:
            f.write(json.dumps({"instruction": s, "input": "", "output": ""}, ensure_ascii=False) + "\n")
    # a template that renders the instruction alone: tok-encode --pairs then encodes exactly the text
    with open(os.path.join(DATA, "hf-raw.template.json"), "w") as f:
        f.write('{"prompt_input":"{instruction}{input}","prompt_no_input":"{instruction}","response_split":""}\n')
    kinds = {
        "spm": lambda: train_spm(texts),
        "gpt2": lambda: train_bytelevel(texts, False),
        "llama3": lambda: train_bytelevel(texts, True),
    }
    for kind, make in kinds.items():
        path = os.path.join(DATA, "hf-%s.tokenizer.json" % kind)
        tok = save(make(), path, legacy_merges=(kind == "gpt2"))
        with open(os.path.join(DATA, "hf-%s.ids" % kind), "w") as f:
            for s in lines + nl:
                f.write(" ".join(map(str, tok.encode(s, add_special_tokens=False).ids)) + "\n")
        print(kind, os.path.getsize(path), "bytes,", tok.get_vocab_size(), "ids")


if __name__ == "__main__":
    main()
