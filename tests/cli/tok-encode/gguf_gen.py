#!/usr/bin/env python3
"""gguf_gen.py OUT KIND - a tiny GGUF v3 file (no tensors) holding a gpt2
tokenizer for the tok-encode cases: the 256 GPT-2 byte characters, "ab" and
"<|end|>" (control), the merge "a b", pre-tokenizer "smollm". KIND breaks it:
  ok            as above
  unknown-pre   tokenizer.ggml.pre "mistral-v9"
  no-tokens     tokenizer.ggml.tokens left out
  bad-merges    a merge "a z!" whose tokens are not in the vocabulary
  no-merges     tokenizer.ggml.merges left out
  bert          tokenizer.ggml.model "bert"
"""
import struct
import sys

STR, ARR, I32, U32, BOOL = 8, 9, 5, 4, 7


def s(x):
    b = x.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def byte_chars():
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    out, n = [], 0
    for b in range(256):
        if b in keep:
            out.append(chr(b))
        else:
            out.append(chr(256 + n))
            n += 1
    return out


def main():
    path, kind = sys.argv[1], sys.argv[2]
    tokens = byte_chars() + ["ab", "<|end|>"]
    types = [1] * 257 + [3]
    merges = ["a z!"] if kind == "bad-merges" else ["a b"]
    kv = [("tokenizer.ggml.model", STR, s("bert" if kind == "bert" else "gpt2"))]
    if kind != "no-tokens":
        kv.append(("tokenizer.ggml.tokens", ARR, struct.pack("<IQ", STR, len(tokens)) + b"".join(s(t) for t in tokens)))
    kv.append(("tokenizer.ggml.token_type", ARR, struct.pack("<IQ", I32, len(types)) + struct.pack("<%di" % len(types), *types)))
    if kind != "no-merges":
        kv.append(("tokenizer.ggml.merges", ARR, struct.pack("<IQ", STR, len(merges)) + b"".join(s(m) for m in merges)))
    kv.append(("tokenizer.ggml.pre", STR, s("mistral-v9" if kind == "unknown-pre" else "smollm")))
    kv.append(("tokenizer.ggml.eos_token_id", U32, struct.pack("<I", 257)))
    kv.append(("tokenizer.ggml.add_bos_token", BOOL, b"\0"))
    with open(path, "wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", 3, 0, len(kv)))
        for k, t, v in kv:
            f.write(s(k) + struct.pack("<I", t) + v)


if __name__ == "__main__":
    main()
