/* ggml_types.c - ggml's type table and the portable dequantizers (one
 * function per block type, written from the block layouts in ggml_types.h).
 *
 * Bit-for-bit equality with gguf.quants.dequantize needs its operations in
 * its order ((d * sc) * q is not d * (sc * q) for Q6_K), each rounded on its
 * own: no fused multiply-add. GCC keeps them separate under -std=c11
 * (-ffp-contract=off); clang is told below. */
#include "nn/ggml_types.h"
#include "nn/dtype.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

typedef struct { const char *name; int values; int bytes; } type_info;

/* ggml's block sizes (ggml-common.h). The ids missing here (4, 5, 31-33,
 * 36-38) were removed from ggml and are unknown. Q8_1 is 36 bytes as in
 * ggml (two halves and 32 int8); gguf-py's table still says 40, and no
 * model file holds it. */
static const type_info TYPES[] = {
    [GT_GGML_F32] = { "F32", 1, 4 },          [GT_GGML_F16] = { "F16", 1, 2 },
    [GT_GGML_Q4_0] = { "Q4_0", 32, 18 },      [GT_GGML_Q4_1] = { "Q4_1", 32, 20 },
    [GT_GGML_Q5_0] = { "Q5_0", 32, 22 },      [GT_GGML_Q5_1] = { "Q5_1", 32, 24 },
    [GT_GGML_Q8_0] = { "Q8_0", 32, 34 },      [GT_GGML_Q8_1] = { "Q8_1", 32, 36 },
    [GT_GGML_Q2_K] = { "Q2_K", 256, 84 },     [GT_GGML_Q3_K] = { "Q3_K", 256, 110 },
    [GT_GGML_Q4_K] = { "Q4_K", 256, 144 },    [GT_GGML_Q5_K] = { "Q5_K", 256, 176 },
    [GT_GGML_Q6_K] = { "Q6_K", 256, 210 },    [GT_GGML_Q8_K] = { "Q8_K", 256, 292 },
    [GT_GGML_IQ2_XXS] = { "IQ2_XXS", 256, 66 }, [GT_GGML_IQ2_XS] = { "IQ2_XS", 256, 74 },
    [GT_GGML_IQ3_XXS] = { "IQ3_XXS", 256, 98 }, [GT_GGML_IQ1_S] = { "IQ1_S", 256, 50 },
    [GT_GGML_IQ4_NL] = { "IQ4_NL", 32, 18 },  [GT_GGML_IQ3_S] = { "IQ3_S", 256, 110 },
    [GT_GGML_IQ2_S] = { "IQ2_S", 256, 82 },   [GT_GGML_IQ4_XS] = { "IQ4_XS", 256, 136 },
    [GT_GGML_I8] = { "I8", 1, 1 },            [GT_GGML_I16] = { "I16", 1, 2 },
    [GT_GGML_I32] = { "I32", 1, 4 },          [GT_GGML_I64] = { "I64", 1, 8 },
    [GT_GGML_F64] = { "F64", 1, 8 },          [GT_GGML_IQ1_M] = { "IQ1_M", 256, 56 },
    [GT_GGML_BF16] = { "BF16", 1, 2 },        [GT_GGML_TQ1_0] = { "TQ1_0", 256, 54 },
    [GT_GGML_TQ2_0] = { "TQ2_0", 256, 66 },   [GT_GGML_MXFP4] = { "MXFP4", 32, 17 },
    [GT_GGML_NVFP4] = { "NVFP4", 64, 36 },    [GT_GGML_Q1_0] = { "Q1_0", 128, 18 },
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static const type_info *info(uint32_t type)
{
    return type < NTYPES && TYPES[type].name ? &TYPES[type] : NULL;
}

const char *gt_ggml_type_name(uint32_t type)
{
    const type_info *t = info(type);
    return t ? t->name : NULL;
}

int gt_ggml_block_values(uint32_t type)
{
    const type_info *t = info(type);
    return t ? t->values : 0;
}

size_t gt_ggml_block_bytes(uint32_t type)
{
    const type_info *t = info(type);
    return t ? (size_t)t->bytes : 0;
}

int gt_ggml_row_bytes(uint32_t type, int64_t n, size_t *bytes)
{
    const type_info *t = info(type);
    if (!t || n < 0 || n % t->values) return -1;
    uint64_t blocks = (uint64_t)(n / t->values);
    if (blocks > SIZE_MAX / (uint64_t)t->bytes) return -1;
    *bytes = (size_t)blocks * (size_t)t->bytes;
    return 0;
}

/* ---- little-endian loads (blocks sit at any byte offset) ---- */

static float f16(const unsigned char *p) { return gt_f16_to_f32((uint16_t)(p[0] | p[1] << 8)); }

static uint32_t u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- one function per block type: a block at B into Y ---- */

static void deq_f32(const unsigned char *b, float *y)
{
    uint32_t u = u32le(b);
    memcpy(y, &u, 4);
}

static void deq_f16(const unsigned char *b, float *y) { *y = f16(b); }

static void deq_bf16(const unsigned char *b, float *y) { *y = gt_bf16_to_f32((uint16_t)(b[0] | b[1] << 8)); }

static void deq_q4_0(const unsigned char *b, float *y)
{
    float d = f16(b);
    const unsigned char *qs = b + 2;
    for (int l = 0; l < 16; l++) {
        y[l] = d * (float)((qs[l] & 0x0f) - 8);
        y[l + 16] = d * (float)((qs[l] >> 4) - 8);
    }
}

static void deq_q4_1(const unsigned char *b, float *y)
{
    float d = f16(b), m = f16(b + 2);
    const unsigned char *qs = b + 4;
    for (int l = 0; l < 16; l++) {
        float p0 = d * (float)(qs[l] & 0x0f), p1 = d * (float)(qs[l] >> 4);
        y[l] = p0 + m;
        y[l + 16] = p1 + m;
    }
}

static void deq_q5_0(const unsigned char *b, float *y)
{
    float d = f16(b);
    uint32_t qh = u32le(b + 2);
    const unsigned char *qs = b + 6;
    for (int l = 0; l < 16; l++) {
        int q0 = (qs[l] & 0x0f) | (int)((qh >> l) & 1) << 4;
        int q1 = (qs[l] >> 4) | (int)((qh >> (l + 16)) & 1) << 4;
        y[l] = d * (float)(q0 - 16);
        y[l + 16] = d * (float)(q1 - 16);
    }
}

static void deq_q5_1(const unsigned char *b, float *y)
{
    float d = f16(b), m = f16(b + 2);
    uint32_t qh = u32le(b + 4);
    const unsigned char *qs = b + 8;
    for (int l = 0; l < 16; l++) {
        int q0 = (qs[l] & 0x0f) | (int)((qh >> l) & 1) << 4;
        int q1 = (qs[l] >> 4) | (int)((qh >> (l + 16)) & 1) << 4;
        float p0 = d * (float)q0, p1 = d * (float)q1;
        y[l] = p0 + m;
        y[l + 16] = p1 + m;
    }
}

static void deq_q8_0(const unsigned char *b, float *y)
{
    float d = f16(b);
    for (int l = 0; l < 32; l++) y[l] = (float)(int8_t)b[2 + l] * d;
}

/* The 6-bit scale and min of sub-block J (0..7) of a Q4_K/Q5_K block. */
static void scale_min_k4(const unsigned char *s, int j, int *sc, int *m)
{
    if (j < 4) {
        *sc = s[j] & 63;
        *m = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0x0f) | (s[j - 4] >> 6) << 4;
        *m = (s[j + 4] >> 4) | (s[j] >> 6) << 4;
    }
}

static void deq_q4_k(const unsigned char *b, float *y)
{
    float d = f16(b), dmin = f16(b + 2);
    const unsigned char *scales = b + 4, *qs = b + 16;
    for (int j = 0; j < 8; j++) {   /* sub-block j: nibbles of bytes 32*(j/2).., low for even j */
        int sc, m;
        scale_min_k4(scales, j, &sc, &m);
        float dl = d * (float)sc, ml = dmin * (float)m;
        const unsigned char *q = qs + 32 * (j / 2);
        int shift = 4 * (j & 1);
        for (int l = 0; l < 32; l++) {
            float p = dl * (float)((q[l] >> shift) & 0x0f);
            y[32 * j + l] = p - ml;
        }
    }
}

static void deq_q5_k(const unsigned char *b, float *y)
{
    float d = f16(b), dmin = f16(b + 2);
    const unsigned char *scales = b + 4, *qh = b + 16, *qs = b + 48;
    for (int j = 0; j < 8; j++) {
        int sc, m;
        scale_min_k4(scales, j, &sc, &m);
        float dl = d * (float)sc, ml = dmin * (float)m;
        const unsigned char *q = qs + 32 * (j / 2);
        int shift = 4 * (j & 1);
        for (int l = 0; l < 32; l++) {
            int v = ((q[l] >> shift) & 0x0f) | ((qh[l] >> j) & 1) << 4;
            float p = dl * (float)v;
            y[32 * j + l] = p - ml;
        }
    }
}

static void deq_q6_k(const unsigned char *b, float *y)
{
    const unsigned char *ql = b, *qh = b + 128, *sc = b + 192;
    float d = f16(b + 208);
    for (int g = 0; g < 8; g++) {   /* 32 values: half g/4, low/high nibble (g/2)%2, 32-byte column g%2 */
        int h = g / 4, nib = 4 * ((g / 2) & 1), col = 32 * (g & 1), hs = 2 * (g & 3);
        const unsigned char *lo = ql + 64 * h + col, *hi = qh + 32 * h;
        for (int l = 0; l < 32; l++) {
            int v = ((lo[l] >> nib) & 0x0f) | ((hi[l] >> hs) & 3) << 4;
            int k = 32 * g + l;
            float dl = d * (float)(int8_t)sc[k / 16];
            y[k] = dl * (float)(v - 32);
        }
    }
}

typedef void (*deq_fn)(const unsigned char *b, float *y);

static deq_fn dequantizer(uint32_t type)
{
    switch (type) {
    case GT_GGML_F32: return deq_f32;
    case GT_GGML_F16: return deq_f16;
    case GT_GGML_BF16: return deq_bf16;
    case GT_GGML_Q4_0: return deq_q4_0;
    case GT_GGML_Q4_1: return deq_q4_1;
    case GT_GGML_Q5_0: return deq_q5_0;
    case GT_GGML_Q5_1: return deq_q5_1;
    case GT_GGML_Q8_0: return deq_q8_0;
    case GT_GGML_Q4_K: return deq_q4_k;
    case GT_GGML_Q5_K: return deq_q5_k;
    case GT_GGML_Q6_K: return deq_q6_k;
    }
    return NULL;
}

int gt_ggml_can_dequantize(uint32_t type) { return dequantizer(type) != NULL; }

const char *gt_ggml_dequantize_list(void)
{
    return "F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K";
}

int gt_ggml_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n)
{
    deq_fn f = dequantizer(type);
    const type_info *t = info(type);
    if (!f || n < 0 || n % t->values) return -1;
    const unsigned char *b = src;
    for (int64_t i = 0; i < n; i += t->values, b += t->bytes) f(b, dst + i);
    return 0;
}

int gt_ggml_can_quantize(uint32_t type)
{
    return type == GT_GGML_F32 || type == GT_GGML_F16 || type == GT_GGML_BF16 || type == GT_GGML_Q8_0;
}

static void put16(unsigned char *p, uint16_t h)
{
    p[0] = (unsigned char)h;
    p[1] = (unsigned char)(h >> 8);
}

/* ggml's quantize_row_q8_0_ref: one block of 32 values into 34 bytes. */
static void q8_0_block(const float *x, unsigned char *b)
{
    float amax = 0;
    for (int j = 0; j < 32; j++) {
        float a = fabsf(x[j]);
        amax = amax > a ? amax : a;     /* ggml's MAX(amax, a), NaNs included */
    }
    float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
    put16(b, gt_f32_to_f16(d));
    for (int j = 0; j < 32; j++) {
        float q = roundf(x[j] * id);    /* within [-127, 127] for finite values; NaN (ggml: undefined) gives 0 */
        b[2 + j] = (unsigned char)(int8_t)(q >= -128 && q <= 127 ? (int)q : 0);
    }
}

int gt_ggml_quantize_row(uint32_t type, const float *src, void *dst, int64_t n)
{
    unsigned char *b = dst;
    if (!gt_ggml_can_quantize(type) || n < 0 || n % info(type)->values) return -1;
    if (type == GT_GGML_F32) {
        memcpy(dst, src, (size_t)n * sizeof(float));     /* little-endian hosts, as the reader */
    } else if (type == GT_GGML_F16) {
        for (int64_t i = 0; i < n; i++) put16(b + 2 * i, gt_f32_to_f16(src[i]));
    } else if (type == GT_GGML_BF16) {
        for (int64_t i = 0; i < n; i++) put16(b + 2 * i, gt_f32_to_bf16(src[i]));
    } else {
        for (int64_t i = 0; i < n; i += 32, b += 34) q8_0_block(src + i, b);
    }
    return 0;
}

void gt_ggml_gather_rows(void *dst, const void *src, size_t row_bytes, const int32_t *perm, int rows)
{
    for (int i = 0; i < rows; i++)
        memcpy((char *)dst + (size_t)i * row_bytes, (const char *)src + (size_t)perm[i] * row_bytes, row_bytes);
}

void gt_ggml_quantize_q8_0(const float *x, void *dst, int64_t n)
{
    unsigned char *o = dst;
    for (int64_t b = 0; b < n / 32; b++) q8_0_block(x + 32 * b, o + 34 * b);
}

int gt_ggml_type_of_dtype(int dt)
{
    return dt == GT_DT_F32 ? GT_GGML_F32 : dt == GT_DT_F16 ? GT_GGML_F16 : dt == GT_DT_BF16 ? GT_GGML_BF16
         : dt == GT_DT_Q8_0 ? GT_GGML_Q8_0 : -1;
}
