/* gguf_tok.h - the tokenizer a GGUF file carries in its metadata, and the
 * tokenizer of a model given by path (a .gguf file or a model folder).
 *
 * Keys read (llama.cpp's names): tokenizer.ggml.model ("llama":
 * SentencePiece, "gpt2": byte-level BPE), .tokens, .scores, .token_type,
 * .merges (gpt2), .pre (gpt2), .bos_token_id, .eos_token_id,
 * .unknown_token_id, .padding_token_id, .add_bos_token, .add_eos_token,
 * .add_space_prefix. The tokenizer encodes as llama.cpp does with special
 * tokens parsed (tokenizer.h, gt_tok_from_vocab); its fingerprint hashes the
 * vocabulary and rules, so token streams made from it are tied to it. */
#ifndef GT_GGUF_TOK_H
#define GT_GGUF_TOK_H

#include <stddef.h>

#include "nn/gguf.h"
#include "tok/tokenizer.h"

/* The tokenizer of the open file G. NULL with "FILE: reason" in ERR
 * ("FILE: tokenizer.ggml.pre: unknown pre-tokenizer 'x' (known: ...)",
 * "FILE: no tokenizer (tokenizer.ggml.model is missing)", ...). */
gt_tok *gt_gguf_tok(const gt_gguf *g, char *err, size_t errsz);


/* A tokenizer file: a GGUF file (its metadata), else a tokenizer.model or
 * tokenizer.json (gt_tok_load). NULL with the reason in ERR, without the
 * path, as gt_tok_load gives it. */
gt_tok *gt_tok_load_file(const char *path, char *err, size_t errsz);

/* The file holding MODEL's tokenizer, written into BUF (N bytes): MODEL itself
 * when it is a GGUF file, else the folder's tokenizer file (gt_tok_of_model). */
const char *gt_model_tok_path(const char *model, char *buf, size_t n);

/* The tokenizer of MODEL (a .gguf file, or a folder with tokenizer.model or
 * tokenizer.json): for title-gen, lora-train and the tools' --model. NULL with
 * "PATH: reason" in ERR; gt_file_status(PATH) tells 66 from 65. */
gt_tok *gt_model_tok(const char *model, char *err, size_t errsz);

#endif
