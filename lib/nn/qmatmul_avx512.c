/* qmatmul_avx512.c - the AVX-512 path of nn/qmatmul.h, with VNNI's
 * vpdpbusd (u8 times s8, four products summed into each 32-bit lane, no
 * intermediate saturation: Q8_0 runs as q + 128 with o = 128) or without it
 * (vpmaddubsw + vpmaddwd as the AVX2 path, Q8_0 by the sign trick). The
 * weight decoders, the panel packing and the activation quantization are
 * the AVX2 ones (qmatmul_avx2.c): they are a small part of the time. */
#include "nn/qkern.h"
#include "nn/ggml_types.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#define T5 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

/* ACC + the sums of four products W * X per 32-bit lane. VNNI's one
 * instruction is written in asm: GCC refuses its intrinsic in a function
 * compiled without avx512vnni even on a branch never taken, and the BW and
 * VNNI kernels are the same functions (only ever run on a CPU that has the
 * instructions they use). SGN: W signed bytes (BW only). */
T5 INL __m512i dot4(__m512i acc, __m512i w, __m512i x, const int VNNI, const int SGN)
{
    if (VNNI) {
        __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(w), "v"(x));
        return acc;
    }
    if (SGN) {
        __mmask64 neg = _mm512_movepi8_mask(w);
        x = _mm512_mask_sub_epi8(x, neg, _mm512_setzero_si512(), x);
        w = _mm512_abs_epi8(w);
    }
    return _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(w, x), _mm512_set1_epi16(1)));
}

/* ---- row kernel: decoded weight rows, 64 values per step ---- */

/* one step of a tile at value T; MASKED: the last 32 values of K */
T5 INL void rows_step(const qk_act *a, const uint8_t *u, const float *sl, const float *ml, int i0, int t,
                      __m512 (*acc)[4], const int masked, const int RX, const int RW, const int MIN, const int SGN,
                      const int VNNI)
{
    int k = a->k, kl = k / 4;
    const __mmask64 mb = 0xffffffffull;   /* MASKED: 32 bytes, 8 lanes */
    const __mmask16 m16 = 0x00ff;
#define LDB(p) (masked ? _mm512_maskz_loadu_epi8(mb, p) : _mm512_loadu_si512((const void *)(p)))
#define LDI(p) (masked ? _mm512_maskz_loadu_epi32(m16, p) : _mm512_loadu_si512((const void *)(p)))
#define LDF(p) (masked ? _mm512_maskz_loadu_ps(m16, p) : _mm512_loadu_ps(p))
    __m512i wv[4];
    __m512 sv[4];
    for (int b = 0; b < RW; b++) {
        wv[b] = LDB(u + (size_t)b * k + t);
        sv[b] = LDF(sl + (size_t)b * kl + t / 4);
    }
    for (int r = 0; r < RX; r++) {
        size_t ir = (size_t)(i0 + r);
        __m512i xv = LDB(a->q + ir * k + t);
        __m512i bv = LDI(a->bl + ir * kl + t / 4);
        __m512 dv = LDF(a->dl + ir * kl + t / 4);
        for (int b = 0; b < RW; b++) {
            __m512i p = dot4(bv, wv[b], xv, VNNI, SGN);
            acc[r][b] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(sv[b], dv), acc[r][b]);
            if (MIN) {
                __m512 fv = LDF(a->fl + ir * kl + t / 4);
                __m512 mv = LDF(ml + (size_t)b * kl + t / 4);
                acc[r][b] = _mm512_fmadd_ps(mv, fv, acc[r][b]);
            }
        }
    }
#undef LDB
#undef LDI
#undef LDF
}

T5 INL void rows_tile(const qk_act *a, const uint8_t *u, const float *sl, const float *ml, int i0, int j0, float *out,
                      size_t ldo, const int RX, const int RW, const int MIN, const int SGN, const int VNNI)
{
    int k = a->k, t = 0;
    __m512 acc[4][4];
    for (int r = 0; r < RX; r++)
        for (int b = 0; b < RW; b++) acc[r][b] = _mm512_setzero_ps();
    for (; t + 64 <= k; t += 64) rows_step(a, u, sl, ml, i0, t, acc, 0, RX, RW, MIN, SGN, VNNI);
    if (t < k) rows_step(a, u, sl, ml, i0, t, acc, 1, RX, RW, MIN, SGN, VNNI);
    for (int r = 0; r < RX; r++)
        for (int b = 0; b < RW; b++) out[(size_t)(i0 + r) * ldo + (size_t)(j0 + b)] = _mm512_reduce_add_ps(acc[r][b]);
}

#define RW_MAX 4

/* all activation rows against NW (<= 4) decoded weight rows: one activation
 * row takes 4 weight rows at a time, more take 2 */
T5 INL void rows_all(const qk_act *a, const uint8_t *u, const float *sl, const float *ml, int j0, int nw, float *out,
                     size_t ldo, const int MIN, const int SGN, const int VNNI)
{
    int k = a->k, kl = k / 4;
    if (a->n == 1 && nw == 4) {
        rows_tile(a, u, sl, ml, 0, j0, out, ldo, 1, 4, MIN, SGN, VNNI);
        return;
    }
    for (int b0 = 0; b0 < nw; b0 += 2) {
        int two = b0 + 2 <= nw;
        const uint8_t *ub = u + (size_t)b0 * k;
        const float *sb = sl + (size_t)b0 * kl, *mb = ml + (size_t)b0 * kl;
        int i = 0;
        for (; i + 4 <= a->n; i += 4) {
            if (two) rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 4, 2, MIN, SGN, VNNI);
            else rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 4, 1, MIN, SGN, VNNI);
        }
        for (; i < a->n; i++) {
            if (two) rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 1, 2, MIN, SGN, VNNI);
            else rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 1, 1, MIN, SGN, VNNI);
        }
    }
}

T5 INL void rows_run(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out, size_t ldo,
                     void *scratch, const int VNNI)
{
    int k = a->k, kl = k / 4, nw = j1 - j0;
    uint8_t *u = scratch;
    float *sl = (float *)(u + (size_t)RW_MAX * k), *ml = sl + (size_t)RW_MAX * kl;
    /* the next rows toward the cache while these decode and multiply */
    const char *next = (const char *)w + (size_t)j1 * rowbytes;
    for (size_t o = 0; o < (size_t)nw * rowbytes; o += 64) __builtin_prefetch(next + o, 0, 0);
    for (int b = 0; b < nw; b++)
        qk_decode_row_avx2(a, w + (size_t)(j0 + b) * rowbytes, u + (size_t)b * k, sl + (size_t)b * kl,
                           ml + (size_t)b * kl);
    int sgn = !VNNI && a->t->type == GT_GGML_Q8_0;
    if (a->t->min) rows_all(a, u, sl, ml, j0, nw, out, ldo, 1, 0, VNNI);
    else if (sgn) rows_all(a, u, sl, ml, j0, nw, out, ldo, 0, 1, VNNI);
    else rows_all(a, u, sl, ml, j0, nw, out, ldo, 0, 0, VNNI);
}

T5 static void rows_vnni(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                         size_t ldo, void *scratch)
{
    rows_run(a, w, rowbytes, j0, j1, out, ldo, scratch, 1);
}

T5 static void rows_bw(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                       size_t ldo, void *scratch)
{
    rows_run(a, w, rowbytes, j0, j1, out, ldo, scratch, 0);
}

/* ---- panel kernel: PW5 = 32 weight rows interleaved by 4 bytes, RX
 * activation rows broadcast 4 bytes at a time; per group, the integer sums
 * then one scale (and min) step ---- */

#define PW5 32
#define NV5 (PW5 / 16)

T5 INL void panel_tile(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int i0, int j0, int nj,
                       float *out, size_t ldo, const int RX, const int MIN, const int SGN, const int VNNI)
{
    int k = a->k, ng = a->ng, spg = a->t->g / 4;
    __m512 acc[6][NV5];
    for (int r = 0; r < RX; r++)
        for (int v = 0; v < NV5; v++) acc[r][v] = _mm512_setzero_ps();
    for (int g = 0; g < ng; g++) {
        __m512i ai[6][NV5];
        for (int r = 0; r < RX; r++)
            for (int v = 0; v < NV5; v++) ai[r][v] = _mm512_set1_epi32(a->bg[(size_t)(i0 + r) * ng + g]);
        for (int st = 0; st < spg; st++) {
            int l = g * spg + st;
            __m512i wv[NV5];
            for (int v = 0; v < NV5; v++)
                wv[v] = _mm512_load_si512((const void *)(pu + ((size_t)l * PW5 + 16 * v) * 4));
            for (int r = 0; r < RX; r++) {
                int32_t x4;
                memcpy(&x4, a->q + (size_t)(i0 + r) * k + 4 * l, 4);
                __m512i xb = _mm512_set1_epi32(x4);
                for (int v = 0; v < NV5; v++) ai[r][v] = dot4(ai[r][v], wv[v], xb, VNNI, SGN);
            }
        }
        for (int r = 0; r < RX; r++) {
            size_t gi = (size_t)(i0 + r) * ng + g;
            __m512 dx = _mm512_set1_ps(a->dg[gi]);
            for (int v = 0; v < NV5; v++) {
                __m512 s = _mm512_mul_ps(_mm512_load_ps(ps + (size_t)g * PW5 + 16 * v), dx);
                acc[r][v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(ai[r][v]), s, acc[r][v]);
                if (MIN) acc[r][v] = _mm512_fmadd_ps(_mm512_load_ps(pm + (size_t)g * PW5 + 16 * v),
                                                     _mm512_set1_ps(a->fg[gi]), acc[r][v]);
            }
        }
    }
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
        for (int v = 0; v < NV5; v++) {
            int left = nj - 16 * v;
            if (left >= 16) _mm512_storeu_ps(o + 16 * v, acc[r][v]);
            else if (left > 0) _mm512_mask_storeu_ps(o + 16 * v, (__mmask16)((1u << left) - 1), acc[r][v]);
        }
    }
}

T5 INL void panel_all(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int j0, int nj,
                      float *out, size_t ldo, const int MIN, const int SGN, const int VNNI)
{
    int i = 0;
    for (; i + 6 <= a->n; i += 6) panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 6, MIN, SGN, VNNI);
    switch (a->n - i) {
    case 5: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 5, MIN, SGN, VNNI); break;
    case 4: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 4, MIN, SGN, VNNI); break;
    case 3: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 3, MIN, SGN, VNNI); break;
    case 2: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 2, MIN, SGN, VNNI); break;
    case 1: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 1, MIN, SGN, VNNI); break;
    }
}

T5 INL void panel_run(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                      size_t ldo, void *scratch, const int VNNI)
{
    int k = a->k, ng = a->ng;
    uint8_t *pu = scratch;
    float *ps = (float *)(pu + (size_t)PW5 * k), *pm = ps + (size_t)ng * PW5;
    qk_pack_panel(a, w, rowbytes, j0, j1, PW5, pu, ps, pm, pm + (size_t)ng * PW5);
    int sgn = !VNNI && a->t->type == GT_GGML_Q8_0;
    if (a->t->min) panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 1, 0, VNNI);
    else if (sgn) panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 0, 1, VNNI);
    else panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 0, 0, VNNI);
}

T5 static void panel_vnni(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                          size_t ldo, void *scratch)
{
    panel_run(a, w, rowbytes, j0, j1, out, ldo, scratch, 1);
}

T5 static void panel_bw(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                        size_t ldo, void *scratch)
{
    panel_run(a, w, rowbytes, j0, j1, out, ldo, scratch, 0);
}

static size_t scratch_avx512(const qk_act *a, int panel)
{
    size_t k = (size_t)a->k;
    if (panel) return PW5 * k + 2 * sizeof(float) * (size_t)a->ng * PW5 + 3 * k;
    return RW_MAX * k + 2 * sizeof(float) * RW_MAX * (k / 4);
}

const qk_isa qk_avx512_vnni = {
    .name = "avx512-vnni", .signed_q8 = 0, .lanes = 1, .panel_min = 16, .rows_chunk = RW_MAX, .pw = PW5,
    .quant = qk_quant_avx2, .rows = rows_vnni, .panel = panel_vnni, .scratch = scratch_avx512,
};

const qk_isa qk_avx512_bw = {
    .name = "avx512-bw", .signed_q8 = 1, .lanes = 1, .panel_min = 16, .rows_chunk = RW_MAX, .pw = PW5,
    .quant = qk_quant_avx2, .rows = rows_bw, .panel = panel_bw, .scratch = scratch_avx512,
};
#endif
