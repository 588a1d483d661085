/* qmatmul_avx512.c - the AVX-512 path of nn/qmatmul.h, with VNNI's
 * vpdpbusd (u8 times s8, four products summed into each 32-bit lane, no
 * intermediate saturation: Q8_0 runs as q + 128 with o = 128) or without it
 * (vpmaddubsw + vpmaddwd as the AVX2 path, Q8_0 by the sign trick). The
 * group scales of a row and the activation quantization are the AVX2 ones
 * (qmatmul_avx2.c): they are a small part of the time.
 *
 * Decoding (few activation rows): each step decodes 64 weight values of a
 * row from its blocks into a register, and multiplies them with 64 activation
 * bytes of each row of the tile. More rows: panels of 32 weight rows, 4 bytes
 * of each in turn, so that one broadcast of 4 activation bytes meets 16
 * weight rows in a vector; the integer sums of a group then take their scale
 * once. */
#include "nn/qkern.h"
#include "nn/qmatmul.h"
#include "nn/ggml_types.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#define T5 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))
/* the register tiles' loops unrolled, so their arrays stay in registers */
#define UNROLL _Pragma("GCC unroll 8")

INL int has_min(const int T)
{
    return T == GT_GGML_Q4_1 || T == GT_GGML_Q5_1 || T == GT_GGML_Q4_K || T == GT_GGML_Q5_K;
}

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

/* The same from a zero sum: the register zeroed inside the asm (an idiom
 * the renamer does without an execution port), not copied from a zero. */
T5 INL __m512i dot4z(__m512i w, __m512i x, const int VNNI, const int SGN)
{
    if (VNNI) {
        __m512i acc;
        __asm__("vpxord %0, %0, %0\n\tvpdpbusd %2, %1, %0" : "=&v"(acc) : "v"(w), "v"(x));
        return acc;
    }
    return dot4(_mm512_setzero_si512(), w, x, 0, SGN);
}

/* ---- 64 weight values from value T of a row: the bytes u (natural order;
 * Q8_0 signed without VNNI). MASKED: only 32 values left (legacy types);
 * the other bytes are then zero or meet zero activations. ---- */

T5 INL __m512i bytes64(const unsigned char *row, int t, const int T, const int masked, const int VNNI)
{
    const __m512i m4 = _mm512_set1_epi8(0x0f);
    if (T == GT_GGML_Q8_0) {
        const unsigned char *b = row + (size_t)(t / 32) * 34 + 2;
        __m256i y0 = _mm256_loadu_si256((const __m256i *)b);
        __m512i z = masked ? _mm512_zextsi256_si512(y0)
                           : _mm512_inserti64x4(_mm512_castsi256_si512(y0), _mm256_loadu_si256((const __m256i *)(b + 34)), 1);
        return VNNI ? _mm512_xor_si512(z, _mm512_set1_epi8((char)0x80)) : z;
    }
    if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K) {   /* groups 2p (low nibbles) and 2p+1 (high) */
        int p = (t % 256) / 64;
        const unsigned char *b = row + (size_t)(t / 256) * (T == GT_GGML_Q4_K ? 144 : 176);
        __m256i y = _mm256_loadu_si256((const __m256i *)(b + (T == GT_GGML_Q5_K ? 48 : 16) + 32 * p));
        __m256i lo = _mm256_and_si256(y, _mm256_set1_epi8(0x0f));
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(y, 4), _mm256_set1_epi8(0x0f));
        __m512i z = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
        if (T == GT_GGML_Q5_K) {   /* bit 2p of qh[l] for the low group, 2p+1 for the high */
            __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(b + 16)));
            __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << 2 * p)), _mm256_set1_epi8((char)(2 << 2 * p)), 1);
            z = _mm512_mask_add_epi8(z, _mm512_test_epi8_mask(qh, bit), z, _mm512_set1_epi8(0x10));
        }
        return z;
    }
    if (T == GT_GGML_Q6_K) {   /* groups 2p and 2p+1 of ggml_types.c's deq_q6_k */
        int p = (t % 256) / 64, h = p / 2, nib = 4 * (p & 1);
        const unsigned char *b = row + (size_t)(t / 256) * 210;
        __m512i lo = _mm512_loadu_si512((const void *)(b + 64 * h));
        lo = _mm512_and_si512(_mm512_srl_epi16(lo, _mm_cvtsi32_si128(nib)), m4);
        __m512i qh = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(b + 128 + 32 * h)));
        __m512i sh = _mm512_inserti64x4(_mm512_set1_epi16((short)nib), _mm256_set1_epi16((short)(nib + 2)), 1);
        qh = _mm512_and_si512(_mm512_srlv_epi16(qh, sh), _mm512_set1_epi8(3));
        return _mm512_or_si512(lo, _mm512_slli_epi16(qh, 4));
    }
    /* Q4_0, Q4_1, Q5_0, Q5_1: two blocks */
    const int bb = T == GT_GGML_Q4_0 ? 18 : T == GT_GGML_Q4_1 ? 20 : T == GT_GGML_Q5_0 ? 22 : 24;
    const int qs = T == GT_GGML_Q4_0 ? 2 : T == GT_GGML_Q4_1 ? 4 : T == GT_GGML_Q5_0 ? 6 : 8;
    const int qhat = T == GT_GGML_Q5_0 ? 2 : T == GT_GGML_Q5_1 ? 4 : -1;
    const unsigned char *b = row + (size_t)(t / 32) * bb;
    __m128i q0 = _mm_loadu_si128((const __m128i *)(b + qs));
    __m256i y = masked ? _mm256_zextsi128_si256(q0)
                       : _mm256_inserti128_si256(_mm256_castsi128_si256(q0), _mm_loadu_si128((const __m128i *)(b + bb + qs)), 1);
    __m512i yy = _mm512_castsi256_si512(y);
    __m512i lo = _mm512_and_si512(yy, m4), hi = _mm512_and_si512(_mm512_srli_epi16(yy, 4), m4);
    /* 16-byte pieces: block 0 low nibbles, its high nibbles, block 1 low, high */
    __m512i z = _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), hi);
    if (qhat >= 0) {
        uint32_t h0, h1 = 0;
        memcpy(&h0, b + qhat, 4);
        if (!masked) memcpy(&h1, b + bb + qhat, 4);
        z = _mm512_mask_add_epi8(z, (__mmask64)(h0 | (uint64_t)h1 << 32), z, _mm512_set1_epi8(0x10));
    }
    return z;
}

T5 INL float h16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return _cvtsh_ss(v);
}

INL int is_k(const int T) { return T == GT_GGML_Q4_K || T == GT_GGML_Q5_K || T == GT_GGML_Q6_K; }

/* The scales (and mins) of the chunk of a row from value C: a block of 256
 * for the K types, two blocks of 32 (MASKED: one) for the others, as
 * ggml_types.c computes them:
 *   Q4_K, Q5_K: lanes 0-7 -(dmin * m[j]), lanes 8-15 d * sc[j];
 *   Q6_K: lanes 0-15 d * sc[i];
 *   legacy: lanes 0-7 the first 8 bytes of block 0 as F16 (d, then m for
 *   Q4_1 and Q5_1, then bits), lanes 4-7 those of block 1. */
T5 INL __m512 chunk_scales(const unsigned char *row, int c, const int T, const int masked)
{
    if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K) {
        const unsigned char *b = row + (size_t)(c / 256) * (T == GT_GGML_Q4_K ? 144 : 176);
        uint8_t sm[16];
        qk_k4_scales(b + 4, sm);
        __m128i v = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)sm), _MM_SHUFFLE(1, 0, 3, 2));
        __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v));   /* mins, then scales */
        __m512 dd = _mm512_insertf32x8(_mm512_set1_ps(-h16(b + 2)), _mm256_set1_ps(h16(b)), 1);
        return _mm512_mul_ps(f, dd);
    }
    if (T == GT_GGML_Q6_K) {
        const unsigned char *b = row + (size_t)(c / 256) * 210;
        __m512 f = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + 192))));
        return _mm512_mul_ps(f, _mm512_set1_ps(h16(b + 208)));
    }
    const int bb = T == GT_GGML_Q8_0 ? 34 : T == GT_GGML_Q4_0 ? 18 : T == GT_GGML_Q4_1 ? 20 : T == GT_GGML_Q5_0 ? 22 : 24;
    const unsigned char *b = row + (size_t)(c / 32) * bb;
    __m128i h = _mm_loadl_epi64((const __m128i *)b);   /* two loads, one conversion */
    if (!masked) h = _mm_castpd_si128(_mm_loadh_pd(_mm_castsi128_pd(h), (const double *)(const void *)(b + bb)));
    return _mm512_castps256_ps512(_mm256_cvtph_ps(h));
}

/* the scales (MN: the mins) of the 16 lanes of step P of a chunk from its CS */
T5 INL __m512 step_lanes(__m512 cs, int p, const int T, const int MN)
{
    __m512i idx;
    if (T == GT_GGML_Q6_K) {   /* 4 groups of 16 values */
        idx = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(4 * p));
    } else if (is_k(T)) {   /* groups 2p and 2p+1, the scales from lane 8 */
        idx = _mm512_setr_epi32(8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9);
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(2 * p));
    } else {   /* d0 (m0: MN) of block 0, d1 (m1) of block 1 */
        idx = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4);
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(MN));
    }
    return _mm512_permutexvar_ps(idx, cs);
}

/* ---- decoding tiles ---- */

/* The weights stream from memory once per token: each step asks for the
 * bytes PF_AHEAD past the ones it reads into L2, a steady trickle that
 * keeps the memory busy (prefetching the next rows in one burst, or not at
 * all, left it idle part of the time). */
#define PF_AHEAD 4096
T5 INL void prefetch_ahead(const unsigned char *row, int t, const int T)
{
    const int bv = is_k(T) ? 256 : 32;
    const int bb = T == GT_GGML_Q8_0 ? 34 : T == GT_GGML_Q4_0 ? 18 : T == GT_GGML_Q4_1 ? 20 : T == GT_GGML_Q5_0 ? 22
                 : T == GT_GGML_Q5_1 ? 24 : T == GT_GGML_Q4_K ? 144 : T == GT_GGML_Q5_K ? 176 : 210;
    __builtin_prefetch(row + (size_t)(t / bv) * bb + PF_AHEAD, 0, 1);
}

/* one step of 64 values from T (MASKED: the last 32) of a tile: activation
 * rows I0.. (RX) times weight rows W0.. (RW, ROWBYTES apart), P: the step in
 * the chunk whose scales are CS */
T5 INL void rows_step(const qk_act *a, const unsigned char *w0, size_t rowbytes, const __m512 *cs, int i0, int t,
                      int p, __m512 (*acc)[8], const int masked, const int RX, const int RW, const int T,
                      const int VNNI)
{
    const int MIN = has_min(T), SGN = !VNNI && T == GT_GGML_Q8_0;
    int k = a->k, kl = k / 4;
    const __mmask64 mb = 0xffffffffull;   /* MASKED: 32 bytes, 8 lanes */
    const __mmask16 m16 = 0x00ff;
#define LDB(p) (masked ? _mm512_maskz_loadu_epi8(mb, p) : _mm512_loadu_si512((const void *)(p)))
#define LDI(p) (masked ? _mm512_maskz_loadu_epi32(m16, p) : _mm512_loadu_si512((const void *)(p)))
#define LDF(p) (masked ? _mm512_maskz_loadu_ps(m16, p) : _mm512_loadu_ps(p))
    __m512i wv[4];
    __m512 sv[4], mv[4];
    UNROLL
    for (int b = 0; b < RW; b++) {
        prefetch_ahead(w0 + (size_t)b * rowbytes, t, T);
        wv[b] = bytes64(w0 + (size_t)b * rowbytes, t, T, masked, VNNI);
        sv[b] = step_lanes(cs[b], p, T, 0);
        if (MIN && !is_k(T)) mv[b] = step_lanes(cs[b], p, T, 1);
    }
    UNROLL
    for (int r = 0; r < RX; r++) {
        size_t ir = (size_t)(i0 + r);
        __m512i xv = LDB(a->q + ir * k + t);
        /* the offset's lanes (none for the types with a min) */
        __m512i bv = a->off ? LDI(a->bl + ir * kl + t / 4) : _mm512_setzero_si512();
        __m512 dv = LDF(a->dl + ir * kl + t / 4);
        UNROLL
        for (int b = 0; b < RW; b++) {
            __m512i pr = a->off ? dot4(bv, wv[b], xv, VNNI, SGN) : dot4z(wv[b], xv, VNNI, SGN);
            acc[r][b] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(pr), _mm512_mul_ps(sv[b], dv), acc[r][b]);
            /* the mins in accumulators of their own: two chains, no register copies */
            if (MIN && !is_k(T)) acc[r][4 + b] = _mm512_fmadd_ps(mv[b], LDF(a->fl + ir * kl + t / 4), acc[r][4 + b]);
        }
    }
#undef LDB
#undef LDI
#undef LDF
}

/* one chunk from C (MASKED: the last 32 values) */
T5 INL void rows_chunk(const qk_act *a, const unsigned char *w0, size_t rowbytes, int i0, int c, __m512 (*acc)[8],
                       const int masked, const int RX, const int RW, const int T, const int VNNI)
{
    __m512 cs[4];
    UNROLL
    for (int b = 0; b < RW; b++) cs[b] = chunk_scales(w0 + (size_t)b * rowbytes, c, T, masked);
    if (!is_k(T)) {
        rows_step(a, w0, rowbytes, cs, i0, c, 0, acc, masked, RX, RW, T, VNNI);
        return;
    }
    UNROLL
    for (int p = 0; p < 4; p++) rows_step(a, w0, rowbytes, cs, i0, c + 64 * p, p, acc, 0, RX, RW, T, VNNI);
    if (!has_min(T)) return;
    /* the block's mins times its eight group sums, once (lanes 8-15 meet zeros) */
    UNROLL
    for (int r = 0; r < RX; r++) {
        __m512 fs = _mm512_castps256_ps512(_mm256_loadu_ps(a->fg + (size_t)(i0 + r) * a->ng + c / 32));
        fs = _mm512_insertf32x8(fs, _mm256_setzero_ps(), 1);
        UNROLL
        for (int b = 0; b < RW; b++) acc[r][b] = _mm512_fmadd_ps(cs[b], fs, acc[r][b]);
    }
}

T5 INL void rows_tile(const qk_act *a, const unsigned char *w0, size_t rowbytes, int i0, int j0, float *out,
                      size_t ldo, const int RX, const int RW, const int T, const int VNNI)
{
    const int CH = is_k(T) ? 256 : 64;
    int k = a->k, c = 0;
    __m512 acc[4][8];   /* [r][b]: the products; [r][4 + b]: the legacy types' mins */
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int b = 0; b < RW; b++) acc[r][b] = acc[r][4 + b] = _mm512_setzero_ps();
    for (; c + CH <= k; c += CH) rows_chunk(a, w0, rowbytes, i0, c, acc, 0, RX, RW, T, VNNI);
    if (c < k) rows_chunk(a, w0, rowbytes, i0, c, acc, 1, RX, RW, T, VNNI);
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int b = 0; b < RW; b++)
            out[(size_t)(i0 + r) * ldo + (size_t)(j0 + b)] = _mm512_reduce_add_ps(_mm512_add_ps(acc[r][b], acc[r][4 + b]));
}

#define RW_MAX 4

/* the activation rows against weight rows J0..J1 (at most RW_MAX): one
 * activation row takes 4 weight rows at a time, more take 2 */
T5 INL void rows_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                      size_t ldo, void *scratch, const int T, const int VNNI)
{
    (void)scratch;
    int nw = j1 - j0;
    const unsigned char *wj = w + (size_t)j0 * rowbytes;
    if (a->n == 1 && nw == 4) {
        rows_tile(a, wj, rowbytes, 0, j0, out, ldo, 1, 4, T, VNNI);
        return;
    }
    for (int b0 = 0; b0 < nw; b0 += 2) {
        const unsigned char *wb = wj + (size_t)b0 * rowbytes;
        int two = b0 + 2 <= nw, i = 0;
        for (; i + 4 <= a->n; i += 4) {
            if (two) rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 4, 2, T, VNNI);
            else rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 4, 1, T, VNNI);
        }
        for (; i < a->n; i++) {
            if (two) rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 1, 2, T, VNNI);
            else rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 1, 1, T, VNNI);
        }
    }
}

/* ---- panels: PW5 weight rows, lane l of row r (bytes 4l..4l+3) at
 * pu[(l * PW5 + r) * 4], group scales and mins at ps/pm[g * PW5 + r] ---- */

#define PW5 32
#define NV5 (PW5 / 16)

T5 INL void pack_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, uint8_t *pu,
                      float *ps, float *pm, float *sc, const int T, const int VNNI)
{
    int k = a->k, ng = a->ng;
    float *mn = sc + ng + 16;
    const __m512i lanes = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32(PW5));
    for (int r = 0; r < PW5; r++) {
        int live = j0 + r < j1;
        const unsigned char *row = w + (size_t)(j0 + r) * rowbytes;
        if (live) qk_scales_row(a, row, sc, mn);
        for (int g = 0; g < ng; g++) {
            ps[(size_t)g * PW5 + r] = live ? sc[g] : 0.0f;
            if (has_min(T)) pm[(size_t)g * PW5 + r] = live ? mn[g] : 0.0f;
        }
        int t = 0;
        for (; t + 64 <= k; t += 64) {
            __m512i z = live ? bytes64(row, t, T, 0, VNNI) : _mm512_setzero_si512();
            _mm512_i32scatter_epi32((void *)(pu + ((size_t)(t / 4) * PW5 + r) * 4), lanes, z, 4);
        }
        if (t < k) {
            __m512i z = live ? bytes64(row, t, T, 1, VNNI) : _mm512_setzero_si512();
            _mm512_mask_i32scatter_epi32((void *)(pu + ((size_t)(t / 4) * PW5 + r) * 4), 0x00ff, lanes, z, 4);
        }
    }
}

/* RX activation rows from I0 times the panel; per group, the integer sums
 * then one scale (and min) step */
T5 INL void panel_tile(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int i0, int j0, int nj,
                       float *out, size_t ldo, const int RX, const int MIN, const int SGN, const int VNNI)
{
    int k = a->k, ng = a->ng, spg = a->t->g / 4;
    __m512 acc[6][NV5];
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int v = 0; v < NV5; v++) acc[r][v] = _mm512_setzero_ps();
    for (int g = 0; g < ng; g++) {
        __m512i ai[6][NV5];
        UNROLL
        for (int r = 0; r < RX; r++)
            UNROLL
            for (int v = 0; v < NV5; v++) ai[r][v] = _mm512_set1_epi32(a->bg[(size_t)(i0 + r) * ng + g]);
        for (int st = 0; st < spg; st++) {
            int l = g * spg + st;
            __m512i wv[NV5];
            UNROLL
            for (int v = 0; v < NV5; v++)
                wv[v] = _mm512_load_si512((const void *)(pu + ((size_t)l * PW5 + 16 * v) * 4));
            UNROLL
            for (int r = 0; r < RX; r++) {
                int32_t x4;
                memcpy(&x4, a->q + (size_t)(i0 + r) * k + 4 * l, 4);
                __m512i xb = _mm512_set1_epi32(x4);
                UNROLL
                for (int v = 0; v < NV5; v++) ai[r][v] = dot4(ai[r][v], wv[v], xb, VNNI, SGN);
            }
        }
        UNROLL
        for (int r = 0; r < RX; r++) {
            size_t gi = (size_t)(i0 + r) * ng + g;
            __m512 dx = _mm512_set1_ps(a->dg[gi]);
            UNROLL
            for (int v = 0; v < NV5; v++) {
                __m512 s = _mm512_mul_ps(_mm512_load_ps(ps + (size_t)g * PW5 + 16 * v), dx);
                acc[r][v] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(ai[r][v]), s, acc[r][v]);
                if (MIN) acc[r][v] = _mm512_fmadd_ps(_mm512_load_ps(pm + (size_t)g * PW5 + 16 * v),
                                                     _mm512_set1_ps(a->fg[gi]), acc[r][v]);
            }
        }
    }
    UNROLL
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
        UNROLL
        for (int v = 0; v < NV5; v++) {
            int left = nj - 16 * v;
            if (left >= 16) _mm512_storeu_ps(o + 16 * v, acc[r][v]);
            else if (left > 0) _mm512_mask_storeu_ps(o + 16 * v, (__mmask16)((1u << left) - 1), acc[r][v]);
        }
    }
}

T5 INL void panel_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                       size_t ldo, void *scratch, const int T, const int VNNI)
{
    const int MIN = has_min(T), SGN = !VNNI && T == GT_GGML_Q8_0;
    int k = a->k, ng = a->ng, nj = j1 - j0;
    uint8_t *pu = scratch;
    float *ps = (float *)(pu + (size_t)PW5 * k), *pm = ps + (size_t)ng * PW5;
    pack_type(a, w, rowbytes, j0, j1, pu, ps, pm, pm + (size_t)ng * PW5, T, VNNI);
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

/* ---- panels repacked at load (qmatmul.h): 16 weight rows x 4 bytes per
 * vector, the activation bytes broadcast; per group, the integer sums of RX
 * activation rows, then the 16 rows' scales (and mins) once ---- */

T5 INL __m512 ph16(const unsigned char *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

T5 INL __mmask64 mask64(const unsigned char *p)
{
    uint64_t m;
    memcpy(&m, p, 8);
    return (__mmask64)m;
}

T5 INL __m512i bcast4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

#ifndef PK_AHEAD
#define PK_AHEAD 2048
#endif
#ifndef PK_LOC
#define PK_LOC 1
#endif
/* RX activation rows from I0 times NP panels from PN (PB bytes apart: rows
 * J0.., D rows in all); RX * NP at most 4. Decoding runs 4 panels at once:
 * four streams from memory, as many independent sums. */
T5 INL void pk_tile(const qk_act *a, const unsigned char *pn, size_t pb, int i0, int j0, int d, float *out,
                    size_t ldo, const int RX, const int NP, const int T, const int VNNI)
{
    const int K = is_k(T), MIN = has_min(T), Q8 = T == GT_GGML_Q8_0, SGN = !VNNI && Q8;
    const int bv = qk_p_bv(T), G = qk_p_g(T), nv = qk_p_nv(T), mb = qk_p_mb(T), hdr = qk_p_hdr(T);
    const int gb = qk_p_gbytes(T), ub = qk_p_ubytes(T);
    const int k = a->k, ng = a->ng;
    const __m512i m4 = _mm512_set1_epi8(0x0f), b4 = _mm512_set1_epi8(0x10), b5 = _mm512_set1_epi8(0x20);
    __m512 facc[4][4];
    UNROLL
    for (int q = 0; q < NP; q++)
        UNROLL
        for (int r = 0; r < RX; r++) facc[q][r] = _mm512_setzero_ps();
    size_t uo = 0;
    for (int c = 0; c < k; c += bv, uo += (size_t)ub) {
        UNROLL
        for (int q = 0; q < NP; q++) {
            const unsigned char *un = pn + (size_t)q * pb + uo;
            if (RX == 1)   /* decoding: the weights stream from memory; ask ahead for them */
                for (int o = 0; o < ub; o += 64) __builtin_prefetch(un + PK_AHEAD + o, 0, PK_LOC);
            __m512 dv = ph16(un), mv = MIN ? ph16(un + 32) : _mm512_setzero_ps();
            const unsigned char *sc = un + (T == GT_GGML_Q6_K ? 32 : 64);
            const int NG = T == GT_GGML_Q6_K ? 16 : T == GT_GGML_Q4_K || T == GT_GGML_Q5_K ? 8 : 1;   /* bv / G */
            UNROLL
            for (int g = 0; g < NG; g++) {
                const unsigned char *gp = un + hdr + (size_t)g * (size_t)gb;
                const int gi = c / G + g;
                __m512 sv = dv, mn = mv;
                if (T == GT_GGML_Q6_K) {
                    sv = _mm512_mul_ps(dv, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(sc + 16 * g)))));
                } else if (K) {
                    sv = _mm512_mul_ps(dv, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(sc + 16 * g)))));
                    mn = _mm512_mul_ps(mv, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(sc + 128 + 16 * g)))));
                }
                __m512i acc[4][2];
                UNROLL
                for (int r = 0; r < RX; r++) {
                    acc[r][0] = a->off ? _mm512_set1_epi32(a->bg[(size_t)(i0 + r) * ng + gi]) : _mm512_setzero_si512();
                    acc[r][1] = _mm512_setzero_si512();
                }
                const int8_t *xq = a->q + (size_t)i0 * k + c + g * G;
                UNROLL
                for (int v = 0; v < nv; v++) {
                    __m512i w = _mm512_loadu_si512((const void *)(gp + 64 * v));
                    if (Q8) {
                        if (SGN) w = _mm512_xor_si512(w, _mm512_set1_epi8((char)0x80));
                        UNROLL
                        for (int r = 0; r < RX; r++)
                            acc[r][v & 1] = dot4(acc[r][v & 1], w, bcast4(xq + (size_t)r * k + 4 * v), VNNI, SGN);
                        continue;
                    }
                    __m512i lo = _mm512_and_si512(w, m4), hi = _mm512_and_si512(_mm512_srli_epi16(w, 4), m4);
                    if (mb) {
                        const unsigned char *mk = gp + 64 * nv + mb * v;
                        lo = _mm512_mask_add_epi8(lo, mask64(mk), lo, b4);
                        hi = _mm512_mask_add_epi8(hi, mask64(mk + 8), hi, b4);
                        if (mb == 32) {
                            lo = _mm512_mask_add_epi8(lo, mask64(mk + 16), lo, b5);
                            hi = _mm512_mask_add_epi8(hi, mask64(mk + 24), hi, b5);
                        }
                    }
                    UNROLL
                    for (int r = 0; r < RX; r++) {
                        acc[r][0] = dot4(acc[r][0], lo, bcast4(xq + (size_t)r * k + 8 * v), VNNI, 0);
                        acc[r][1] = dot4(acc[r][1], hi, bcast4(xq + (size_t)r * k + 8 * v + 4), VNNI, 0);
                    }
                }
                UNROLL
                for (int r = 0; r < RX; r++) {
                    size_t gx = (size_t)(i0 + r) * ng + (size_t)gi;
                    __m512 sum = _mm512_cvtepi32_ps(_mm512_add_epi32(acc[r][0], acc[r][1]));
                    facc[q][r] = _mm512_fmadd_ps(sum, _mm512_mul_ps(sv, _mm512_set1_ps(a->dg[gx])), facc[q][r]);
                    if (MIN && K) facc[q][r] = _mm512_fnmadd_ps(mn, _mm512_set1_ps(a->fg[gx]), facc[q][r]);
                    else if (MIN) facc[q][r] = _mm512_fmadd_ps(mn, _mm512_set1_ps(a->fg[gx]), facc[q][r]);
                }
            }
        }
    }
    UNROLL
    for (int q = 0; q < NP; q++) {
        int jq = j0 + GT_QPACK_ROWS * q, nj = d - jq;
        __mmask16 keep = nj >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nj) - 1);
        UNROLL
        for (int r = 0; r < RX; r++) _mm512_mask_storeu_ps(out + (size_t)(i0 + r) * ldo + jq, keep, facc[q][r]);
    }
}

T5 INL void pk_type(const qk_act *a, const unsigned char *pk, int p0, int p1, int d, float *out, size_t ldo,
                    const int T, const int VNNI)
{
    size_t pb = (size_t)(a->k / qk_p_bv(T)) * (size_t)qk_p_ubytes(T);
    int p = p0;
    if (a->n == 1 && is_k(T) && has_min(T))   /* (4 panels' scales and mins would not fit the registers) */
        for (; p + 2 <= p1; p += 2) pk_tile(a, pk + (size_t)p * pb, pb, 0, GT_QPACK_ROWS * p, d, out, ldo, 1, 2, T, VNNI);
    else if (a->n == 1)
        for (; p + 4 <= p1; p += 4) pk_tile(a, pk + (size_t)p * pb, pb, 0, GT_QPACK_ROWS * p, d, out, ldo, 1, 4, T, VNNI);
    for (; p < p1; p++) {
        const unsigned char *pn = pk + (size_t)p * pb;
        int j0 = GT_QPACK_ROWS * p, i = 0;
        for (; i + 4 <= a->n; i += 4) pk_tile(a, pn, pb, i, j0, d, out, ldo, 4, 1, T, VNNI);
        switch (a->n - i) {
        case 3: pk_tile(a, pn, pb, i, j0, d, out, ldo, 3, 1, T, VNNI); break;
        case 2: pk_tile(a, pn, pb, i, j0, d, out, ldo, 2, 1, T, VNNI); break;
        case 1: pk_tile(a, pn, pb, i, j0, d, out, ldo, 1, 1, T, VNNI); break;
        }
    }
}

/* ---- one function per type and instruction set for the table ---- */

#define BY_TYPE(FN, VNNI, ...)                                                  \
    switch (a->t->type) {                                                       \
    case GT_GGML_Q8_0: FN(__VA_ARGS__, GT_GGML_Q8_0, VNNI); break;              \
    case GT_GGML_Q4_0: FN(__VA_ARGS__, GT_GGML_Q4_0, VNNI); break;              \
    case GT_GGML_Q4_1: FN(__VA_ARGS__, GT_GGML_Q4_1, VNNI); break;              \
    case GT_GGML_Q5_0: FN(__VA_ARGS__, GT_GGML_Q5_0, VNNI); break;              \
    case GT_GGML_Q5_1: FN(__VA_ARGS__, GT_GGML_Q5_1, VNNI); break;              \
    case GT_GGML_Q4_K: FN(__VA_ARGS__, GT_GGML_Q4_K, VNNI); break;              \
    case GT_GGML_Q5_K: FN(__VA_ARGS__, GT_GGML_Q5_K, VNNI); break;              \
    case GT_GGML_Q6_K: FN(__VA_ARGS__, GT_GGML_Q6_K, VNNI); break;              \
    }

#define RUN_ARGS const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out, size_t ldo, \
                 void *scratch
T5 static void rows_vnni(RUN_ARGS) { BY_TYPE(rows_type, 1, a, w, rowbytes, j0, j1, out, ldo, scratch) }
T5 static void rows_bw(RUN_ARGS) { BY_TYPE(rows_type, 0, a, w, rowbytes, j0, j1, out, ldo, scratch) }
T5 static void panel_vnni(RUN_ARGS) { BY_TYPE(panel_type, 1, a, w, rowbytes, j0, j1, out, ldo, scratch) }
T5 static void panel_bw(RUN_ARGS) { BY_TYPE(panel_type, 0, a, w, rowbytes, j0, j1, out, ldo, scratch) }
T5 static void packed_vnni(const qk_act *a, const unsigned char *pk, int p0, int p1, int d, float *out, size_t ldo)
{
    BY_TYPE(pk_type, 1, a, pk, p0, p1, d, out, ldo)
}
T5 static void packed_bw(const qk_act *a, const unsigned char *pk, int p0, int p1, int d, float *out, size_t ldo)
{
    BY_TYPE(pk_type, 0, a, pk, p0, p1, d, out, ldo)
}

static size_t scratch_avx512(const qk_act *a, int panel)
{
    size_t k = (size_t)a->k, ss = (size_t)a->ng + 16;
    if (panel) return PW5 * k + 2 * sizeof(float) * (size_t)a->ng * PW5 + 2 * sizeof(float) * ss;
    return 0;
}

const qk_isa qk_avx512_vnni = {
    .name = "avx512-vnni", .signed_q8 = 0, .lanes = 1, .panel_min = 8, .rows_chunk = RW_MAX, .pw = PW5,
    .quant = qk_quant_avx2, .rows = rows_vnni, .panel = panel_vnni, .scratch = scratch_avx512,
    .packed = packed_vnni,
};

const qk_isa qk_avx512_bw = {
    .name = "avx512-bw", .signed_q8 = 1, .lanes = 1, .panel_min = 8, .rows_chunk = RW_MAX, .pw = PW5,
    .quant = qk_quant_avx2, .rows = rows_bw, .panel = panel_bw, .scratch = scratch_avx512,
    .packed = packed_bw,
};
#endif
