/* tokenizer.h - the tokenizers of gentitle behind one interface: SentencePiece
 * BPE tokenizers (LLaMA-1/2 tokenizer.model, spm_tokenizer.h: encoding exactly
 * as sentencepiece's bpe_model.cc + sentencepiece_processor.cc do, decoding
 * like SentencePieceProcessor::DecodeIds) and Hugging Face tokenizer.json BPE
 * tokenizers (hf_tokenizer.h: encoding like tokenizers' encode(text,
 * add_special_tokens=False), decoding like decode(ids,
 * skip_special_tokens=True)). tokenizer.c only reads the file and dispatches. */
#ifndef GT_TOKENIZER_H
#define GT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "tok/ids.h"
#include "tok/llama_vocab.h"
#include "tok/spm_model.h"

typedef struct gt_tok gt_tok;

/* Load a tokenizer file: a SentencePiece tokenizer.model (BPE) or a Hugging
 * Face tokenizer.json (a file starting with '{', BPE model). Other kinds
 * (llama2.c tokenizer.bin, anything else) and models we cannot reproduce
 * exactly (unigram, WordPiece, non-identity normalisation, see
 * hf_tokenizer.h) are refused. NULL with a reason in ERR. */
gt_tok *gt_tok_load(const char *path, char *err, size_t errsz);
gt_tok *gt_tok_load_mem(const void *p, size_t n, char *err, size_t errsz);
/* The tokenizer file of the model in DIR, written into BUF (N bytes):
 * DIR/tokenizer.model, or DIR/tokenizer.json when only that one exists. */
const char *gt_tok_of_model(const char *dir, char *buf, size_t n);
/* A tokenizer from a llama.cpp vocabulary (llama_vocab.h; a GGUF file's
 * tokenizer.ggml.* keys, see nn/gguf_tok.h), encoding as llama.cpp's
 * llama_tokenize(text, add_special = false, parse_special = true): the text is
 * cut at its special tokens (control, user-defined, unknown), which become
 * their ids, and each fragment between them is tokenized by the SentencePiece
 * engine (kind "llama"; a space before each fragment with add_space_prefix)
 * or the byte-level BPE engine ("gpt2"). V's arrays are copied. NULL with a
 * reason in ERR. One difference: an invalid UTF-8 byte is U+FFFD here as
 * everywhere (llama.cpp's BPE does the same; its SentencePiece kind would
 * give the byte's own byte token). */
gt_tok *gt_tok_from_vocab(const gt_vocab *v, char *err, size_t errsz);
void gt_tok_free(gt_tok *t);

int gt_tok_vocab_size(const gt_tok *t);
int gt_tok_bos(const gt_tok *t);          /* -1 when the model has none */
int gt_tok_eos(const gt_tok *t);
int gt_tok_unk(const gt_tok *t);
/* Which of gt_tok_bos and gt_tok_eos are guesses, bits GT_TOK_GUESSED_BOS and
 * _EOS: a tokenizer.json's found by their names (<s>, </s>, ...) for want of
 * a post-processor naming them. A SentencePiece model's and a vocabulary's ids
 * are its own (0). */
enum { GT_TOK_GUESSED_BOS = 1, GT_TOK_GUESSED_EOS = 2 };
int gt_tok_guessed(const gt_tok *t);
/* The id of the piece whose text is S (N bytes), -1 when none. */
int gt_tok_piece_id(const gt_tok *t, const char *s, size_t n);
int gt_tok_pad(const gt_tok *t);          /* -1 when the model has none (tokenizer.json: -1) */
/* Does the model's own rule put BOS (EOS) around a text: 1 or 0 for a
 * vocabulary's tokenizer (add_bos_token, add_eos_token), -1 for a tokenizer
 * file (no rule: the tool decides). gt_tok_encode never adds them. */
int gt_tok_add_bos(const gt_tok *t);
int gt_tok_add_eos(const gt_tok *t);
/* 64-bit fingerprint over every piece, score and type, and the normaliser and
 * special-id settings (tokenizer.json: over the whole file; a vocabulary:
 * gt_vocab_rules_of's): two tokenizers with equal fingerprints encode alike. */
uint64_t gt_tok_fingerprint(const gt_tok *t);
const gt_spm_model *gt_tok_model(const gt_tok *t);  /* all zero for a tokenizer.json */

/* Per-thread encoding workspace (scratch buffers and a bounded chunk cache). */
typedef struct gt_tokctx gt_tokctx;
gt_tokctx *gt_tokctx_new(const gt_tok *t);
/* SMALL: a word cache of 4096 slots and 256 KB instead of 262144 slots and
 * 16 MB, for tools that encode a few texts (title-gen); same ids either way. */
gt_tokctx *gt_tokctx_new_sized(const gt_tok *t, int small);
void gt_tokctx_free(gt_tokctx *c);

/* Encode TEXT (N bytes) as sentencepiece's SentencePieceProcessor::Encode does
 * (no BOS/EOS) and append the ids to OUT. Every byte is text, "\n", "\t" and NUL
 * included; invalid UTF-8 bytes become U+FFFD (each one byte). Returns the
 * number of ids appended.
 * MARKS (NMARKS of them, ascending byte offsets into TEXT, may be NULL) are
 * replaced by token indexes relative to the first id appended: the index of the
 * first token that starts at or after the mark (the count of ids appended when
 * none does). */
size_t gt_tok_encode(gt_tokctx *c, const char *text, size_t n, gt_ids *out,
                     size_t *marks, int nmarks);

/* The length of a prefix of TEXT (N bytes) long enough to hold the first NTOK
 * tokens of TEXT as its whole encoding gives them, so that a caller keeping
 * only those (tok-encode --cutoff-len, a template's max_input_tokens) need not
 * encode a huge text whole: N itself when N is at most 64 bytes a token of
 * NTOK + 64 tokens (every ordinary text: nothing changes), else the first of
 * that many bytes, doubled while needed, cut back to a character's start, whose
 * own encoding has NTOK + 64 tokens or more (N when none has). The 64 tokens
 * beyond NTOK keep the cut's own tokens, where the prefix ends, out of reach. */
size_t gt_tok_prefix_len(gt_tokctx *c, const char *text, size_t n, size_t ntok);

/* Byte offset in TEXT where the token at index K of gt_tok_encode(TEXT) starts
 * (N when K is past the end). */
size_t gt_tok_token_offset(gt_tokctx *c, const char *text, size_t n, size_t k);

/* Decode IDS to text like SentencePieceProcessor::DecodeIds: control ids
 * vanish, unknown ids give " \xe2\x81\x87 " (" ⁇ "), runs of byte pieces become
 * their bytes with each invalid UTF-8 byte replaced by U+FFFD, U+2581 becomes a
 * space, and the leading space of the text (the dummy prefix: one U+2581 at
 * the start of the first piece that starts with one, while the text is still
 * empty) is removed, once.
 * Appends to *BUF (grown with realloc) and returns the new length; ids out of
 * range are skipped and counted in *BAD when BAD is not NULL. */
size_t gt_tok_decode(const gt_tok *t, const int32_t *ids, size_t n, char **buf,
                     size_t *len, size_t *cap, size_t *bad);

#endif
