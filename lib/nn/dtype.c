/* dtype.c - see dtype.h. */
#include "nn/dtype.h"

const char *gt_dtype_name(gt_dtype d)
{
    if (gt_dtype_is_packed(d)) d = (gt_dtype)(GT_DT_GGML + gt_dtype_ggml(d));   /* the same type, repacked */
    switch (d) {
    case GT_DT_F32: return "F32";
    case GT_DT_F16: return "F16";
    case GT_DT_BF16: return "BF16";
    case GT_DT_Q8: return "Q8";
    case GT_DT_Q4_0: return "Q4_0";
    case GT_DT_Q4_1: return "Q4_1";
    case GT_DT_Q5_0: return "Q5_0";
    case GT_DT_Q5_1: return "Q5_1";
    case GT_DT_Q8_0: return "Q8_0";
    case GT_DT_Q4_K: return "Q4_K";
    case GT_DT_Q5_K: return "Q5_K";
    case GT_DT_Q6_K: return "Q6_K";
    }
    return "?";
}

int gt_dtype_from_ggml(uint32_t type, gt_dtype *out)
{
    /* ggml's ids: F32 0, F16 1, BF16 30; the block types map by offset */
    static const gt_dtype blocks[] = { GT_DT_Q4_0, GT_DT_Q4_1, GT_DT_Q5_0, GT_DT_Q5_1,
                                       GT_DT_Q8_0, GT_DT_Q4_K, GT_DT_Q5_K, GT_DT_Q6_K };
    if (type == 0 || type == 1) { *out = (gt_dtype)type; return 0; }
    if (type == 30) { *out = GT_DT_BF16; return 0; }
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        if (gt_dtype_ggml(blocks[i]) == type) { *out = blocks[i]; return 0; }
    return -1;
}

uint16_t gt_f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)(u >> 16 | 0x40);   /* quiet NaN */
    u += 0x7fffu + (u >> 16 & 1);
    return (uint16_t)(u >> 16);
}

uint16_t gt_f32_to_f16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    uint16_t sign = (uint16_t)(u >> 16 & 0x8000);
    uint32_t a = u & 0x7fffffffu;
    if (a > 0x7f800000u) return (uint16_t)(sign | 0x7e00 | (a >> 13 & 0x3ff));     /* NaN stays NaN */
    if (a >= 0x477ff000u) return (uint16_t)(sign | 0x7c00);   /* rounds to 65520 or more: infinity */
    if (a < 0x38800000u) {                                    /* below 2^-14: subnormal or zero */
        if (a < 0x33000000u) return sign;                     /* at most 2^-25: rounds to zero */
        uint32_t man = (a & 0x7fffff) | 0x800000, e = a >> 23;
        uint32_t shift = 126 - e;                             /* 14..24 */
        uint32_t v = man >> shift, rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (v & 1))) v++;
        return (uint16_t)(sign | v);
    }
    a += 0xfffu + (a >> 13 & 1) - 0x38000000u;                /* rebias 127 -> 15, round to nearest even */
    return (uint16_t)(sign | a >> 13);
}

void gt_to_f32(float *dst, const void *src, gt_dtype dt, size_t n)
{
    const uint16_t *h = src;
    if (dt == GT_DT_F32) memcpy(dst, src, n * sizeof(float));
    else if (dt == GT_DT_BF16) for (size_t i = 0; i < n; i++) dst[i] = gt_bf16_to_f32(h[i]);
    else for (size_t i = 0; i < n; i++) dst[i] = gt_f16_to_f32(h[i]);
}
