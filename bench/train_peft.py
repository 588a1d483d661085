#!/usr/bin/env python3
"""train_peft.py - the PyTorch + peft side of bench/train.sh's SmolLM2-135M row,
and the two preparation steps it needs. Needs torch, transformers, peft, gguf
and numpy (a venv: bench/train.sh's VENV).

    train_peft.py dequant IN.gguf OUTDIR
        every tensor of the GGUF file dequantized to float32 by llama.cpp's own
        Python package (gguf.quants.dequantize), the rows of attn_q/attn_k put
        back in Hugging Face's order (file row h*hd + 2*j + i is HF row
        h*hd + i*hd/2 + j), written as a Hugging Face folder: config.json
        (llama keys, tie_word_embeddings when the file has no output.weight)
        and model.safetensors (F32).
    train_peft.py filter IN.tok OUT.tok T N
        the first N records of IN.tok that have exactly T tokens (tok-encode
        --cutoff-len T shortens a longer example's input to make it T tokens,
        keeping its response and EOS), with their response starts, so that
        every batch is T tokens wide and needs no padding on either side.
    train_peft.py train MODEL_DIR STREAM --micro M --accum K --steps S --threads N
                  [--lora-r R --lora-alpha A --lora-dropout P --lr X --attn eager|sdpa]
        LoRA training with transformers' LlamaForCausalLM (float32) and peft:
        LoraConfig(r, lora_alpha, lora_dropout, the seven projections), S
        optimizer steps of K micro-batches of M records taken in stream order,
        labels -100 before each record's response start (the loss lora-train
        computes with the stream's mask: mean over the response tokens of a
        micro-batch, divided by K), clip_grad_norm_ 1.0, torch.optim.AdamW on
        the adapter parameters (constant lr, no decay), torch.set_num_threads(N).
        Prints one line "tokens_per_s=X loss_first=Y loss_last=Z peak_rss_mb=W
        params=P trained=Q attn=I"; tokens/s counts every token of the
        micro-batches after the first step (warm-up), params counts the base
        model's parameters with the tied embedding once.
"""
import json
import os
import resource
import struct
import sys
import time

MAGIC = bytes([0x47, 0x54, 0x4F, 0x8B, 0x0D, 0x0A, 0x1A, 0x0A])
LINS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
GG = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
      "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
      "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}


def read_stream(path):
    """gentitle-tokens(5): the first header and the records as (ids, response start)."""
    data = open(path, "rb").read()
    recs, i, width, header = [], 0, 2, None
    while i < len(data):
        if data[i:i + 8] == MAGIC:
            header = header or data[i:i + 32]
            width = data[i + 10]
            i += 32
            continue
        n, r = struct.unpack_from("<II", data, i)
        i += 8
        recs.append((list(struct.unpack_from("<%d%s" % (n, "H" if width == 2 else "I"), data, i)), r))
        i += n * width
    return header, recs


def write_stream(path, header, recs):
    width = header[10]
    with open(path, "wb") as f:
        f.write(header)
        for ids, r in recs:
            f.write(struct.pack("<II", len(ids), r))
            f.write(struct.pack("<%d%s" % (len(ids), "H" if width == 2 else "I"), *ids))


def dequant(src, outdir):
    import numpy as np
    import gguf
    from safetensors.numpy import save_file

    rd = gguf.GGUFReader(src)

    def field(key, default=None):
        if key not in rd.fields:
            return default
        f = rd.fields[key]
        v = f.parts[f.data[0]]
        return v.tolist()[0] if hasattr(v, "tolist") else v

    n_head, n_kv = field("llama.attention.head_count"), field("llama.attention.head_count_kv")
    W = {}
    for t in rd.tensors:
        a = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        shape = [int(x) for x in reversed(t.shape)]
        a = a.reshape(shape) if len(shape) > 1 else a.reshape(-1)
        parts = t.name.split(".")
        if t.name == "token_embd.weight":
            name = "model.embed_tokens.weight"
        elif t.name == "output.weight":
            name = "lm_head.weight"
        elif t.name == "output_norm.weight":
            name = "model.norm.weight"
        else:
            name = "model.layers.%s.%s.weight" % (parts[1], GG[parts[2]])
            if parts[2] in ("attn_q", "attn_k"):
                nh = n_head if parts[2] == "attn_q" else n_kv
                rows, cols = a.shape
                a = a.reshape(nh, rows // nh // 2, 2, cols).swapaxes(1, 2).reshape(rows, cols)
        W[name] = np.ascontiguousarray(a)
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
           "hidden_size": field("llama.embedding_length"), "intermediate_size": field("llama.feed_forward_length"),
           "num_hidden_layers": field("llama.block_count"), "num_attention_heads": n_head,
           "num_key_value_heads": n_kv, "vocab_size": int(W["model.embed_tokens.weight"].shape[0]),
           "max_position_embeddings": field("llama.context_length", 2048),
           "rms_norm_eps": field("llama.attention.layer_norm_rms_epsilon"),
           "rope_theta": field("llama.rope.freq_base", 10000.0),
           "tie_word_embeddings": "lm_head.weight" not in W,
           "bos_token_id": field("tokenizer.ggml.bos_token_id"), "eos_token_id": field("tokenizer.ggml.eos_token_id"),
           "torch_dtype": "float32"}
    os.makedirs(outdir, exist_ok=True)
    save_file(W, os.path.join(outdir, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(outdir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    print("%s: %d tensors (%s) to F32 in %s" % (src, len(W), ",".join(sorted({t.tensor_type.name for t in rd.tensors})),
                                                outdir), file=sys.stderr)


def train(args):
    import torch
    import transformers
    from peft import LoraConfig, get_peft_model

    mdir, stream = args[0], args[1]
    opt = dict(micro=4, accum=2, steps=4, threads=1, r=16, alpha=32.0, dropout=0.05, lr=1e-3, attn="eager")
    i = 2
    while i < len(args):
        key = {"--micro": "micro", "--accum": "accum", "--steps": "steps", "--threads": "threads", "--lora-r": "r",
               "--lora-alpha": "alpha", "--lora-dropout": "dropout", "--lr": "lr", "--attn": "attn"}[args[i]]
        opt[key] = type(opt[key])(args[i + 1])
        i += 2
    torch.set_num_threads(opt["threads"])
    torch.manual_seed(0)
    transformers.logging.set_verbosity_error()
    model = transformers.LlamaForCausalLM.from_pretrained(mdir, torch_dtype=torch.float32,
                                                          attn_implementation=opt["attn"])
    nparams = sum(p.numel() for p in model.parameters())    # parameters(): a tied tensor once
    cfg = LoraConfig(r=opt["r"], lora_alpha=opt["alpha"], lora_dropout=opt["dropout"], target_modules=LINS,
                     bias="none", task_type="CAUSAL_LM")
    model = get_peft_model(model, cfg)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    trained = sum(p.numel() for p in params)
    optim = torch.optim.AdamW(params, lr=opt["lr"], weight_decay=0.0)
    _, recs = read_stream(stream)
    M, K = opt["micro"], opt["accum"]
    losses, t1, ntok, b = [], None, 0, 0
    for step in range(opt["steps"]):
        optim.zero_grad()
        lsum = 0.0
        for _ in range(K):
            batch = [recs[(b * M + j) % len(recs)] for j in range(M)]
            b += 1
            tokens = torch.tensor([ids for ids, _ in batch], dtype=torch.long)
            labels = tokens.clone()
            for j, (_, r) in enumerate(batch):
                labels[j, :r] = -100
            loss = model(input_ids=tokens, labels=labels).loss / K
            loss.backward()
            lsum += loss.item()
            if step > 0:
                ntok += tokens.numel()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optim.step()
        losses.append(lsum)
        if step == 0:
            t1 = time.time()
    el = time.time() - t1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("tokens_per_s=%.1f loss_first=%.4f loss_last=%.4f peak_rss_mb=%.0f params=%d trained=%d attn=%s" %
          (ntok / el if el > 0 else 0, losses[0], losses[-1], rss, nparams, trained,
           model.base_model.model.config._attn_implementation))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "dequant":
        dequant(sys.argv[2], sys.argv[3])
    elif cmd == "filter":
        header, recs = read_stream(sys.argv[2])
        T, N = int(sys.argv[4]), int(sys.argv[5])
        keep = [rec for rec in recs if len(rec[0]) == T][:N]
        write_stream(sys.argv[3], header, keep)
        print("%d of %d records have exactly %d tokens; kept %d" % (sum(len(x) == T for x, _ in recs), len(recs), T,
                                                                    len(keep)), file=sys.stderr)
        if len(keep) < N:
            sys.exit(65)
    elif cmd == "train":
        train(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
