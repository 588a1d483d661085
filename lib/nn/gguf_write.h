/* gguf_write.h - a GGUF (version 3) writer: metadata of every value type
 * nn/gguf.h reads, and tensors of any ggml type (raw bytes copied from
 * another file, or F32 values converted to F32, F16, BF16 or Q8_0).
 *
 * The layout, the one nn/gguf.h and llama.cpp's gguf.cpp read, all
 * little-endian: "GGUF", u32 3, u64 tensor count, u64 key count; the keys in
 * the order added (string name, u32 value type, value); the tensor infos in
 * the order added (string name, u32 dims, u64 ne[] in ggml order (ne[0] the
 * row length), u32 ggml type, u64 offset into the data section, each a
 * multiple of the alignment); zero padding to the alignment; the data, each
 * tensor padded with zeros to the alignment. A string is a u64 length and
 * its bytes (no NUL); an array a u32 element type, a u64 count and the
 * elements (arrays of strings and of arrays too). The file is written
 * atomically (io/output.h): a failed write leaves no file and the old one in
 * place.
 *
 * The alignment is 32 (GGUF's default) unless a u32 "general.alignment" is
 * added (a power of two): then that, as in the readers. A file read with
 * nn/gguf.h and written again with all its keys (gt_ggufw_val) and all its
 * tensors raw, in its order, comes out byte for byte the same when its
 * writer padded as above (gguf.cpp and gguf-py's GGUFWriter do).
 *
 * F32 values are converted row by row by gt_ggml_quantize_row
 * (nn/ggml_types.h: F16/BF16 rounded to nearest even, Q8_0 as ggml's
 * quantize_row_q8_0_ref). A tensor's values may also come from a callback
 * run while the file is written (gt_ggufw_tensor_fill), so that a model is
 * written with one tensor's floats in memory at a time.
 *
 * Misuse (a value type the format lacks, a duplicate key or tensor name, a
 * row that is not whole blocks of its type, raw bytes of the wrong size, an
 * alignment that is not a power of two) is recorded by the call that adds
 * it (which returns -1) and reported by gt_ggufw_write, which then writes
 * nothing: "PATH: tensor 'NAME': ...". Used for LoRA adapters (nn/lora.h:
 * gt_lora_write_gguf) and merged models (train/merge.h). */
#ifndef GT_GGUF_WRITE_H
#define GT_GGUF_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include "nn/gguf.h"

typedef struct gt_ggufw gt_ggufw;

gt_ggufw *gt_ggufw_new(void);
void gt_ggufw_free(gt_ggufw *w);

/* ---- metadata, in file order; KEY and values are copied ---- */

void gt_ggufw_str(gt_ggufw *w, const char *key, const char *val);
void gt_ggufw_u32(gt_ggufw *w, const char *key, uint32_t val);
void gt_ggufw_f32(gt_ggufw *w, const char *key, float val);
void gt_ggufw_i32(gt_ggufw *w, const char *key, int32_t val);
void gt_ggufw_u64(gt_ggufw *w, const char *key, uint64_t val);
void gt_ggufw_bool(gt_ggufw *w, const char *key, int val);
/* A scalar of number type TYPE (U8 .. F64, BOOL: not STRING or ARRAY), its
 * little-endian bytes at P. 0, or -1 (recorded) for another type. */
int gt_ggufw_num(gt_ggufw *w, const char *key, uint32_t type, const void *p);
/* An array of N numbers of element type TYPE (as gt_ggufw_num), their
 * little-endian bytes at P (N times the type's size). */
int gt_ggufw_nums(gt_ggufw *w, const char *key, uint32_t type, uint64_t n, const void *p);
/* An array of the N strings S (each N bytes at P: may hold NULs). */
void gt_ggufw_strs(gt_ggufw *w, const char *key, uint64_t n, const gt_gguf_str *s);
/* Any value as nn/gguf.h read it (nested arrays too), copied verbatim. */
int gt_ggufw_val(gt_ggufw *w, const char *key, const gt_gguf_val *v);

/* ---- tensors, in file order ---- */

/* NAME of NDIM (1..4) dims NE (ggml order: ne[0] the row length). The
 * pointers given are not copied: they must stay valid until gt_ggufw_write.
 * Each returns 0, or -1 (recorded) for a type it cannot write, rows that are
 * not whole blocks, a duplicate name, bad dims. */

/* prod(NE) floats at DATA, written as F32. */
int gt_ggufw_tensor_f32(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, const float *data);
/* prod(NE) floats at DATA, converted to TYPE (F32, F16, BF16 or Q8_0). */
int gt_ggufw_tensor_conv(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                         const float *data);
/* As gt_ggufw_tensor_conv, the floats written by FILL(CTX, OUT, ERR, ERRSZ)
 * into OUT (prod(NE) floats, freed after) when the writer reaches the
 * tensor: 0, or -1 with a whole message in ERR, which fails the write. */
typedef int (*gt_ggufw_fill_fn)(void *ctx, float *out, char *err, size_t errsz);
int gt_ggufw_tensor_fill(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                         gt_ggufw_fill_fn fill, void *ctx);
/* NBYTES bytes at DATA of ggml type TYPE (any type ggml defines: rows of
 * whole blocks), copied as they are, e.g. from another GGUF file's mapping. */
int gt_ggufw_tensor_raw(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                        const void *data, size_t nbytes);

/* Write everything to PATH atomically. 0, or -1 with "PATH: ..." in ERR. */
int gt_ggufw_write(gt_ggufw *w, const char *path, char *err, size_t errsz);

#endif
