#!/usr/bin/env python3
"""gguf_to_hf.py IN.gguf OUTDIR - a GGUF llama whose tensors are all F32, F16
or BF16 as a Hugging Face folder (config.json + model.safetensors), the same
numbers in the same types, for the lora-train cases that train on both and
compare. Python's standard library only; written for these tests, it reads
what they need: GGUF v2/v3, the llama.* keys, tensors of types 0 (F32),
1 (F16) and 30 (BF16). The rows of attn_q and attn_k go back to the Hugging
Face order: llama.cpp's converter stores each head's rows as pairs (row j of
the first rotary half, row j of the second), so file row h*hd + 2*j + i is
Hugging Face row h*hd + i*hd/2 + j.
"""
import json
import os
import struct
import sys

SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
TYPES = {0: ("F32", 4), 1: ("F16", 2), 30: ("BF16", 2)}
NAMES = {"attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
         "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
         "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"}


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)[0]
        self.p += struct.calcsize(fmt)
        return v

    def string(self):
        n = self.take("<Q")
        s = self.d[self.p:self.p + n].decode("utf-8")
        self.p += n
        return s

    def value(self, t):
        if t == 8:
            return self.string()
        if t == 9:
            et, n = self.take("<I"), self.take("<Q")
            return [self.value(et) for _ in range(n)]
        return self.take(SCALARS[t])


def gguf_header(data):
    """A GGUF file's (key/values, [(name, dims, type, offset)], data section start)."""
    r = Reader(data)
    assert r.take("<I") == 0x46554747, "not a GGUF file"
    assert r.take("<I") in (2, 3)
    nt, nkv = r.take("<Q"), r.take("<Q")
    kv = {}
    for _ in range(nkv):
        k = r.string()
        kv[k] = r.value(r.take("<I"))
    infos = []
    for _ in range(nt):
        name = r.string()
        dims = [r.take("<Q") for _ in range(r.take("<I"))]
        infos.append((name, dims, r.take("<I"), r.take("<Q")))
    align = kv.get("general.alignment", 32)
    return kv, infos, (r.p + align - 1) // align * align


def unpermute(rows, n_head):
    """Hugging Face row order of a converter-permuted attn_q/attn_k: a list of file rows."""
    hd = len(rows) // n_head
    out = []
    for h in range(n_head):
        for i in range(2):
            for j in range(hd // 2):
                out.append(rows[h * hd + 2 * j + i])
    return out


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    data = open(src, "rb").read()
    kv, infos, base = gguf_header(data)
    n_head, n_kv = kv["llama.attention.head_count"], kv["llama.attention.head_count_kv"]
    tensors = {}
    for name, dims, t, off in infos:
        if t not in TYPES:
            sys.exit("%s: tensor %s: type %d is not F32, F16 or BF16" % (src, name, t))
        dtype, size = TYPES[t]
        cols = dims[0]
        nrows = 1
        for x in dims[1:]:
            nrows *= x
        raw = data[base + off:base + off + nrows * cols * size]
        rows = [raw[i * cols * size:(i + 1) * cols * size] for i in range(nrows)]
        parts = name.split(".")
        if name == "token_embd.weight":
            hf = "model.embed_tokens.weight"
        elif name == "output.weight":
            hf = "lm_head.weight"
        elif name == "output_norm.weight":
            hf = "model.norm.weight"
        else:
            hf = "model.layers.%s.%s.weight" % (parts[1], NAMES[parts[2]])
            if parts[2] in ("attn_q", "attn_k"):
                rows = unpermute(rows, n_head if parts[2] == "attn_q" else n_kv)
        shape = list(reversed(dims)) if len(dims) > 1 else [cols]
        tensors[hf] = (dtype, shape, b"".join(rows))
    header, blobs, at = {"__metadata__": {"format": "pt"}}, [], 0
    for k in sorted(tensors):
        dtype, shape, blob = tensors[k]
        header[k] = {"dtype": dtype, "shape": shape, "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * (-len(hj) % 8)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hj)) + hj + b"".join(blobs))
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama",
           "hidden_size": kv["llama.embedding_length"], "intermediate_size": kv["llama.feed_forward_length"],
           "num_hidden_layers": kv["llama.block_count"], "num_attention_heads": n_head, "num_key_value_heads": n_kv,
           "vocab_size": tensors["model.embed_tokens.weight"][1][0],
           "max_position_embeddings": kv["llama.context_length"],
           "rms_norm_eps": kv["llama.attention.layer_norm_rms_epsilon"], "rope_theta": kv["llama.rope.freq_base"],
           "tie_word_embeddings": "lm_head.weight" not in tensors,
           "bos_token_id": kv.get("tokenizer.ggml.bos_token_id"), "eos_token_id": kv.get("tokenizer.ggml.eos_token_id")}
    with open(os.path.join(outdir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


if __name__ == "__main__":
    main()
