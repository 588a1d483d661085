/* qkern.h - what nn/qmatmul.c shares with its vector kernels
 * (qmatmul_avx2.c, qmatmul_avx512.c): the types' traits, the quantized
 * activations, and the table of one path's functions. Not for other users:
 * the API is nn/qmatmul.h. */
#ifndef GT_QKERN_H
#define GT_QKERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nn/ggml_types.h"

/* A weight type as the kernels see it (qmatmul.h: w = s * (u - o) + m per group). */
typedef struct {
    uint32_t type;
    int bv, bb;     /* values and bytes per weight block */
    int qb;         /* values per activation block: 32, or 256 for the K types */
    int g;          /* values per group (one scale and min): 32, or 16 for Q6_K */
    int off;        /* o */
    int min;        /* 1: the groups have a min */
} qk_traits;

/* The activations quantized (qmatmul.h), N rows of K values. */
typedef struct {
    const qk_traits *t;
    int n, k, ng;       /* ng = k / g groups per row */
    int off;            /* the o of the kernels (0 where they take Q8_0 signed) */
    int8_t *q;          /* [n][k] */
    float *dg;          /* [n][ng] d of the group's block */
    int32_t *bg;        /* [n][ng] -off * sum q over the group */
    float *fg;          /* [n][ng] d * sum q over the group */
    /* the same per 4-value lane, [n][k/4], for the vector paths' row kernels
     * (NULL otherwise): a vector of lanes then lines up with one of weights */
    float *dl;          /* d */
    int32_t *bl;        /* -off * the lane's sum of q (so each lane's integer is its own
                           share of the group's, no larger: no cancellation in float) */
    float *fl;          /* d * sum q / (g / 4) on every lane of the group */
} qk_act;

/* Weight rows J0..J1 of W (ROWBYTES apart) times every activation row into OUT
 * (row stride LDO); SCRATCH: the path's scratch bytes for this K. */
typedef void (*qk_run_fn)(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                          size_t ldo, void *scratch);

/* Panels (qmatmul.h) P0..P1-1 of PK times every activation row into OUT
 * (columns 16 p.., row stride LDO; rows past D not written). */
typedef void (*qk_pack_fn)(const qk_act *a, const unsigned char *pk, int p0, int p1, int d, float *out, size_t ldo);

/* One path's kernels. */
typedef struct {
    const char *name;
    int signed_q8;      /* takes Q8_0 as signed bytes, o = 0 (vpmaddubsw's sign trick) */
    int lanes;          /* its row kernel reads the per-lane activation arrays */
    int panel_min;      /* activation rows from which PANEL runs instead of ROWS */
    int rows_chunk;     /* weight rows per call of ROWS (a thread's unit of work) */
    int pw;             /* weight rows per call of PANEL */
    /* quantize rows I0..I1 of X into A (arrays allocated by the caller) */
    void (*quant)(qk_act *a, const float *x, int i0, int i1);
    qk_run_fn rows, panel;
    size_t (*scratch)(const qk_act *a, int panel);
    qk_pack_fn packed;  /* NULL: the portable one (unpacks in C) */
} qk_isa;

/* ---- the panels' geometry (qmatmul.h), for type T ---- */
static inline int qk_p_isk(uint32_t T) { return T == GT_GGML_Q4_K || T == GT_GGML_Q5_K || T == GT_GGML_Q6_K; }
static inline int qk_p_min(uint32_t T)
{
    return T == GT_GGML_Q4_1 || T == GT_GGML_Q5_1 || T == GT_GGML_Q4_K || T == GT_GGML_Q5_K;
}
static inline int qk_p_bv(uint32_t T) { return qk_p_isk(T) ? 256 : 32; }             /* values per unit */
static inline int qk_p_g(uint32_t T) { return T == GT_GGML_Q6_K ? 16 : 32; }         /* values per group */
static inline int qk_p_nv(uint32_t T) { return T == GT_GGML_Q8_0 ? qk_p_g(T) / 4 : qk_p_g(T) / 8; }   /* vectors per group */
static inline int qk_p_mb(uint32_t T)   /* mask bytes per vector */
{
    return T == GT_GGML_Q5_0 || T == GT_GGML_Q5_1 || T == GT_GGML_Q5_K ? 16 : T == GT_GGML_Q6_K ? 32 : 0;
}
static inline int qk_p_hdr(uint32_t T)   /* header bytes of a unit */
{
    return T == GT_GGML_Q4_K || T == GT_GGML_Q5_K ? 64 + 256 : T == GT_GGML_Q6_K ? 32 + 256 : 32 * (1 + qk_p_min(T));
}
static inline int qk_p_gbytes(uint32_t T) { return qk_p_nv(T) * (64 + qk_p_mb(T)); }
static inline int qk_p_ubytes(uint32_t T) { return qk_p_hdr(T) + qk_p_bv(T) / qk_p_g(T) * qk_p_gbytes(T); }

/* The eight 6-bit scales (OUT[0..7]) and mins (OUT[8..15]) of a Q4_K/Q5_K
 * block from its 12 scale bytes S (ggml_types.c's scale_min_k4, four lanes at
 * a time). */
static inline void qk_k4_scales(const unsigned char *s, uint8_t out[16])
{
    uint32_t u[4];
    memcpy(u, s, 12);
    u[3] = ((u[2] >> 4) & 0x0f0f0f0f) | (((u[1] >> 6) & 0x03030303) << 4);   /* mins 4-7 */
    uint32_t m03 = u[1] & 0x3f3f3f3f;
    u[1] = (u[2] & 0x0f0f0f0f) | (((u[0] >> 6) & 0x03030303) << 4);         /* scales 4-7 */
    u[2] = m03;
    u[0] &= 0x3f3f3f3f;                                                     /* scales 0-3 */
    memcpy(out, u, 16);
}

/* The portable activation quantization (the reference the vector ones equal). */
void qk_quant_c(qk_act *a, const float *x, int i0, int i1);

#if defined(__x86_64__) || defined(__i386__)
extern const qk_isa qk_avx2, qk_avx512_vnni, qk_avx512_bw;

/* AVX2 (the CPU must have it): the group scales S[ng] and mins M[ng] (types
 * with a min) of weight row ROW of A's type, then 16 zeros after each: the
 * kernels read the groups of a step as 16 floats from its first. */
void qk_scales_row(const qk_act *a, const unsigned char *row, float *s, float *m);
/* AVX2 activation quantization (equal to qk_quant_c). */
void qk_quant_avx2(qk_act *a, const float *x, int i0, int i1);
#endif

#endif
