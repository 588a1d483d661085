#!/usr/bin/env python3
"""Build tests/data/lt-model: a tiny random LLaMA (F32, tied embeddings) whose
vocabulary matches tests/data/hf-spm.tokenizer.json, for lora-train's tests.
Pure Python (no numpy/torch): python3 tests/reference/make_lt_model.py

The token-stream fixtures beside it were made with tok-encode from real arXiv
pairs (lt-pairs.jsonl: the first 48 records of kaggle-first200.ndjson with an
abstract under 700 characters, whitespace collapsed):
  T="--template tests/data/lt-short.template.json -q"
  head -40 tests/data/lt-pairs.jsonl | tok-encode -m tests/data/lt-model $T --cutoff-len 48 -o tests/data/lt-train.tok
  tail -8 tests/data/lt-pairs.jsonl | tok-encode -m tests/data/lt-model $T --cutoff-len 48 -o tests/data/lt-val.tok
  head -12 tests/data/lt-pairs.jsonl | tok-encode -m tests/data/lt-model $T --cutoff-len 30 -o tests/data/lt-short.tok
  head -4 tests/data/lt-pairs.jsonl | tok-encode -m tests/data/lt-model $T -o tests/data/lt-long.tok
  head -4 tests/data/lt-pairs.jsonl | tok-encode -t tests/data/hf-gpt2.tokenizer.json $T --cutoff-len 48 -o tests/data/lt-gpt2.tok
"""
import json, os, random, shutil, struct

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
out = os.path.join(root, "lt-model")
os.makedirs(out, exist_ok=True)
tok = json.load(open(os.path.join(root, "hf-spm.tokenizer.json")))
V = max(list(tok["model"]["vocab"].values()) + [a["id"] for a in tok.get("added_tokens", [])]) + 1
D, F, L, H, KV = 16, 32, 2, 2, 1
hd = D // H
cfg = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
    "vocab_size": V, "hidden_size": D, "intermediate_size": F, "num_hidden_layers": L,
    "num_attention_heads": H, "num_key_value_heads": KV, "max_position_embeddings": 512,
    "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "rope_scaling": None, "tie_word_embeddings": True,
    "attention_bias": False, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
}
rng = random.Random(1234)
tensors = {}
def rand(rows, cols, std):
    return [rng.gauss(0, std) for _ in range(rows * cols)], [rows, cols]
tensors["model.embed_tokens.weight"] = rand(V, D, 0.5)
tensors["model.norm.weight"] = ([1.0] * D, [D])
for l in range(L):
    p = "model.layers.%d." % l
    tensors[p + "input_layernorm.weight"] = ([1.0] * D, [D])
    tensors[p + "post_attention_layernorm.weight"] = ([1.0] * D, [D])
    tensors[p + "self_attn.q_proj.weight"] = rand(H * hd, D, 0.2)
    tensors[p + "self_attn.k_proj.weight"] = rand(KV * hd, D, 0.2)
    tensors[p + "self_attn.v_proj.weight"] = rand(KV * hd, D, 0.2)
    tensors[p + "self_attn.o_proj.weight"] = rand(D, H * hd, 0.2)
    tensors[p + "mlp.gate_proj.weight"] = rand(F, D, 0.2)
    tensors[p + "mlp.up_proj.weight"] = rand(F, D, 0.2)
    tensors[p + "mlp.down_proj.weight"] = rand(D, F, 0.2)
hdr, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
for name in sorted(tensors):
    vals, shape = tensors[name]
    b = struct.pack("<%df" % len(vals), *vals)
    hdr[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(hdr, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
with open(os.path.join(out, "config.json"), "w") as f:
    json.dump(cfg, f, indent=2)
    f.write("\n")
shutil.copy(os.path.join(root, "hf-spm.tokenizer.json"), os.path.join(out, "tokenizer.json"))
print("wrote", out, "vocab", V)
