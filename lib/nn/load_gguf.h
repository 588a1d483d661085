/* load_gguf.h - a llama.cpp GGUF file (architecture llama) as a gt_model:
 * the entry point that gt_model_load takes when its path is a GGUF file. */
#ifndef GT_LOAD_GGUF_H
#define GT_LOAD_GGUF_H

#include <stddef.h>
#include "nn/gguf.h"
#include "nn/model.h"


/* Load the GGUF file PATH into M (zeroed here): the config from the llama.*
 * keys (bos/eos from tokenizer.ggml.*), the weights used in place from the
 * mapping in their own types (block types: nn/dtype.h), except the rows of
 * attn_q and attn_k, which llama.cpp's converter permuted and which are
 * gathered back to the Hugging Face order into private copies (a few MB),
 * F32/F16/BF16 tensors the file left misaligned (copied), and the norms
 * (F32 copies). Tied output (no output.weight): the LM head is token_embd.
 * 0, or -1 with a message naming the file (and key or tensor) in ERR. */
int gt_gguf_model_load(gt_model *m, const char *path, char *err, size_t errsz);

#endif
