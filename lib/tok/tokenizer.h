/* tokenizer.h - SentencePiece BPE tokenizers (LLaMA-1/2 tokenizer.model), read
 * with our own protobuf wire-format reader (spm_model.c), encoding exactly as
 * sentencepiece's bpe_model.cc + sentencepiece_processor.cc do, and decoding
 * like SentencePieceProcessor::DecodeIds; and Hugging Face tokenizer.json BPE
 * tokenizers (hf_tokenizer.c: SentencePiece-style and byte-level), encoding
 * like tokenizers' encode(text, add_special_tokens=False) and decoding like
 * decode(ids, skip_special_tokens=True). */
#ifndef GT_TOKENIZER_H
#define GT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

/* ---- the model, as read from tokenizer.model (spm_model.c) ---- */
enum {                      /* ModelProto.SentencePiece.Type */
    GT_SPM_NORMAL = 1, GT_SPM_UNKNOWN = 2, GT_SPM_CONTROL = 3,
    GT_SPM_USER_DEFINED = 4, GT_SPM_BYTE = 6, GT_SPM_UNUSED = 5
};
enum { GT_SPM_UNIGRAM = 1, GT_SPM_BPE = 2, GT_SPM_WORD = 3, GT_SPM_CHAR = 4 };

typedef struct {
    char *piece;            /* NUL-terminated, points into gt_spm_model.strs */
    uint32_t len;
    float score;
    int type;
} gt_spm_piece;

typedef struct {
    gt_spm_piece *pieces;
    int npieces;
    char *strs;             /* storage of every piece */
    /* trainer_spec */
    int model_type;         /* default UNIGRAM */
    int byte_fallback;
    int treat_ws_as_suffix;
    int unk_id, bos_id, eos_id, pad_id;
    /* normalizer_spec */
    char norm_name[64];
    int add_dummy_prefix, remove_extra_ws, escape_ws;
    size_t charsmap_len;    /* precompiled_charsmap size (0: none) */
} gt_spm_model;

/* Parse a serialized ModelProto. 0 ok; -1 with a reason in ERR (for example
 * "truncated model file", "not a SentencePiece model"). */
int gt_spm_parse(gt_spm_model *m, const unsigned char *p, size_t n, char *err, size_t errsz);
void gt_spm_free(gt_spm_model *m);

/* ---- the tokenizer ---- */
typedef struct gt_tok gt_tok;

/* Load a tokenizer file: a SentencePiece tokenizer.model (BPE) or a Hugging
 * Face tokenizer.json (a file starting with '{', BPE model). Other kinds
 * (llama2.c tokenizer.bin, anything else) and models we cannot reproduce
 * exactly (unigram, WordPiece, non-identity normalisation, see
 * hf_tokenizer.h) are refused. NULL with a reason in ERR. */
gt_tok *gt_tok_load(const char *path, char *err, size_t errsz);
gt_tok *gt_tok_load_mem(const void *p, size_t n, char *err, size_t errsz);
void gt_tok_free(gt_tok *t);

int gt_tok_vocab_size(const gt_tok *t);
int gt_tok_bos(const gt_tok *t);          /* -1 when the model has none */
int gt_tok_eos(const gt_tok *t);
int gt_tok_unk(const gt_tok *t);
/* 64-bit fingerprint over every piece, score and type, and the normaliser and
 * special-id settings (tokenizer.json: over the whole file): two tokenizers
 * with equal fingerprints encode alike. */
uint64_t gt_tok_fingerprint(const gt_tok *t);
const gt_spm_model *gt_tok_model(const gt_tok *t);  /* all zero for a tokenizer.json */

/* A growable id vector. */
typedef struct { int32_t *v; size_t n, cap; } gt_ids;
void gt_ids_push(gt_ids *a, int32_t id);
void gt_ids_free(gt_ids *a);

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
