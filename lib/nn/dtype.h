/* dtype.h - the element types of weight tensors (F32, F16 and BF16 as stored
 * in safetensors files, and the 8-bit blocks of quant.h) and the conversions
 * between them and float. */
#ifndef GT_DTYPE_H
#define GT_DTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* GT_DT_Q8: a weight of this type is a pointer to a gt_q8mat (kernels.h), not
 * a flat array. The block types of GGUF files (nn/ggml_types.h) are
 * GT_DT_GGML + their ggml type id: a weight of such a type is its rows of
 * blocks one after the other, as in the file; gt_matmul runs them through
 * gt_qmatmul and gt_row_to_f32 through gt_ggml_dequantize_row. (GGUF's F32,
 * F16 and BF16 tensors are GT_DT_F32, GT_DT_F16 and GT_DT_BF16.) The same
 * types repacked at load into the panels of nn/qpack.h are GT_DT_QPACK +
 * their ggml type id (gt_dtype_packed): block types too, gt_matmul runs them
 * through gt_qpack_matmul and gt_row_to_f32 through gt_qpack_row_to_f32. */
#define GT_DT_GGML 32
#define GT_DT_QPACK 96
typedef enum {
    GT_DT_F32 = 0, GT_DT_F16 = 1, GT_DT_BF16 = 2, GT_DT_Q8 = 16,
    GT_DT_Q4_0 = GT_DT_GGML + 2, GT_DT_Q4_1 = GT_DT_GGML + 3, GT_DT_Q5_0 = GT_DT_GGML + 6,
    GT_DT_Q5_1 = GT_DT_GGML + 7, GT_DT_Q8_0 = GT_DT_GGML + 8, GT_DT_Q4_K = GT_DT_GGML + 12,
    GT_DT_Q5_K = GT_DT_GGML + 13, GT_DT_Q6_K = GT_DT_GGML + 14
} gt_dtype;

/* "F32", "F16", "BF16" (safetensors' names), "Q8", and llama.cpp's names of
 * the block types ("Q4_1", "Q6_K", ...). */
const char *gt_dtype_name(gt_dtype d);
/* 1 when D is a GGUF block type; its ggml type id. */
static inline int gt_dtype_is_block(gt_dtype d) { return d >= GT_DT_GGML; }
static inline int gt_dtype_is_packed(gt_dtype d) { return d >= GT_DT_QPACK; }
static inline uint32_t gt_dtype_ggml(gt_dtype d) { return (uint32_t)d - (d >= GT_DT_QPACK ? GT_DT_QPACK : GT_DT_GGML); }
/* The packed twin of block type D. */
static inline gt_dtype gt_dtype_packed(gt_dtype d) { return (gt_dtype)(GT_DT_QPACK + gt_dtype_ggml(d)); }
/* The gt_dtype of ggml type TYPE into *OUT: 0, or -1 for a type that has none
 * (one gt_qmatmul cannot multiply by). */
int gt_dtype_from_ggml(uint32_t type, gt_dtype *out);
/* Bytes per element (Q8: the 1-byte values, without their scales; 0 for the
 * block types, whose rows are sized by gt_ggml_row_bytes). */
static inline size_t gt_dtype_size(gt_dtype d)
{
    return d == GT_DT_F32 ? 4 : d == GT_DT_Q8 ? 1 : gt_dtype_is_block(d) ? 0 : 2;
}

/* Widen one 16-bit value (inline: the portable matmul calls them per weight). */
static inline float gt_bf16_to_f32(uint16_t h)
{
    union { uint32_t u; float f; } v = { .u = (uint32_t)h << 16 };
    return v.f;
}
static inline float gt_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    if (e == 0) {
        float f = (float)man * (1.0f / 16777216.0f);   /* zero or subnormal: man * 2^-24 */
        return sign ? -f : f;
    }
    if (e == 31) u = sign | 0x7f800000u | man << 13;
    else u = sign | (e + 112) << 23 | man << 13;
    float f;
    memcpy(&f, &u, 4);
    return f;
}
uint16_t gt_f32_to_bf16(float f);  /* round to nearest even */
uint16_t gt_f32_to_f16(float f);   /* round to nearest even; overflow to infinity */

/* N values of type DT (F32, F16 or BF16) at SRC as floats into DST. */
void gt_to_f32(float *dst, const void *src, gt_dtype dt, size_t n);

#endif
