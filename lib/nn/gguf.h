/* gguf.h - llama.cpp's GGUF model files, versions 2 and 3: the header, the
 * typed metadata, the tensor infos, and the tensor data mapped from the file
 * (never copied).
 *
 * The format, all little-endian: "GGUF", u32 version, u64 tensor count,
 * u64 key count; the keys (string name, u32 value type, value); the tensor
 * infos (string name, u32 dimension count, u64 dims in ggml order (ne[0] is
 * the row length), u32 ggml type, u64 offset into the data section); padding
 * to general.alignment (default 32); the data section. A string is a u64
 * length and its bytes (no NUL); an array is a u32 element type, a u64 count
 * and the elements (arrays may nest).
 *
 * Every count, length, offset, shape and size is checked against the file
 * before use (overflow-safe), and allocations follow the bytes actually
 * parsed, never an unchecked count. Errors name the file and the key or the
 * tensor: "m.gguf: tensor 'blk.0.attn_q.weight': data 1234..5678 past the
 * end of the file (4000 bytes)". Nothing here exits. */
#ifndef GT_GGUF_H
#define GT_GGUF_H

#include <stddef.h>
#include <stdint.h>

/* Metadata value types (GGUFValueType). */
typedef enum {
    GT_GGUF_U8 = 0, GT_GGUF_I8 = 1, GT_GGUF_U16 = 2, GT_GGUF_I16 = 3,
    GT_GGUF_U32 = 4, GT_GGUF_I32 = 5, GT_GGUF_F32 = 6, GT_GGUF_BOOL = 7,
    GT_GGUF_STRING = 8, GT_GGUF_ARRAY = 9, GT_GGUF_U64 = 10, GT_GGUF_I64 = 11,
    GT_GGUF_F64 = 12
} gt_gguf_type;

#define GT_GGUF_MAXDIM 4     /* ggml's GGML_MAX_DIMS */
#define GT_GGUF_MAXDEPTH 8   /* arrays nested deeper are refused */

/* A string in the file: N bytes at P, not NUL-terminated (may hold NULs). */
typedef struct { const char *p; uint64_t n; } gt_gguf_str;

/* A metadata value. */
typedef struct gt_gguf_val {
    uint32_t type;              /* gt_gguf_type */
    uint32_t atype;             /* arrays: the element type */
    uint64_t n;                 /* arrays: the element count */
    const unsigned char *p;     /* numbers and bools, and arrays of them: the
                                   little-endian bytes in the file (unaligned) */
    gt_gguf_str str;            /* STRING */
    gt_gguf_str *strs;          /* arrays of strings: strs[0..n) */
    struct gt_gguf_val *vals;   /* arrays of arrays: vals[0..n) */
} gt_gguf_val;

typedef struct {
    const char *key;            /* NUL-terminated copy */
    gt_gguf_val v;
} gt_gguf_kv;

typedef struct {
    const char *name;           /* NUL-terminated copy */
    uint32_t type;              /* ggml type id (nn/ggml_types.h) */
    int ndim;                   /* 0..4 */
    int64_t ne[GT_GGUF_MAXDIM]; /* ggml order: ne[0] the row length; 1 past ndim */
    int64_t nelem;              /* product of ne */
    int64_t nrows;              /* nelem / ne[0] (0 when ne[0] is 0) */
    uint64_t offset;            /* of the data, from the start of the file */
    const void *data;           /* in the mapping, at a multiple of the alignment from the
                                   file's start (a file may say general.alignment 1: check
                                   before reading it as floats; the dequantizers need none) */
    size_t nbytes;
} gt_gguf_tensor;

typedef struct {
    char *path;                 /* as given (messages name it) */
    const unsigned char *base;  /* the whole file (mapped, or the caller's buffer) */
    size_t size;
    int mapped;
    uint32_t version;           /* 2 or 3 */
    uint32_t alignment;         /* general.alignment, or 32 */
    uint64_t data_offset;       /* start of the data section */
    gt_gguf_kv *kv;             /* in file order */
    size_t nkv;
    gt_gguf_tensor *t;          /* in file order */
    size_t nt;
    size_t *kv_sorted, *t_sorted;   /* indices sorted by key / name */
} gt_gguf;

/* Map and parse PATH. 0, or -1 with the reason in ERR (G then holds nothing). */
int gt_gguf_open(gt_gguf *g, const char *path, char *err, size_t errsz);
/* Parse the SIZE bytes at BUF (kept by the caller until gt_gguf_close);
 * NAME stands for the file in messages. */
int gt_gguf_open_mem(gt_gguf *g, const void *buf, size_t size, const char *name, char *err, size_t errsz);
void gt_gguf_close(gt_gguf *g);
/* Is PATH a regular file that starts with the GGUF magic, or one named
 * *.gguf (any case)? The latter so that a broken or mistaken .gguf file is
 * read as one and gets the reader's message ("not a GGUF file (it starts
 * with ...)", exit 65), not another model or tokenizer kind's. */
int gt_is_gguf(const char *path);

/* ---- metadata ---- */

/* The value of KEY, or NULL. */
const gt_gguf_val *gt_gguf_find(const gt_gguf *g, const char *key);
/* "u32", "string", "array" ...; "?" for an unknown id. */
const char *gt_gguf_type_name(uint32_t type);
/* Bytes of a value of number or bool type TYPE; 0 for STRING, ARRAY and
 * unknown ids. */
unsigned gt_gguf_type_size(uint32_t type);

/* Typed getters: 0 with the value in *OUT; 1 when KEY is absent (*OUT
 * untouched); -1 with a message naming the file and key when the value has
 * another type or does not fit. Integers of any width convert when the
 * value fits; floats take F32 or F64; a string is returned as its bytes in
 * the file (not NUL-terminated). */
int gt_gguf_get_u32(const gt_gguf *g, const char *key, uint32_t *out, char *err, size_t errsz);
int gt_gguf_get_i32(const gt_gguf *g, const char *key, int32_t *out, char *err, size_t errsz);
int gt_gguf_get_u64(const gt_gguf *g, const char *key, uint64_t *out, char *err, size_t errsz);
int gt_gguf_get_f32(const gt_gguf *g, const char *key, float *out, char *err, size_t errsz);
int gt_gguf_get_bool(const gt_gguf *g, const char *key, int *out, char *err, size_t errsz);
int gt_gguf_get_str(const gt_gguf *g, const char *key, gt_gguf_str *out, char *err, size_t errsz);
/* The same, the string as a NUL-terminated copy in *OUT (free it); -1 also
 * when it holds a NUL byte. */
int gt_gguf_get_strdup(const gt_gguf *g, const char *key, char **out, char *err, size_t errsz);

/* Arrays: an array of strings (no copy: *OUT points into G), or an array of
 * numbers converted into a new array (free it) of F32 (any number type) or
 * I32 (integer types, each value fitting). *N gets the length. Same returns
 * as the getters above. */
int gt_gguf_get_strs(const gt_gguf *g, const char *key, const gt_gguf_str **out, uint64_t *n, char *err,
                     size_t errsz);
int gt_gguf_get_f32s(const gt_gguf *g, const char *key, float **out, uint64_t *n, char *err, size_t errsz);
int gt_gguf_get_i32s(const gt_gguf *g, const char *key, int32_t **out, uint64_t *n, char *err, size_t errsz);

/* Element I of V (a number or bool, or an array of them; I is 0 for a
 * scalar), converted: 0, or -1 when V holds no such number or I is out of
 * range. The integer form fails for floats and for u64 values above
 * INT64_MAX. */
int gt_gguf_val_int(const gt_gguf_val *v, uint64_t i, int64_t *out);
int gt_gguf_val_num(const gt_gguf_val *v, uint64_t i, double *out);

/* ---- tensors ---- */

/* The tensor called NAME, or NULL. Iterate with g->t[0..g->nt). */
const gt_gguf_tensor *gt_gguf_tensor_find(const gt_gguf *g, const char *name);
/* 0 when T's type can be dequantized, else -1 with "FILE: tensor 'NAME':
 * type IQ2_XXS is not supported (F32, F16, ...)". */
int gt_gguf_check_type(const gt_gguf *g, const gt_gguf_tensor *t, char *err, size_t errsz);
/* Rows R0 .. R0+N-1 of T (rows of ne[0] values) as F32 into OUT
 * (N * ne[0] floats). 0, or -1 with a message (unsupported type, rows out
 * of range). */
int gt_gguf_dequantize(const gt_gguf *g, const gt_gguf_tensor *t, int64_t r0, int64_t n, float *out, char *err,
                       size_t errsz);
/* Bytes of one row of T. */
size_t gt_gguf_row_bytes(const gt_gguf_tensor *t);

/* ---- the llama architecture ---- */

typedef struct {
    int n_layer;                /* llama.block_count */
    int n_embd;                 /* llama.embedding_length */
    int n_ff;                   /* llama.feed_forward_length */
    int n_head;                 /* llama.attention.head_count */
    int n_head_kv;              /* llama.attention.head_count_kv (default n_head) */
    int head_dim;               /* llama.attention.key_length (default n_embd / n_head) */
    int n_rot;                  /* llama.rope.dimension_count (default head_dim) */
    int n_ctx;                  /* llama.context_length */
    int n_vocab;                /* llama.vocab_size, else the tokenizer's token count,
                                   else token_embd.weight's ne[1] */
    float rope_base;            /* llama.rope.freq_base (default 10000) */
    float rms_eps;              /* llama.attention.layer_norm_rms_epsilon */
    char rope_scaling[16];      /* llama.rope.scaling.type: "none" (default), "linear", "yarn", ... */
    float rope_factor;          /* llama.rope.scaling.factor (or rope.scale_linear); 1 by default */
    float rope_attn_factor;     /* llama.rope.scaling.attn_factor; 1 by default */
    int rope_orig_ctx;          /* llama.rope.scaling.original_context_length; 0 when absent */
    int rope_finetuned;         /* llama.rope.scaling.finetuned; 0 by default */
    int has_output;             /* output.weight exists; else the output is tied to token_embd.weight */
    int has_rope_freqs;         /* rope_freqs.weight exists (LLaMA-3.1 frequency factors) */
} gt_gguf_llama;

/* Read general.architecture (must be "llama") and the llama.* keys into HP,
 * with the defaults above and sanity checks (positive counts, n_head a
 * multiple of n_head_kv, ...). 0, or -1 with a message naming the file and
 * the key. Per-layer arrays are accepted when all their values are equal. */
int gt_gguf_llama_hparams(const gt_gguf *g, gt_gguf_llama *hp, char *err, size_t errsz);
/* Check that every tensor a llama model needs is there with the shape HP
 * implies (token_embd, output_norm, output if HP->has_output, and per layer
 * attn_norm, attn_q/k/v/output, ffn_norm, ffn_gate/up/down). 0, or -1 with
 * "FILE: tensor 'blk.3.attn_k.weight': shape [576, 256], the metadata says
 * [576, 192]" or "... is missing". */
int gt_gguf_llama_check_tensors(const gt_gguf *g, const gt_gguf_llama *hp, char *err, size_t errsz);

/* llama.cpp's converter permutes the rows of attn_q (by n_head) and attn_k
 * (by n_head_kv) so that each head's rotary pairs are adjacent rows. PERM
 * undoes it: row I of the Hugging Face weight is row PERM[I] of the GGUF
 * tensor (ROWS = N_HEAD * head_dim rows, head_dim even). Apply it to
 * quantized rows with gt_ggml_gather_rows. 0, or -1 when ROWS is not a
 * multiple of 2 * N_HEAD. */
int gt_gguf_rope_unpermute(int32_t *perm, int rows, int n_head);

#endif
