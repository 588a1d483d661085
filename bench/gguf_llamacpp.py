#!/usr/bin/env python3
"""gguf_llamacpp.py - llama.cpp's own prefill and decode speed on a GGUF file,
the peer of title-gen in bench/gguf.sh.

    VENV/bin/python bench/gguf_llamacpp.py MODEL.gguf [PROMPT [DECODE [THREADS [SHARED]]]]
        (defaults 256 prompt tokens, 128 decoded, threads "1,2", ../shared;
         VENV: llama-cpp-python built from source with native CPU flags, see
         tests/reference/README.md)

The prompt: ChatML around the abstracts of SHARED's kaggle-first200.ndjson
(whitespace collapsed, one after another), tokenized by llama.cpp and cut to
exactly PROMPT tokens. Each thread count runs in a process of its own
(llama.cpp with n_threads = n_threads_batch = N, its defaults otherwise: F16
KV cache, no flash attention): a 16-token warm-up, then the prompt in one
batch and DECODE greedy tokens one at a time. The times are llama.cpp's own
perf counters (llama_perf_context: t_p_eval_ms over n_p_eval prompt tokens,
t_eval_ms over n_eval decoded ones), not Python's.

Prints one line per thread count, as bench/forward_ref.py does:
    llamacpp threads=N prompt=P decode=D prefill_tok_s=X decode_tok_s=Y peak_rss_mb=Z
"""
import json
import os
import resource
import subprocess
import sys

import numpy as np
import llama_cpp
from llama_cpp import Llama

HERE = os.path.dirname(os.path.abspath(__file__))
CHATML = "<|im_start|>user\nWrite a title for this abstract.\n\n{}<|im_end|>\n<|im_start|>assistant\n"


def prompt_ids(llm, shared, n):
    with open(os.path.join(shared, "data/arxiv/kaggle-first200.ndjson")) as f:
        text = " ".join(" ".join(json.loads(l)["abstract"].split()) for l in f)
    ids = llm.tokenize(CHATML.format(text).encode(), add_bos=True, special=True)
    if len(ids) < n:
        sys.exit("gguf_llamacpp: the prompt has only %d tokens, %d wanted" % (len(ids), n))
    return ids[:n]


def run(model, n_prompt, n_decode, threads, shared):
    llm = Llama(model_path=model, n_ctx=n_prompt + n_decode + 16, n_batch=512, n_threads=threads,
                n_threads_batch=threads, logits_all=False, verbose=False)
    ctx = llm._ctx.ctx
    ids = prompt_ids(llm, shared, n_prompt)
    llm.eval(ids[:16])
    # llama.cpp books a batch's time when it next synchronizes: settle the
    # warm-up before the reset, and the last token before reading
    llama_cpp.llama_synchronize(ctx)
    llm.reset()
    llama_cpp.llama_perf_context_reset(ctx)
    llm.eval(ids)
    for _ in range(n_decode):
        z = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx, -1), shape=(llm.n_vocab(),))
        llm.eval([int(np.argmax(z))])
    llama_cpp.llama_synchronize(ctx)
    p = llama_cpp.llama_perf_context(ctx)
    assert p.n_p_eval == n_prompt and p.n_eval == n_decode, (p.n_p_eval, p.n_eval)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("llamacpp threads=%d prompt=%d decode=%d prefill_tok_s=%.1f decode_tok_s=%.1f peak_rss_mb=%.1f"
          % (threads, n_prompt, n_decode, 1000.0 * p.n_p_eval / p.t_p_eval_ms,
             1000.0 * p.n_eval / p.t_eval_ms, rss), flush=True)


def main():
    a = sys.argv[1:]
    if not a or a[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    model = a[0]
    n_prompt = int(a[1]) if len(a) > 1 else 256
    n_decode = int(a[2]) if len(a) > 2 else 128
    threads = a[3] if len(a) > 3 else "1,2"
    shared = a[4] if len(a) > 4 else os.path.join(HERE, "..", "..", "shared")
    if "," in threads:   # one process per thread count: its own peak RSS
        for t in threads.split(","):
            subprocess.run([sys.executable, os.path.abspath(__file__), model, str(n_prompt), str(n_decode),
                            t, shared], check=True)
    else:
        run(model, n_prompt, n_decode, int(threads), shared)


if __name__ == "__main__":
    main()
