/* dtype.h - the element types of weight tensors (F32, F16 and BF16 as stored
 * in safetensors files, and the 8-bit blocks of quant.h) and the conversions
 * between them and float. */
#ifndef GT_DTYPE_H
#define GT_DTYPE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* GT_DT_Q8: a weight of this type is a pointer to a gt_q8mat (kernels.h), not
 * a flat array. */
typedef enum { GT_DT_F32 = 0, GT_DT_F16 = 1, GT_DT_BF16 = 2, GT_DT_Q8 = 16 } gt_dtype;

/* "F32", "F16", "BF16" (safetensors' names), "Q8". */
const char *gt_dtype_name(gt_dtype d);
/* Bytes per element (Q8: the 1-byte values, without their scales). */
static inline size_t gt_dtype_size(gt_dtype d) { return d == GT_DT_F32 ? 4 : d == GT_DT_Q8 ? 1 : 2; }

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
