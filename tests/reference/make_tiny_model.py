#!/usr/bin/env python3
"""make_tiny_model.py - write tests/data/tg-model/: a tiny random LLaMA whose
vocabulary (32000) matches the LLaMA-2 SentencePiece tokenizer, for the
title-gen tool tests (config.json + model.safetensors in F16, about 2 MB; the
tests copy $SHARED/models/llama2-tokenizer/tokenizer.model next to it), and
greedy.ids: the reference greedy continuation of one prompt, computed with
the float64 PyTorch forward pass of llama_reference.py.

    PY tests/reference/make_tiny_model.py [TOKENIZER.model] [OUTDIR]

PY: a python3 with torch and sentencepiece (e.g. a venv made with
--system-site-packages over Debian's python3-torch, plus pip install sentencepiece).
greedy.ids holds one line: the first 8 generated token ids, space-separated,
for the prompt BOS + encode(alpaca prompt_input(INSTRUCTION, ABSTRACT)) with
ChatGenTitle's instruction and the abstract in tests/data/tg-abstract.txt.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_reference import base_config, forward, random_weights, st_bytes  # noqa: E402

INSTRUCTION = ("If you are an expert in writing papers, please generate a good paper title for this paper based "
               "on other authors' descriptions of their abstracts.")
TEMPLATE = ("Below is an instruction that describes a task, paired with an input that provides further context. "
            "Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n"
            "### Input:\n{input}\n\n### Response:\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    tokpath = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../../shared/models/llama2-tokenizer/tokenizer.model")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "../data/tg-model")
    os.makedirs(out, exist_ok=True)
    cfg = base_config(vocab_size=32000, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=512,
                      torch_dtype="float16")
    gen = torch.Generator().manual_seed(20240601)
    W = random_weights(cfg, gen, torch.float16)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(st_bytes(W))

    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=tokpath)
    abstract = open(os.path.join(here, "../data/tg-abstract.txt")).read().strip("\n")
    ids = [sp.bos_id()] + sp.encode(TEMPLATE.format(instruction=INSTRUCTION, input=abstract))
    gen_ids = []
    for _ in range(8):
        logits = forward(cfg, W, ids + gen_ids)
        gen_ids.append(int(torch.argmax(logits[-1])))
    with open(os.path.join(out, "greedy.ids"), "w") as f:
        f.write(" ".join(map(str, gen_ids)) + "\n")
    print("prompt %d tokens, greedy %s" % (len(ids), gen_ids))


if __name__ == "__main__":
    main()
