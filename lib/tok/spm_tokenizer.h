/* spm_tokenizer.h - SentencePiece BPE tokenizers (LLaMA-1/2 tokenizer.model),
 * encoding exactly as sentencepiece's bpe_model.cc + sentencepiece_processor.cc
 * do, and decoding like SentencePieceProcessor::DecodeIds. Used through
 * tokenizer.h (gt_tok_load picks this for a file that starts like a
 * ModelProto). Only BPE models with identity normalisation are accepted. */
#ifndef GT_SPM_TOKENIZER_H
#define GT_SPM_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "tok/ids.h"
#include "tok/llama_vocab.h"
#include "tok/spm_model.h"

typedef struct gt_spm gt_spm;
typedef struct gt_spmctx gt_spmctx;

/* Parse a tokenizer.model held in P (N bytes). NULL with a reason in ERR. */
gt_spm *gt_spm_load_mem(const void *p, size_t n, char *err, size_t errsz);
/* A llama.cpp vocabulary of kind GT_VOCAB_SPM under rules R
 * (gt_vocab_rules_of), encoding as llama.cpp's SPM tokenizer does each text
 * fragment: ' ' escaped as U+2581 and nothing else normalised, a space first
 * when R->add_space_prefix, merges by score into any token, a character
 * without a token as byte tokens. NULL with a reason in ERR (a duplicate
 * token). */
gt_spm *gt_spm_new_vocab(const gt_vocab *v, const gt_vocab_rules *r, char *err, size_t errsz);
void gt_spm_free(gt_spm *t);

int gt_spm_vocab_size(const gt_spm *t);
int gt_spm_bos(const gt_spm *t);          /* -1 when the model has none */
int gt_spm_eos(const gt_spm *t);
int gt_spm_unk(const gt_spm *t);
/* Over every piece, score and type, and the normaliser and special-id settings. */
uint64_t gt_spm_fingerprint(const gt_spm *t);
const gt_spm_model *gt_spm_model_of(const gt_spm *t);

/* SMALL: see gt_tokctx_new_sized (tokenizer.h). */
gt_spmctx *gt_spmctx_new(const gt_spm *t, int small);
void gt_spmctx_free(gt_spmctx *c);

/* As gt_tok_encode, gt_tok_token_offset and gt_tok_decode (tokenizer.h). */
size_t gt_spm_encode(gt_spmctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks);
size_t gt_spm_token_offset(gt_spmctx *c, const char *text, size_t n, size_t k);
size_t gt_spm_decode(const gt_spm *t, const int32_t *ids, size_t n, char **buf, size_t *len, size_t *cap,
                     size_t *bad);

#endif
