/* kernels.c - matmul with F32/F16/BF16 weights (AVX-512, AVX2+FMA, portable),
 * RMSNorm, softmax, SwiGLU.
 *
 * The matmul computes dot products of rows of X with rows of W in register
 * tiles: a tile of TX rows of X times TW rows of W keeps TX*TW vector
 * accumulators, so each weight vector loaded (and widened from 16 bits) is used
 * TX times and each X vector TW times. OpenMP splits the W row tiles over the
 * threads; each thread sweeps all rows of X against its W tile, which stays in
 * L1/L2 while X streams from L2. Decoding one token (n = 1) is a 1 x TW tile
 * per step: bound by memory bandwidth, reading each weight once. */
#include "nn/kernels.h"
#include "nn/ggml_types.h"
#include "nn/qmatmul.h"
#include "core/util.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define GT_X86 1
#include <immintrin.h>
#endif

/* ---- scalar conversions ---- */

static inline float ld_scalar(const void *w, size_t i, gt_dtype t)
{
    if (t == GT_DT_F32) return ((const float *)w)[i];
    if (t == GT_DT_BF16) return gt_bf16_to_f32(((const uint16_t *)w)[i]);
    return gt_f16_to_f32(((const uint16_t *)w)[i]);
}

void gt_row_to_f32(float *out, const void *w, gt_dtype t, size_t r, int cols)
{
    if (t == GT_DT_Q8) {
        const gt_q8mat *m = w;
        const int8_t *q = m->q + r * (size_t)m->cols;
        const float *sc = m->s + r * (size_t)m->nblk;
        for (int i = 0; i < cols; i++) out[i] = (float)q[i] * sc[i / GT_Q8_BLOCK];
        return;
    }
    if (gt_dtype_is_packed(t)) {
        gt_qpack_row_to_f32(out, w, gt_dtype_ggml(t), cols, r);
        return;
    }
    if (gt_dtype_is_block(t)) {
        size_t rb = 0;
        gt_ggml_row_bytes(gt_dtype_ggml(t), cols, &rb);
        if (gt_ggml_dequantize_row(gt_dtype_ggml(t), (const char *)w + r * rb, out, cols) != 0)
            for (int i = 0; i < cols; i++) out[i] = NAN;   /* not a whole number of blocks: as gt_qmatmul */
        return;
    }
    gt_to_f32(out, (const char *)w + r * (size_t)cols * gt_dtype_size(t), t, (size_t)cols);
}

/* ---- path selection ---- */

int gt_kernels_supported(gt_kpath p)
{
    switch (p) {
    case GT_K_PORTABLE: return 1;
#ifdef GT_X86
    case GT_K_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case GT_K_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
               gt_kernels_supported(GT_K_AVX2);
#endif
    default: return 0;
    }
}

const char *gt_kernels_name(gt_kpath p)
{
    switch (p) {
    case GT_K_PORTABLE: return "portable";
    case GT_K_AVX2: return "avx2";
    case GT_K_AVX512: return "avx512";
    default: return "auto";
    }
}

gt_kpath gt_kernels_best(void)
{
    static int best = -2;
    int b = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (b != -2) return (gt_kpath)b;
    b = GT_K_PORTABLE;
    if (gt_kernels_supported(GT_K_AVX2)) b = GT_K_AVX2;
    if (gt_kernels_supported(GT_K_AVX512)) b = GT_K_AVX512;
    const char *env = getenv("GT_KERNELS");
    if (env) {
        for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++)
            if (strcmp(env, gt_kernels_name((gt_kpath)p)) == 0 && gt_kernels_supported((gt_kpath)p)) b = p;
    }
    __atomic_store_n(&best, b, __ATOMIC_RELAXED);
    return (gt_kpath)b;
}

/* ---- the tiled driver, shared by every path ---- */

typedef void (*tile_fn)(float *out, size_t ldo, const float *x, const void *w, int k, int i0, int j0);

typedef struct {
    int tx, tw;             /* full tile: TX rows of X by TW rows of W */
    tile_fn full;           /* TX x TW */
    tile_fn xtail;          /* 1 x TW */
    tile_fn wtail;          /* TX x 1 */
    tile_fn one;            /* 1 x 1 */
    int tw1;                /* fewer than TX rows of X (decoding): 1 x TW1 tiles, */
    tile_fn row;            /* more weight rows streamed from memory at once */
} tile_set;

/* Bring the next tile's weight rows toward the cache while this one computes
 * (the weights of a model stream from memory once per prefill chunk, and once
 * per decoded token). */
static inline void prefetch_rows(const char *wb, size_t rowbytes, int j0, int rows)
{
    if (!wb) return;
    const char *p = wb + (size_t)j0 * rowbytes, *e = p + (size_t)rows * rowbytes;
    for (; p < e; p += 64) __builtin_prefetch(p, 0, 3);
}

/* PF_MM, PF_MV: the weights' rows (ROWBYTES apart) to prefetch in matrix-matrix
 * products and in decoding's row tiles (NULL: none) */
static void run_tiles(const tile_set *ts, float *out, size_t ldo, const float *x, const void *w,
                      int n, int d, int k, const char *pf_mm, const char *pf_mv, size_t rowbytes)
{
    int tw = ts->tw, tx = ts->tx;
    long long work = (long long)n * d * k;
    if (n < tx) {
        int tw1 = ts->tw1, nt1 = (d + tw1 - 1) / tw1;
#pragma omp parallel for schedule(static) if (work > 200000 && nt1 > 1)
        for (int jt = 0; jt < nt1; jt++) {
            int j0 = jt * tw1;
            if (j0 + 2 * tw1 <= d) prefetch_rows(pf_mv, rowbytes, j0 + tw1, tw1);
            for (int i = 0; i < n; i++) {
                if (j0 + tw1 <= d) ts->row(out, ldo, x, w, k, i, j0);
                else for (int j = j0; j < d; j++) ts->one(out, ldo, x, w, k, i, j);
            }
        }
        return;
    }
    int ntiles = (d + tw - 1) / tw;
#pragma omp parallel for schedule(static) if (work > 200000 && ntiles > 1)
    for (int jt = 0; jt < ntiles; jt++) {
        int j0 = jt * tw;
        if (j0 + tw <= d) {
            if (j0 + 2 * tw <= d) prefetch_rows(pf_mm, rowbytes, j0 + tw, tw);
            int i0 = 0;
            for (; i0 + tx <= n; i0 += tx) ts->full(out, ldo, x, w, k, i0, j0);
            for (; i0 < n; i0++) ts->xtail(out, ldo, x, w, k, i0, j0);
        } else {
            for (int j = j0; j < d; j++) {
                int i0 = 0;
                for (; i0 + tx <= n; i0 += tx) ts->wtail(out, ldo, x, w, k, i0, j);
                for (; i0 < n; i0++) ts->one(out, ldo, x, w, k, i0, j);
            }
        }
    }
}

/* ---- portable path: 1 x 4 tiles, 8 partial sums per dot product ---- */

static inline __attribute__((always_inline)) void tile_c(float *out, size_t ldo, const float *x, const void *w,
                                                         gt_dtype dt, int k, int i0, int j0, const int RX, const int RW)
{
    for (int a = 0; a < RX; a++) {
        const float *xr = x + (size_t)(i0 + a) * k;
        for (int b = 0; b < RW; b++) {
            size_t wr = (size_t)(j0 + b) * k;
            float s[8] = { 0 };
            int t = 0;
            for (; t + 8 <= k; t += 8)
                for (int u = 0; u < 8; u++) s[u] += xr[t + u] * ld_scalar(w, wr + (size_t)(t + u), dt);
            float acc = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
            for (; t < k; t++) acc += xr[t] * ld_scalar(w, wr + (size_t)t, dt);
            out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = acc;
        }
    }
}

#define TILE_ARGS float *out, size_t ldo, const float *x, const void *w, int k, int i0, int j0
#define DEF_TILES(ATTR, BODY, NAME, DT, TX, TW, TW1) \
    ATTR static void NAME##_full(TILE_ARGS) { BODY(out, ldo, x, w, DT, k, i0, j0, TX, TW); } \
    ATTR static void NAME##_xtail(TILE_ARGS) { BODY(out, ldo, x, w, DT, k, i0, j0, 1, TW); } \
    ATTR static void NAME##_wtail(TILE_ARGS) { BODY(out, ldo, x, w, DT, k, i0, j0, TX, 1); } \
    ATTR static void NAME##_one(TILE_ARGS) { BODY(out, ldo, x, w, DT, k, i0, j0, 1, 1); } \
    ATTR static void NAME##_row(TILE_ARGS) { BODY(out, ldo, x, w, DT, k, i0, j0, 1, TW1); } \
    static const tile_set NAME##_set = { TX, TW, NAME##_full, NAME##_xtail, NAME##_wtail, NAME##_one, TW1, NAME##_row };

/* 8-bit weights: per block, sum x*q in float, then scale (exact products) */
static inline __attribute__((always_inline)) void tile_q8c(float *out, size_t ldo, const float *x, const void *w,
                                                           gt_dtype dt, int k, int i0, int j0, const int RX, const int RW)
{
    (void)dt;
    const gt_q8mat *m = w;
    for (int a = 0; a < RX; a++) {
        const float *xr = x + (size_t)(i0 + a) * k;
        for (int b = 0; b < RW; b++) {
            const int8_t *q = m->q + (size_t)(j0 + b) * k;
            const float *sc = m->s + (size_t)(j0 + b) * m->nblk;
            float acc = 0;
            for (int t0 = 0, blk = 0; t0 < k; t0 += GT_Q8_BLOCK, blk++) {
                int t1 = t0 + GT_Q8_BLOCK < k ? t0 + GT_Q8_BLOCK : k;
                float s4[4] = { 0 };
                int t = t0;
                for (; t + 4 <= t1; t += 4)
                    for (int u = 0; u < 4; u++) s4[u] += xr[t + u] * (float)q[t + u];
                float bs = (s4[0] + s4[1]) + (s4[2] + s4[3]);
                for (; t < t1; t++) bs += xr[t] * (float)q[t];
                acc += bs * sc[blk];
            }
            out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = acc;
        }
    }
}

DEF_TILES(, tile_c, c_f32, GT_DT_F32, 1, 4, 4)
DEF_TILES(, tile_q8c, c_q8, GT_DT_Q8, 1, 4, 4)
DEF_TILES(, tile_c, c_f16, GT_DT_F16, 1, 4, 4)
DEF_TILES(, tile_c, c_bf16, GT_DT_BF16, 1, 4, 4)

#ifdef GT_X86
/* ---- AVX2 + FMA + F16C: 4 x 2 tiles of 8-float vectors ---- */

#define T256 __attribute__((target("avx2,fma,f16c")))

T256 static inline __attribute__((always_inline)) __m256 ld256(const void *w, size_t i, gt_dtype dt)
{
    if (dt == GT_DT_F32) return _mm256_loadu_ps((const float *)w + i);
    __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)w + i));
    if (dt == GT_DT_BF16) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    return _mm256_cvtph_ps(h);
}

T256 static inline __attribute__((always_inline)) float hsum256(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

T256 static inline __attribute__((always_inline)) void tile_avx2(float *out, size_t ldo, const float *x, const void *w,
                                                                 gt_dtype dt, int k, int i0, int j0, const int RX,
                                                                 const int RW)
{
    __m256 acc[4][8];
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) acc[a][b] = _mm256_setzero_ps();
    int t = 0;
    for (; t + 8 <= k; t += 8) {
        __m256 wv[8];
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) wv[b] = ld256(w, (size_t)(j0 + b) * k + (size_t)t, dt);
#pragma GCC unroll 8
        for (int a = 0; a < RX; a++) {
            __m256 xv = _mm256_loadu_ps(x + (size_t)(i0 + a) * k + t);
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) acc[a][b] = _mm256_fmadd_ps(xv, wv[b], acc[a][b]);
        }
    }
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) {
            float s = hsum256(acc[a][b]);
            for (int u = t; u < k; u++)
                s += x[(size_t)(i0 + a) * k + u] * ld_scalar(w, (size_t)(j0 + b) * k + (size_t)u, dt);
            out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = s;
        }
}

DEF_TILES(T256, tile_avx2, a2_f32, GT_DT_F32, 4, 2, 4)
DEF_TILES(T256, tile_avx2, a2_f16, GT_DT_F16, 4, 2, 4)
DEF_TILES(T256, tile_avx2, a2_bf16, GT_DT_BF16, 4, 2, 4)

/* 8-bit weights: each 8-weight vector is widened (int8 -> int32 -> float) and
 * multiplied by its block scale once, then used by the RX rows of X. */
T256 static inline __attribute__((always_inline)) void tile_q8_avx2(float *out, size_t ldo, const float *x,
                                                                    const void *w, gt_dtype dt, int k, int i0, int j0,
                                                                    const int RX, const int RW)
{
    (void)dt;
    const gt_q8mat *m = w;
    const int nb = m->nblk;
    __m256 acc[4][8], sc[8];
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) acc[a][b] = _mm256_setzero_ps();
#pragma GCC unroll 8
    for (int b = 0; b < RW; b++) sc[b] = _mm256_setzero_ps();
    int t = 0;
    for (; t + 8 <= k; t += 8) {
        if ((t % GT_Q8_BLOCK) == 0)
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) sc[b] = _mm256_set1_ps(m->s[(size_t)(j0 + b) * nb + t / GT_Q8_BLOCK]);
        __m256 wv[8];
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) {
            __m128i q8 = _mm_loadl_epi64((const __m128i *)(m->q + (size_t)(j0 + b) * k + t));
            wv[b] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q8)), sc[b]);
        }
#pragma GCC unroll 8
        for (int a = 0; a < RX; a++) {
            __m256 xv = _mm256_loadu_ps(x + (size_t)(i0 + a) * k + t);
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) acc[a][b] = _mm256_fmadd_ps(xv, wv[b], acc[a][b]);
        }
    }
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) {
            float s = hsum256(acc[a][b]);
            const int8_t *q = m->q + (size_t)(j0 + b) * k;
            const float *scr = m->s + (size_t)(j0 + b) * nb;
            for (int u = t; u < k; u++) s += x[(size_t)(i0 + a) * k + u] * ((float)q[u] * scr[u / GT_Q8_BLOCK]);
            out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = s;
        }
}

DEF_TILES(T256, tile_q8_avx2, a2_q8, GT_DT_Q8, 4, 2, 4)

/* ---- AVX-512: 4 x 4 tiles of 16-float vectors, masked tail ---- */

#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))

T512 static inline __attribute__((always_inline)) __m512 ld512(const void *w, size_t i, gt_dtype dt, __mmask16 m,
                                                               int masked)
{
    if (dt == GT_DT_F32)
        return masked ? _mm512_maskz_loadu_ps(m, (const float *)w + i) : _mm512_loadu_ps((const float *)w + i);
    const uint16_t *p = (const uint16_t *)w + i;
    __m256i h = masked ? _mm256_maskz_loadu_epi16(m, p) : _mm256_loadu_si256((const __m256i *)p);
    if (dt == GT_DT_BF16) return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    return _mm512_cvtph_ps(h);
}

T512 static inline __attribute__((always_inline)) void tile_avx512(float *out, size_t ldo, const float *x,
                                                                   const void *w, gt_dtype dt, int k, int i0, int j0,
                                                                   const int RX, const int RW)
{
    __m512 acc[4][8];
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) acc[a][b] = _mm512_setzero_ps();
    int t = 0;
    for (; t + 16 <= k; t += 16) {
        __m512 wv[8];
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) wv[b] = ld512(w, (size_t)(j0 + b) * k + (size_t)t, dt, 0, 0);
#pragma GCC unroll 8
        for (int a = 0; a < RX; a++) {
            __m512 xv = _mm512_loadu_ps(x + (size_t)(i0 + a) * k + t);
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) acc[a][b] = _mm512_fmadd_ps(xv, wv[b], acc[a][b]);
        }
    }
    if (t < k) {
        __mmask16 m = (__mmask16)((1u << (k - t)) - 1);
        __m512 wv[8];
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) wv[b] = ld512(w, (size_t)(j0 + b) * k + (size_t)t, dt, m, 1);
#pragma GCC unroll 8
        for (int a = 0; a < RX; a++) {
            __m512 xv = _mm512_maskz_loadu_ps(m, x + (size_t)(i0 + a) * k + t);
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) acc[a][b] = _mm512_fmadd_ps(xv, wv[b], acc[a][b]);
        }
    }
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = _mm512_reduce_add_ps(acc[a][b]);
}

DEF_TILES(T512, tile_avx512, a5_f32, GT_DT_F32, 4, 4, 8)
DEF_TILES(T512, tile_avx512, a5_f16, GT_DT_F16, 4, 4, 8)
DEF_TILES(T512, tile_avx512, a5_bf16, GT_DT_BF16, 4, 4, 8)

T512 static inline __attribute__((always_inline)) __m512 ldq512(const gt_q8mat *m, size_t row, int t, __m512 sc,
                                                                __mmask16 mk, int masked)
{
    const int8_t *p = m->q + row * (size_t)m->cols + t;
    __m128i q8 = masked ? _mm_maskz_loadu_epi8(mk, p) : _mm_loadu_si128((const __m128i *)p);
    return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q8)), sc);
}

T512 static inline __attribute__((always_inline)) void tile_q8_avx512(float *out, size_t ldo, const float *x,
                                                                      const void *w, gt_dtype dt, int k, int i0,
                                                                      int j0, const int RX, const int RW)
{
    (void)dt;
    const gt_q8mat *m = w;
    const int nb = m->nblk;
    __m512 acc[4][8], sc[8];
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) acc[a][b] = _mm512_setzero_ps();
#pragma GCC unroll 8
    for (int b = 0; b < RW; b++) sc[b] = _mm512_setzero_ps();
    int t = 0;
    for (; t < k; t += 16) {
        int masked = t + 16 > k;
        __mmask16 mk = masked ? (__mmask16)((1u << (k - t)) - 1) : (__mmask16)0xffff;
        if ((t % GT_Q8_BLOCK) == 0)
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) sc[b] = _mm512_set1_ps(m->s[(size_t)(j0 + b) * nb + t / GT_Q8_BLOCK]);
        __m512 wv[8];
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) wv[b] = ldq512(m, (size_t)(j0 + b), t, sc[b], mk, masked);
#pragma GCC unroll 8
        for (int a = 0; a < RX; a++) {
            const float *xp = x + (size_t)(i0 + a) * k + t;
            __m512 xv = masked ? _mm512_maskz_loadu_ps(mk, xp) : _mm512_loadu_ps(xp);
#pragma GCC unroll 8
            for (int b = 0; b < RW; b++) acc[a][b] = _mm512_fmadd_ps(xv, wv[b], acc[a][b]);
        }
    }
#pragma GCC unroll 8
    for (int a = 0; a < RX; a++)
#pragma GCC unroll 8
        for (int b = 0; b < RW; b++) out[(size_t)(i0 + a) * ldo + (size_t)(j0 + b)] = _mm512_reduce_add_ps(acc[a][b]);
}

DEF_TILES(T512, tile_q8_avx512, a5_q8, GT_DT_Q8, 4, 4, 8)
#endif

#ifdef GT_X86
/* ---- AVX-512 packed products for matrices (n >= GM_MIN_N rows of X) ----
 *
 * The tiles above take dot products along k and reduce each accumulator across
 * its 16 lanes at the end: fine for decoding, but a 4 x 4 tile reads 8 vectors
 * for 16 FMAs and walks whole rows of k, so matrix products reach under half of
 * the FMA units' rate. Here the weights are packed, per call, into panels of
 * GM_NR = 64 output columns: panel[t][c] = W[j0 + c][t] for a block of GM_KC
 * values of t (16-bit weights widened as they are packed; rows past d are
 * zeros). A micro-tile of GM_MR = 6 rows of X by the 64 columns keeps 24
 * accumulators: each step t loads the panel's 4 vectors and broadcasts one value
 * of each X row, so 10 loads feed 24 FMAs and nothing is reduced across lanes.
 * A panel block (GM_KC x 64 floats, 32 KB) stays in L1 while all rows of X pass
 * over it. Each output is the sum over t in order within a block, blocks added
 * in order: the same bits whatever the number of threads (threads split the
 * panels). */
#define GM_MR 6
#define GM_NR 64
#define GM_KC 128
#define GM_MIN_N 16

/* B stored k x d (b[t][j], row stride d): the panel's rows are slices of B's rows */
T512 static void gm_pack_kd(float *bp, const void *b, gt_dtype dt, int d, int j0, int t0, int kc)
{
    int cols = d - j0 < GM_NR ? d - j0 : GM_NR;
    for (int t = 0; t < kc; t++) {
        size_t base = (size_t)(t0 + t) * d + (size_t)j0;
        float *dst = bp + (size_t)t * GM_NR;
        for (int v = 0; v < 4; v++) {
            int left = cols - 16 * v;
            __m512 x = _mm512_setzero_ps();
            if (left >= 16) x = ld512(b, base + 16 * (size_t)v, dt, 0, 0);
            else if (left > 0) x = ld512(b, base + 16 * (size_t)v, dt, (__mmask16)((1u << left) - 1), 1);
            _mm512_store_ps(dst + 16 * v, x);
        }
    }
}

T512 static void gm_pack(float *bp, const void *w, gt_dtype dt, int d, int k, int j0, int t0, int kc)
{
    for (int c0 = 0; c0 < GM_NR; c0 += 16) {
        for (int tb = 0; tb < kc; tb += 16) {
            int tn = kc - tb < 16 ? kc - tb : 16;
            __mmask16 mt = (__mmask16)(tn == 16 ? 0xffffu : (1u << tn) - 1);
            __m512 r[16];
            for (int c = 0; c < 16; c++) {
                int row = j0 + c0 + c;
                r[c] = row < d ? ld512(w, (size_t)row * k + (size_t)(t0 + tb), dt, mt, 1) : _mm512_setzero_ps();
            }
            /* 16 x 16 transpose in registers: r[c][t] -> column c of rows t */
            float tmp[16][16] __attribute__((aligned(64)));
            for (int c = 0; c < 16; c++) _mm512_store_ps(tmp[c], r[c]);
            for (int t = 0; t < tn; t++) {
                __m512 v = _mm512_set_ps(tmp[15][t], tmp[14][t], tmp[13][t], tmp[12][t], tmp[11][t], tmp[10][t],
                                         tmp[9][t], tmp[8][t], tmp[7][t], tmp[6][t], tmp[5][t], tmp[4][t],
                                         tmp[3][t], tmp[2][t], tmp[1][t], tmp[0][t]);
                _mm512_store_ps(bp + (size_t)(tb + t) * GM_NR + c0, v);
            }
        }
    }
}

T512 static inline __attribute__((always_inline)) void gm_micro(float *out, size_t ldo, const float *x,
                                                                const float *bp, int kc, int add, int cols,
                                                                const int RX)
{
    __m512 c[GM_MR][4];
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++)
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) c[r][v] = _mm512_setzero_ps();
    for (int t = 0; t < kc; t++) {
        const float *b = bp + (size_t)t * GM_NR;
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16), b2 = _mm512_load_ps(b + 32),
               b3 = _mm512_load_ps(b + 48);
#pragma GCC unroll 6
        for (int r = 0; r < RX; r++) {
            __m512 a = _mm512_set1_ps(x[(size_t)t * GM_MR + (size_t)r]);
            c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]);
            c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]);
            c[r][2] = _mm512_fmadd_ps(a, b2, c[r][2]);
            c[r][3] = _mm512_fmadd_ps(a, b3, c[r][3]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)r * ldo;
#pragma GCC unroll 4
        for (int v = 0; v < 4; v++) {
            int left = cols - 16 * v;
            if (left <= 0) break;
            __mmask16 m = (__mmask16)(left >= 16 ? 0xffffu : (1u << left) - 1);
            __m512 s = c[r][v];
            if (add) s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(m, o + 16 * v));
            _mm512_mask_storeu_ps(o + 16 * v, m, s);
        }
    }
}

/* Work units: a chunk of up to GM_CP panels by a block of GM_MC rows of X, so the
 * chunk's packed block (GM_CP x 32 KB) sits in L2 beside the rows' slice of X
 * (GM_MC x GM_KC floats, 96 KB); chunks get equal numbers of panels, and the
 * units go to the threads as they come free. */
#define GM_CP 4
#define GM_MC 192

/* KD: W is stored k x d (else d x k); ACC: add to OUT (else store) */
T512 static void gm_matmul512(float *out, size_t ldo, const float *x, const void *w, gt_dtype dt, int n, int d, int k,
                              int kd, int acc)
{
    int np = (d + GM_NR - 1) / GM_NR, nc = (np + GM_CP - 1) / GM_CP, ni = (n + GM_MC - 1) / GM_MC;
    int units = nc * ni;
    long long work = (long long)n * d * k;
    int par = work > 200000 && units > 1, nth = par ? omp_get_max_threads() : 1;
    /* one allocation for every thread's packing space, sized to the call: a
     * per-thread allocation of the largest size went to mmap and back on each
     * of the many small products of a LoRA adapter kept apart */
    int cp = np < GM_CP ? np : GM_CP, kb = k < GM_KC ? k : GM_KC;
    size_t per = (size_t)kb * ((size_t)GM_NR * cp + GM_MC);
    float *space = aligned_alloc(64, per * (size_t)nth * sizeof(float));
    if (!space) abort();
#pragma omp parallel num_threads(nth) if (par)
    {
        float *bp = space + per * (size_t)omp_get_thread_num();
        float *ap = bp + (size_t)kb * GM_NR * cp;
#pragma omp for schedule(dynamic, 1)
        for (int u = 0; u < units; u++) {
            int c = u / ni, ib = u % ni;
            int p0 = (int)((long long)c * np / nc), p1 = (int)((long long)(c + 1) * np / nc);
            int i0 = ib * GM_MC, i1 = i0 + GM_MC < n ? i0 + GM_MC : n;
            for (int t0 = 0; t0 < k; t0 += GM_KC) {
                int kc = k - t0 < GM_KC ? k - t0 : GM_KC, add = acc || t0 > 0;
                for (int p = p0; p < p1; p++) {
                    float *pb = bp + (size_t)(p - p0) * kb * GM_NR;
                    if (kd) gm_pack_kd(pb, w, dt, d, p * GM_NR, t0, kc);
                    else gm_pack(pb, w, dt, d, k, p * GM_NR, t0, kc);
                }
                /* X's rows i0..i1, values t0..t0+kc, as panels of GM_MR rows: ap[panel][t][r] */
                for (int i = i0; i < i1; i++) {
                    const float *xr = x + (size_t)i * k + t0;
                    float *dst = ap + (size_t)((i - i0) / GM_MR) * kb * GM_MR + (size_t)((i - i0) % GM_MR);
                    for (int t = 0; t < kc; t++) dst[(size_t)t * GM_MR] = xr[t];
                }
                for (int p = p0; p < p1; p++) {
                    const float *pb = bp + (size_t)(p - p0) * kb * GM_NR;
                    int j0 = p * GM_NR, cols = d - j0 < GM_NR ? d - j0 : GM_NR;
                    int i = i0;
                    for (; i + GM_MR <= i1; i += GM_MR)
                        gm_micro(out + (size_t)i * ldo + j0, ldo, ap + (size_t)((i - i0) / GM_MR) * kb * GM_MR, pb,
                                 kc, add, cols, GM_MR);
                    float *o = out + (size_t)i * ldo + j0;
                    const float *xr = ap + (size_t)((i - i0) / GM_MR) * kb * GM_MR;
                    switch (i1 - i) {
                    case 5: gm_micro(o, ldo, xr, pb, kc, add, cols, 5); break;
                    case 4: gm_micro(o, ldo, xr, pb, kc, add, cols, 4); break;
                    case 3: gm_micro(o, ldo, xr, pb, kc, add, cols, 3); break;
                    case 2: gm_micro(o, ldo, xr, pb, kc, add, cols, 2); break;
                    case 1: gm_micro(o, ldo, xr, pb, kc, add, cols, 1); break;
                    default: break;
                    }
                }
            }
        }
    }
    free(space);
}

#endif

/* ---- A B products of F32 matrices (attention: scores and weighted values) ----
 *
 * out[i][j] = sum_t a[i][t] * b[t][j]: each step t broadcasts one value of A per
 * row of the tile and loads a few vectors of B's row t, so nothing is reduced
 * across a vector and the sum over t runs in order, as the scalar loop does. */

static void nn_c(float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb, int n, int d, int k)
{
    for (int i = 0; i < n; i++) {
        float *o = out + (size_t)i * ldo;
        for (int j = 0; j < d; j++) o[j] = 0;
        for (int t = 0; t < k; t++) {
            float av = a[(size_t)i * lda + (size_t)t];
            const float *br = b + (size_t)t * ldb;
            for (int j = 0; j < d; j++) o[j] += av * br[j];
        }
    }
}

#ifdef GT_X86
/* AVX2: tiles of up to 6 rows by 2 vectors of 8 columns (12 accumulators) */
T256 static inline __attribute__((always_inline)) void nn256_tile(float *out, size_t ldo, const float *a, size_t lda,
                                                                  const float *b, size_t ldb, int k, int i0, int j0,
                                                                  __m256i mlast, const int RX, const int NV)
{
    __m256 acc[6][2];
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++)
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
    for (int t = 0; t < k; t++) {
        const float *br = b + (size_t)t * ldb + j0;
        __m256 bv[2];
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++)
            bv[v] = v == NV - 1 ? _mm256_maskload_ps(br + 8 * v, mlast) : _mm256_loadu_ps(br + 8 * v);
#pragma GCC unroll 6
        for (int r = 0; r < RX; r++) {
            __m256 av = _mm256_broadcast_ss(a + (size_t)(i0 + r) * lda + (size_t)t);
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++) {
            if (v == NV - 1) _mm256_maskstore_ps(o + 8 * v, mlast, acc[r][v]);
            else _mm256_storeu_ps(o + 8 * v, acc[r][v]);
        }
    }
}

#define NN_ROWS(TILE, RX, NV1, NV2, NV3, NV4)                                                       \
    switch (nv) {                                                                                   \
    case 1: TILE(out, ldo, a, lda, b, ldb, k, i0, j0, ml, RX, NV1); break;                          \
    case 2: TILE(out, ldo, a, lda, b, ldb, k, i0, j0, ml, RX, NV2); break;                          \
    case 3: TILE(out, ldo, a, lda, b, ldb, k, i0, j0, ml, RX, NV3); break;                          \
    default: TILE(out, ldo, a, lda, b, ldb, k, i0, j0, ml, RX, NV4); break;                         \
    }
#define NN_TAIL(TILE, NV1, NV2, NV3, NV4)                                                           \
    switch (n - i0) {                                                                               \
    case 5: NN_ROWS(TILE, 5, NV1, NV2, NV3, NV4) break;                                             \
    case 4: NN_ROWS(TILE, 4, NV1, NV2, NV3, NV4) break;                                             \
    case 3: NN_ROWS(TILE, 3, NV1, NV2, NV3, NV4) break;                                             \
    case 2: NN_ROWS(TILE, 2, NV1, NV2, NV3, NV4) break;                                             \
    case 1: NN_ROWS(TILE, 1, NV1, NV2, NV3, NV4) break;                                             \
    }

T256 static void nn_avx2(float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb, int n, int d,
                         int k)
{
    for (int j0 = 0; j0 < d; j0 += 16) {
        int rem = d - j0, nv = rem >= 16 ? 2 : (rem + 7) / 8, last = rem - 8 * (nv - 1);
        if (last > 8) last = 8;
        __m256i ml = _mm256_cmpgt_epi32(_mm256_set1_epi32(last), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        int i0 = 0;
        for (; i0 + 6 <= n; i0 += 6) NN_ROWS(nn256_tile, 6, 1, 2, 2, 2)
        NN_TAIL(nn256_tile, 1, 2, 2, 2)
    }
}

/* AVX-512: tiles of up to 6 rows by 4 vectors of 16 columns (24 accumulators) */
T512 static inline __attribute__((always_inline)) void nn512_tile(float *out, size_t ldo, const float *a, size_t lda,
                                                                  const float *b, size_t ldb, int k, int i0, int j0,
                                                                  __mmask16 mlast, const int RX, const int NV)
{
    __m512 acc[6][4];
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++)
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) acc[r][v] = _mm512_setzero_ps();
    for (int t = 0; t < k; t++) {
        const float *br = b + (size_t)t * ldb + j0;
        __m512 bv[4];
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++)
            bv[v] = v == NV - 1 ? _mm512_maskz_loadu_ps(mlast, br + 16 * v) : _mm512_loadu_ps(br + 16 * v);
#pragma GCC unroll 6
        for (int r = 0; r < RX; r++) {
            __m512 av = _mm512_set1_ps(a[(size_t)(i0 + r) * lda + (size_t)t]);
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) {
            if (v == NV - 1) _mm512_mask_storeu_ps(o + 16 * v, mlast, acc[r][v]);
            else _mm512_storeu_ps(o + 16 * v, acc[r][v]);
        }
    }
}

T512 static void nn_avx512(float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb, int n,
                           int d, int k)
{
    for (int j0 = 0; j0 < d; j0 += 64) {
        int rem = d - j0, nv = rem >= 64 ? 4 : (rem + 15) / 16, last = rem - 16 * (nv - 1);
        if (last > 16) last = 16;
        __mmask16 ml = (__mmask16)(last == 16 ? 0xffffu : (1u << last) - 1);
        int i0 = 0;
        for (; i0 + 6 <= n; i0 += 6) NN_ROWS(nn512_tile, 6, 1, 2, 3, 4)
        NN_TAIL(nn512_tile, 1, 2, 3, 4)
    }
}
#endif

void gt_matmul_nn_path(gt_kpath path, float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb,
                       int n, int d, int k)
{
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
    if (n <= 0 || d <= 0) return;
#ifdef GT_X86
    if (path == GT_K_AVX512) { nn_avx512(out, ldo, a, lda, b, ldb, n, d, k); return; }
    if (path == GT_K_AVX2) { nn_avx2(out, ldo, a, lda, b, ldb, n, d, k); return; }
#endif
    nn_c(out, ldo, a, lda, b, ldb, n, d, k);
}

void gt_matmul_nn(float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb, int n, int d, int k)
{
    gt_matmul_nn_path(GT_K_AUTO, out, ldo, a, lda, b, ldb, n, d, k);
}

static const tile_set *pick(gt_kpath p, gt_dtype wt)
{
#ifdef GT_X86
    if (wt == GT_DT_Q8) return p == GT_K_AVX512 ? &a5_q8_set : p == GT_K_AVX2 ? &a2_q8_set : &c_q8_set;
    if (p == GT_K_AVX512) return wt == GT_DT_F32 ? &a5_f32_set : wt == GT_DT_BF16 ? &a5_bf16_set : &a5_f16_set;
    if (p == GT_K_AVX2) return wt == GT_DT_F32 ? &a2_f32_set : wt == GT_DT_BF16 ? &a2_bf16_set : &a2_f16_set;
#endif
    if (wt == GT_DT_Q8) return &c_q8_set;
    return wt == GT_DT_F32 ? &c_f32_set : wt == GT_DT_BF16 ? &c_bf16_set : &c_f16_set;
}

void gt_matmul_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *w, gt_dtype wt,
                    int n, int d, int k)
{
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
    if (n <= 0 || d <= 0) return;
    if (gt_dtype_is_packed(wt)) {   /* GGUF blocks repacked at load: qmatmul.h's panels */
        gt_qpack_matmul(path, out, ldo, x, w, gt_dtype_ggml(wt), n, d, k);
        return;
    }
    if (gt_dtype_is_block(wt)) {    /* GGUF blocks: the integer kernels of qmatmul.c */
        gt_qmatmul_path(path, out, ldo, x, w, gt_dtype_ggml(wt), n, d, k);
        return;
    }
    /* prefetch the rows in matrix-matrix products; in decoding, 16-bit and 8-bit
     * rows only (F32 decoding already runs at the memory's bandwidth, where
     * prefetches only cost: -4%; BF16 +15%, 8-bit +20%) */
#ifdef GT_X86
    if (path == GT_K_AVX512 && n >= GM_MIN_N && wt != GT_DT_Q8) {
        gm_matmul512(out, ldo, x, w, wt, n, d, k, 0, 0);
        return;
    }
#endif
    const char *rows = wt == GT_DT_Q8 ? (const char *)((const gt_q8mat *)w)->q : (const char *)w;
    size_t rb = (size_t)k * gt_dtype_size(wt);
    run_tiles(pick(path, wt), out, ldo, x, w, n, d, k, rows, wt == GT_DT_F32 ? NULL : rows, rb);
}

void gt_matmul(float *out, size_t ldo, const float *x, const void *w, gt_dtype wt, int n, int d, int k)
{
    gt_matmul_path(GT_K_AUTO, out, ldo, x, w, wt, n, d, k);
}

int gt_matmul_kd_direct(gt_kpath path, gt_dtype bt)
{
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
    return path == GT_K_AVX512 && (bt == GT_DT_F32 || bt == GT_DT_F16 || bt == GT_DT_BF16);
}

void gt_matmul_kd_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *b, gt_dtype bt, int n, int d,
                       int k, int acc)
{
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
    if (n <= 0 || d <= 0) return;
#ifdef GT_X86
    if (gt_matmul_kd_direct(path, bt)) {
        gm_matmul512(out, ldo, x, b, bt, n, d, k, 1, acc);
        return;
    }
#endif
    /* B^T as F32 [d][k], then the tiles; the product into a scratch when added */
    float *bT = gt_xmalloc(sizeof(float) * (size_t)d * (size_t)k);
    for (int t = 0; t < k; t++) {
        for (int j = 0; j < d; j++) {
            size_t i = (size_t)t * d + (size_t)j;
            bT[(size_t)j * k + (size_t)t] = ld_scalar(b, i, bt);
        }
    }
    if (!acc) {
        gt_matmul_path(path, out, ldo, x, bT, GT_DT_F32, n, d, k);
    } else {
        float *tmp = gt_xmalloc(sizeof(float) * (size_t)n * (size_t)d);
        gt_matmul_path(path, tmp, (size_t)d, x, bT, GT_DT_F32, n, d, k);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) out[(size_t)i * ldo + (size_t)j] += tmp[(size_t)i * d + (size_t)j];
        free(tmp);
    }
    free(bT);
}

void gt_matmul_kd(float *out, size_t ldo, const float *x, const void *b, gt_dtype bt, int n, int d, int k, int acc)
{
    gt_matmul_kd_path(GT_K_AUTO, out, ldo, x, b, bt, n, d, k, acc);
}

/* ---- small kernels ---- */

float gt_rmsnorm(float *out, const float *x, const float *w, int n, float eps)
{
    float ss = 0;
    for (int i = 0; i < n; i++) ss += x[i] * x[i];
    float r = 1.0f / sqrtf(ss / (float)n + eps);
    for (int i = 0; i < n; i++) out[i] = w[i] * (x[i] * r);
    return r;
}

void gt_rope_table(float *rope, const double *inv_freq, int pos, int n, int hd)
{
    int half = hd / 2;
    for (int i = 0; i < n; i++) {
        float *r = rope + (size_t)i * hd;
        for (int j = 0; j < half; j++) {
            double a = (double)(pos + i) * inv_freq[j];
            r[j] = (float)cos(a);
            r[half + j] = (float)sin(a);
        }
    }
}

/* Vector exp: e^x = 2^n e^r with n = round(x / ln 2), r = x - n ln 2 in two
 * parts (|r| <= ln 2 / 2), e^r by its Taylor series to r^7 (truncation below
 * 6e-9 relative, so float rounding dominates), x clamped to [-87.3, 88] so 2^n stays a normal float
 * (NaN stays NaN): within 2 ulp of expf; 0 below -87.3 (expf gives a
 * denormal there, down to -103.9), e^88 above 88 (expf: up to infinity). */
#define EXP_LO (-87.3365478515625f)
#define EXP_HI 88.0f
#define EXP_POLY(FMA, SET, r)                                                                         \
    FMA(FMA(FMA(FMA(FMA(FMA(FMA(SET(1.0f / 5040), r, SET(1.0f / 720)), r, SET(1.0f / 120)), r, SET(1.0f / 24)), \
                    r, SET(1.0f / 6)), r, SET(0.5f)), r, SET(1.0f)), r, SET(1.0f))

#ifdef GT_X86
T512 static inline __attribute__((always_inline)) __m512 exp512(__m512 x)
{
    __mmask16 under = _mm512_cmp_ps_mask(x, _mm512_set1_ps(EXP_LO), _CMP_LT_OQ);
    x = _mm512_max_ps(_mm512_set1_ps(EXP_LO), _mm512_min_ps(_mm512_set1_ps(EXP_HI), x));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = EXP_POLY(_mm512_fmadd_ps, _mm512_set1_ps, r);
    return _mm512_maskz_mov_ps((__mmask16)~under, _mm512_scalef_ps(p, n));
}

T256 static inline __attribute__((always_inline)) __m256 exp256(__m256 x)
{
    __m256 keep = _mm256_cmp_ps(x, _mm256_set1_ps(EXP_LO), _CMP_NLT_UQ);
    x = _mm256_max_ps(_mm256_set1_ps(EXP_LO), _mm256_min_ps(_mm256_set1_ps(EXP_HI), x));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = EXP_POLY(_mm256_fmadd_ps, _mm256_set1_ps, r);
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_and_ps(keep, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

T512 static float exp_shift512(float *x, int n, float m)
{
    __m512 mv = _mm512_set1_ps(m), sv = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 16) {
        __mmask16 k = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512 e = _mm512_maskz_mov_ps(k, exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), mv)));
        _mm512_mask_storeu_ps(x + i, k, e);
        sv = _mm512_add_ps(sv, e);
    }
    return _mm512_reduce_add_ps(sv);
}

T256 static float exp_shift256(float *x, int n, float m)
{
    __m256 mv = _mm256_set1_ps(m), sv = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv));
        _mm256_storeu_ps(x + i, e);
        sv = _mm256_add_ps(sv, e);
    }
    float s = hsum256(sv);
    for (; i < n; i++) s += (x[i] = expf(x[i] - m));
    return s;
}

T512 static void softmax512(float *x, int n)
{
    __m512 mv = _mm512_set1_ps(-INFINITY);
    int i = 0;
    for (; i + 16 <= n; i += 16) mv = _mm512_max_ps(mv, _mm512_loadu_ps(x + i));
    __mmask16 tail = (__mmask16)((1u << (n - i)) - 1);
    if (i < n) mv = _mm512_mask_max_ps(mv, tail, mv, _mm512_maskz_loadu_ps(tail, x + i));
    __m512 inv = _mm512_set1_ps(1.0f / exp_shift512(x, n, _mm512_reduce_max_ps(mv)));
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), inv));
    if (i < n) _mm512_mask_storeu_ps(x + i, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, x + i), inv));
}

T256 static void softmax256(float *x, int n)
{
    float mx = x[0];
    int i = 0;
    __m256 mv = _mm256_set1_ps(mx);
    for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + i));
    float m8[8];
    _mm256_storeu_ps(m8, mv);
    for (int u = 0; u < 8; u++) if (m8[u] > mx) mx = m8[u];
    for (; i < n; i++) if (x[i] > mx) mx = x[i];
    float s = exp_shift256(x, n, mx);
    __m256 inv = _mm256_set1_ps(1.0f / s);
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
    for (; i < n; i++) x[i] *= 1.0f / s;
}

T512 static void swiglu512(float *gate, const float *up, int n)
{
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512 g = _mm512_maskz_loadu_ps(m, gate + i), u = _mm512_maskz_loadu_ps(m, up + i);
        __m512 d = _mm512_add_ps(one, exp512(_mm512_sub_ps(_mm512_setzero_ps(), g)));
        _mm512_mask_storeu_ps(gate + i, m, _mm512_mul_ps(_mm512_div_ps(g, d), u));
    }
}

T256 static void swiglu256(float *gate, const float *up, int n)
{
    const __m256 one = _mm256_set1_ps(1.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 g = _mm256_loadu_ps(gate + i), u = _mm256_loadu_ps(up + i);
        __m256 d = _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), g)));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(_mm256_div_ps(g, d), u));
    }
    for (; i < n; i++) gate[i] = gate[i] / (1.0f + expf(-gate[i])) * up[i];
}
#endif

static void softmax_c(float *x, int n)
{
    float mx = x[0];
    for (int i = 1; i < n; i++) if (x[i] > mx) mx = x[i];
    float s = 0;
    for (int i = 0; i < n; i++) { x[i] = expf(x[i] - mx); s += x[i]; }
    float inv = 1.0f / s;
    for (int i = 0; i < n; i++) x[i] *= inv;
}

static void swiglu_c(float *gate, const float *up, int n)
{
    for (int i = 0; i < n; i++) {
        float g = gate[i];
        gate[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

void gt_softmax_path(gt_kpath path, float *x, int n)
{
    if (n <= 0) return;
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
#ifdef GT_X86
    if (path == GT_K_AVX512) { softmax512(x, n); return; }
    if (path == GT_K_AVX2) { softmax256(x, n); return; }
#endif
    softmax_c(x, n);
}

void gt_softmax(float *x, int n)
{
    gt_softmax_path(GT_K_AUTO, x, n);
}

float gt_exp_shift(float *x, int n, float m)
{
    if (n <= 0) return 0;
#ifdef GT_X86
    gt_kpath path = gt_kernels_best();
    if (path == GT_K_AVX512) return exp_shift512(x, n, m);
    if (path == GT_K_AVX2) return exp_shift256(x, n, m);
#endif
    float s = 0;
    for (int i = 0; i < n; i++) s += (x[i] = expf(x[i] - m));
    return s;
}

void gt_swiglu_path(gt_kpath path, float *gate, const float *up, int n)
{
    if (n <= 0) return;
    if (path == GT_K_AUTO || !gt_kernels_supported(path)) path = gt_kernels_best();
#ifdef GT_X86
    if (path == GT_K_AVX512) { swiglu512(gate, up, n); return; }
    if (path == GT_K_AVX2) { swiglu256(gate, up, n); return; }
#endif
    swiglu_c(gate, up, n);
}

void gt_swiglu(float *gate, const float *up, int n)
{
    gt_swiglu_path(GT_K_AUTO, gate, up, n);
}
