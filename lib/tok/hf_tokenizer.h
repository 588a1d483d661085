/* hf_tokenizer.h - Hugging Face tokenizer.json BPE tokenizers (the `tokenizers`
 * library's format), encoding exactly as tokenizers' Tokenizer::encode(text,
 * add_special_tokens=False) and decoding like Tokenizer::decode(ids,
 * skip_special_tokens=True). Used through tokenizer.h (gt_tok_load picks this
 * for a file that starts with '{'). Supported:
 *   model       BPE (merges as "a b" strings or ["a","b"] pairs, unk_token,
 *               fuse_unk, byte_fallback, ignore_merges; no dropout, no
 *               continuing_subword_prefix / end_of_word_suffix)
 *   normalizer  Prepend, Replace (string or regex), Sequence, null
 *   pre_tokenizer  ByteLevel (add_prefix_space, use_regex: GPT-2's regex; last
 *               in a Sequence), Split (regex or string; all five behaviours,
 *               invert), Digits, Metaspace (prepend_scheme, split), Sequence, null
 *   decoder     ByteLevel, ByteFallback, Fuse, Strip, Replace (string),
 *               Metaspace, Sequence, null
 *   added_tokens  matched before normalisation (normalized: false) or after it
 *               (normalized: true), leftmost-longest, with lstrip, rstrip and
 *               single_word
 * Regular expressions (Oniguruma syntax in the file) run with PCRE2 (UTF, UCP,
 * JIT), \s and \S rewritten to Oniguruma's set [\t-\r\x85\p{Z}].
 * Limits: a token string holding "\u0000" is cut there (yajl_tree); the
 * single_word test takes ASCII letters, digits, '_' and any non-ASCII
 * character as word characters; "truncation" and "padding" are ignored.
 * Refused as hostile: an id (vocabulary or added token) not below the number
 * of tokens given, and normalizers whose Replace steps could make a text more
 * than 64 times longer (the product over the steps of content bytes per byte
 * of the shortest match). */
#ifndef GT_HF_TOKENIZER_H
#define GT_HF_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>
#include "tok/ids.h"
#include "tok/llama_vocab.h"

typedef struct gt_hf gt_hf;
typedef struct gt_hfctx gt_hfctx;

/* Parse a tokenizer.json held in P (N bytes). NULL with a reason in ERR. */
gt_hf *gt_hf_load_mem(const void *p, size_t n, char *err, size_t errsz);
/* A llama.cpp vocabulary of kind GT_VOCAB_BPE under rules R
 * (gt_vocab_rules_of), encoding as llama.cpp's BPE tokenizer does each text
 * fragment: the pre-tokenizer's expressions (R->pre), GPT-2's byte-level
 * mapping, merges by rank (a pair given twice keeps its first rank), with
 * R->pre->ignore_merges a piece that is a token taken whole; no added tokens
 * (tokenizer.c cuts the special ones out first); decoding skips control and
 * unknown tokens. NULL with a reason in ERR (a duplicate token, a merge that
 * is not "A B" with A, B and AB tokens). */
gt_hf *gt_hf_new_vocab(const gt_vocab *v, const gt_vocab_rules *r, char *err, size_t errsz);
void gt_hf_free(gt_hf *h);

int gt_hf_vocab_size(const gt_hf *h);   /* highest id + 1 */
/* BOS: the special token before $A in a TemplateProcessing post-processor, or
 * (none there) an added token named <s>, <|begin_of_text|>, <|startoftext|>,
 * <|endoftext|>; EOS: the special token after $A, or one named </s>,
 * <|end_of_text|>, <|endoftext|>, <|im_end|>, <eos>. -1 when none. */
int gt_hf_bos(const gt_hf *h);
int gt_hf_eos(const gt_hf *h);
/* Which of them were found by name (bit 1: BOS, 2: EOS), not in the post-processor. */
int gt_hf_guessed(const gt_hf *h);
/* The id of the token whose text is S (N bytes): an added token or a vocabulary entry; -1 when none. */
int gt_hf_piece_id(const gt_hf *h, const char *s, size_t n);
int gt_hf_unk(const gt_hf *h);
/* A 64-bit hash of the whole file. */
uint64_t gt_hf_fingerprint(const gt_hf *h);

gt_hfctx *gt_hfctx_new(const gt_hf *h);
void gt_hfctx_free(gt_hfctx *c);

/* As gt_tok_encode (tokenizer.h); invalid UTF-8 bytes become U+FFFD, one each. */
size_t gt_hf_encode(gt_hfctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks);
size_t gt_hf_token_offset(gt_hfctx *c, const char *text, size_t n, size_t k);
/* As gt_tok_decode: special added tokens are skipped. */
size_t gt_hf_decode(const gt_hf *h, const int32_t *ids, size_t n, char **buf, size_t *len, size_t *cap, size_t *bad);

#endif
