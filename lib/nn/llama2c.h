/* llama2c.h - model checkpoints in the .bin formats of Karpathy's llama2.c
 * (https://github.com/karpathy/llama2.c), loaded into a gt_model so that its
 * published small models and ours run through the same forward pass.
 *
 * Formats read (all little-endian, weights float32, [out][in] row-major):
 *  - legacy "version 0" (run.c, export.py --version 0): 7 int32 (dim,
 *    hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len), a
 *    negative vocab_size meaning an unshared classifier; then
 *    token_embedding_table, rms_att_weight, wq, wk, wv, wo, rms_ffn_weight,
 *    w1, w2, w3, rms_final_weight, freq_cis_real, freq_cis_imag (skipped),
 *    and wcls when unshared;
 *  - "version 1" (export.py --version 1): a 256-byte header (uint32 magic
 *    0x616b3432 "ak42", int32 version 1, the same 7 int32, uint8
 *    shared_classifier, zero padding), then every layer's attention norm,
 *    every ffn norm, the final norm, token embeddings, wq, wk, wv, wo, w1, w2,
 *    w3 (each for all layers), and the classifier when unshared.
 * Version 2 (Q8_0 int8 weights) is refused with a clear message.
 *
 * llama2.c's RoPE rotates interleaved pairs (x[2i], x[2i+1]) of each head
 * where Hugging Face's rotate_half pairs x[i] with x[i + head_dim/2]. The
 * loader permutes the rows of wq and wk within each head into the Hugging
 * Face order (the inverse of llama2.c export.py's permute_reverse), in a
 * private copy-on-write mapping, so the ordinary forward pass, LoRA, 8-bit
 * quantisation and training all apply unchanged. Everything else stays in
 * the memory-mapped file. The run.c constants are used: rms_norm_eps 1e-5,
 * rope_theta 10000, head_dim dim / n_heads, BOS 1 and EOS 2 (the Llama 2
 * sentencepiece ids), max_pos seq_len. */
#ifndef GT_LLAMA2C_H
#define GT_LLAMA2C_H

#include <stddef.h>
#include "nn/model.h"

#define GT_LLAMA2C_MAGIC 0x616b3432u

/* Load the llama2.c checkpoint PATH into M (gt_model_free releases it).
 * 0 ok; -1 with a message naming PATH in ERR, for example
 * "PATH: truncated: 1000 bytes, the header's dimensions need 94208". */
int gt_llama2c_load(gt_model *m, const char *path, char *err, size_t errsz);

#endif
