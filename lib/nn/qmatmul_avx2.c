/* qmatmul_avx2.c - the AVX2 path of nn/qmatmul.h, and two pieces the
 * AVX-512 path shares: the group scales of a weight row, and the activation
 * quantization.
 *
 * Products are vpmaddubsw (u8 weights times s8 activations, pairs summed to
 * 16 bits) then vpmaddwd by ones (to 32 bits). The pairs cannot overflow for
 * u < 64 (2 * 63 * 127 < 32768); Q8_0's signed weights use the sign trick
 * (|w| times x with w's sign: at most 2 * 128 * 127).
 *
 * Decoding (few activation rows): each step decodes 32 weight values of a
 * row from its blocks into a register (bytes u, natural order), its group
 * scales from the row's scales decoded beforehand, and multiplies them with
 * 32 activation bytes of each row of the tile. More rows: panels of 16 weight
 * rows, 4 bytes of each in turn, so that one broadcast of 4 activation bytes
 * meets 8 weight rows in a vector; the integer sums of a group then take
 * their scale once. */
#include "nn/qkern.h"
#include "nn/ggml_types.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#define T2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))
/* the register tiles' loops unrolled, so their arrays stay in registers */
#define UNROLL _Pragma("GCC unroll 8")

T2 INL float h16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return _cvtsh_ss(v);
}

/* ---- the types' layouts (constant in each kernel) ---- */

INL int has_min(const int T)
{
    return T == GT_GGML_Q4_1 || T == GT_GGML_Q5_1 || T == GT_GGML_Q4_K || T == GT_GGML_Q5_K;
}

/* legacy 4/5-bit types: block bytes, offset of the nibbles, of the 5th bits (-1: none) */
INL void legacy(const int T, int *bb, int *qs, int *qh)
{
    *bb = T == GT_GGML_Q4_0 ? 18 : T == GT_GGML_Q4_1 ? 20 : T == GT_GGML_Q5_0 ? 22 : 24;
    *qs = T == GT_GGML_Q4_0 ? 2 : T == GT_GGML_Q4_1 ? 4 : T == GT_GGML_Q5_0 ? 6 : 8;
    *qh = T == GT_GGML_Q5_0 ? 2 : T == GT_GGML_Q5_1 ? 4 : -1;
}

/* ---- group scales (ggml_types.c's arithmetic) ---- */

T2 void qk_scales_row(const qk_act *a, const unsigned char *row, float *s, float *m)
{
    const qk_traits *t = a->t;
    int nb = a->k / t->bv, bb = t->bb;
    for (int b = 0; b < nb; b++, row += bb) {
        switch (t->type) {
        case GT_GGML_Q4_K:
        case GT_GGML_Q5_K: {
            float d = h16(row), dmin = h16(row + 2);
            uint8_t sm[16];
            qk_k4_scales(row + 4, sm);
            for (int j = 0; j < 8; j++) {
                s[8 * b + j] = d * (float)sm[j];
                m[8 * b + j] = -(dmin * (float)sm[8 + j]);
            }
            break;
        }
        case GT_GGML_Q6_K: {
            float d = h16(row + 208);
            for (int i = 0; i < 16; i++) s[16 * b + i] = d * (float)(int8_t)row[192 + i];
            break;
        }
        default:
            s[b] = h16(row);
            if (t->min) m[b] = h16(row + 2);
        }
    }
    memset(s + a->ng, 0, 16 * sizeof(float));
    if (t->min) memset(m + a->ng, 0, 16 * sizeof(float));
}

/* ---- 32 weight values from value T of a row: the bytes u (natural order;
 * Q8_0 signed) ---- */

/* 0x10 in each byte I whose bit I of the 32 bits at P is set */
T2 INL __m256i fifth_bits(const unsigned char *p)
{
    uint32_t x;
    memcpy(&x, p, 4);
    const __m256i spread = _mm256_setr_epi64x(0, 0x0101010101010101, 0x0202020202020202, 0x0303030303030303);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)x), spread);   /* byte i: byte i/8 of x */
    v = _mm256_or_si256(v, _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));     /* all ones iff bit i%8 set */
    return _mm256_and_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi64x(-1)), _mm256_set1_epi8(0x10));
}

T2 INL __m256i bytes32(const unsigned char *row, int t, const int T)
{
    const __m256i m4 = _mm256_set1_epi8(0x0f);
    if (T == GT_GGML_Q8_0) return _mm256_loadu_si256((const __m256i *)(row + (size_t)(t / 32) * 34 + 2));
    if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K || T == GT_GGML_Q6_K) {
        int g = (t % 256) / 32;   /* the 32-value group in the block */
        const unsigned char *b = row + (size_t)(t / 256) * (T == GT_GGML_Q4_K ? 144 : T == GT_GGML_Q5_K ? 176 : 210);
        if (T == GT_GGML_Q6_K) {   /* as ggml_types.c's deq_q6_k */
            int h = g / 4, nib = 4 * ((g / 2) & 1), col = 32 * (g & 1), hs = 2 * (g & 3);
            __m256i lo = _mm256_loadu_si256((const __m256i *)(b + 64 * h + col));
            __m256i hi = _mm256_loadu_si256((const __m256i *)(b + 128 + 32 * h));
            lo = _mm256_and_si256(_mm256_srl_epi16(lo, _mm_cvtsi32_si128(nib)), m4);
            hi = _mm256_and_si256(_mm256_srl_epi16(hi, _mm_cvtsi32_si128(hs)), _mm256_set1_epi8(3));
            return _mm256_or_si256(lo, _mm256_slli_epi16(hi, 4));
        }
        const unsigned char *qs = b + (T == GT_GGML_Q5_K ? 48 : 16) + 32 * (g / 2);
        __m256i v = _mm256_and_si256(_mm256_srl_epi16(_mm256_loadu_si256((const __m256i *)qs),
                                                      _mm_cvtsi32_si128(4 * (g & 1))), m4);
        if (T == GT_GGML_Q5_K) {
            __m256i qh = _mm256_srl_epi16(_mm256_loadu_si256((const __m256i *)(b + 16)), _mm_cvtsi32_si128(g));
            v = _mm256_or_si256(v, _mm256_slli_epi16(_mm256_and_si256(qh, _mm256_set1_epi8(1)), 4));
        }
        return v;
    }
    int bb, qs, qh;
    legacy(T, &bb, &qs, &qh);
    const unsigned char *b = row + (size_t)(t / 32) * bb;
    __m128i q = _mm_loadu_si128((const __m128i *)(b + qs)), m4x = _mm_set1_epi8(0x0f);
    __m256i v = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m4x), _mm_and_si128(q, m4x));
    if (qh >= 0) v = _mm256_or_si256(v, fifth_bits(b + qh));
    return v;
}

/* ---- activation quantization (qk_quant_c's numbers) ---- */

T2 INL float hmax8(__m256 v)
{
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

T2 INL int32_t hsum8i(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

T2 void qk_quant_avx2(qk_act *a, const float *x, int i0, int i1)
{
    const qk_traits *t = a->t;
    int k = a->k, ng = a->ng, g = t->g, lpg = g / 4, qb = t->qb;
    const __m256 absm = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int i = i0; i < i1; i++) {
        const float *xr = x + (size_t)i * k;
        int8_t *q = a->q + (size_t)i * k;
        for (int b0 = 0; b0 < k; b0 += qb) {
            __m256 mx = _mm256_setzero_ps();
            for (int l = 0; l < qb; l += 8) mx = _mm256_max_ps(mx, _mm256_and_ps(absm, _mm256_loadu_ps(xr + b0 + l)));
            float amax = hmax8(mx);
            float d = amax / 127.0f, id = amax > 0 ? 127.0f / amax : 0.0f;
            __m256 iv = _mm256_set1_ps(id);
            for (int l = b0; l < b0 + qb; l += 32) {
                __m256i v[4];
                for (int c = 0; c < 4; c++) v[c] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(xr + l + 8 * c), iv));
                __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(v[0], v[1]), _mm256_packs_epi32(v[2], v[3]));
                _mm256_storeu_si256((__m256i *)(q + l), _mm256_permutevar8x32_epi32(p, order));
                int32_t s[2];
                if (g == 32) {
                    s[0] = hsum8i(_mm256_add_epi32(_mm256_add_epi32(v[0], v[1]), _mm256_add_epi32(v[2], v[3])));
                } else {
                    s[0] = hsum8i(_mm256_add_epi32(v[0], v[1]));
                    s[1] = hsum8i(_mm256_add_epi32(v[2], v[3]));
                }
                for (int h = 0; h < 32 / g; h++) {
                    size_t gi = (size_t)i * ng + (size_t)((l + g * h) / g);
                    a->dg[gi] = d;
                    a->bg[gi] = -a->off * s[h];
                    a->fg[gi] = d * (float)s[h];
                    if (!a->dl) continue;
                    size_t li = (size_t)i * (k / 4) + (size_t)((l + g * h) / 4);
                    float f = a->fg[gi] / (float)lpg;
                    for (int c = 0; c < lpg; c++) {
                        const int8_t *ql = q + l + g * h + 4 * c;
                        a->dl[li + c] = d;
                        a->bl[li + c] = -a->off * (ql[0] + ql[1] + ql[2] + ql[3]);
                        a->fl[li + c] = f;
                    }
                }
            }
        }
    }
}

/* ---- products ---- */

/* sums of 4 products w * x per 32-bit lane (SGN: w signed, the sign trick) */
T2 INL __m256i dot4(__m256i w, __m256i x, const int SGN)
{
    const __m256i ones = _mm256_set1_epi16(1);
    if (SGN) return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)), ones);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
}

T2 INL float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

INL int is_k(const int T) { return T == GT_GGML_Q4_K || T == GT_GGML_Q5_K || T == GT_GGML_Q6_K; }

/* The scales and mins of the chunk of a row from value C: a block of 256 for
 * the K types, of 32 for the others (ggml_types.c's arithmetic):
 *   Q4_K, Q5_K: S d * sc[j], M -(dmin * m[j]) for the eight groups;
 *   Q6_K: S and M d * sc[i] for the groups 0-7 and 8-15 of 16 values;
 *   legacy: d (and m) in every lane. */
T2 INL void chunk_scales(const unsigned char *row, int c, const int T, __m256 *s, __m256 *m)
{
    if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K) {
        const unsigned char *b = row + (size_t)(c / 256) * (T == GT_GGML_Q4_K ? 144 : 176);
        uint8_t sm[16];
        qk_k4_scales(b + 4, sm);
        __m128i v = _mm_loadu_si128((const __m128i *)sm);
        *s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)), _mm256_set1_ps(h16(b)));
        *m = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(v, 8))), _mm256_set1_ps(-h16(b + 2)));
    } else if (T == GT_GGML_Q6_K) {
        const unsigned char *b = row + (size_t)(c / 256) * 210;
        __m128i v = _mm_loadu_si128((const __m128i *)(b + 192));
        __m256 d = _mm256_set1_ps(h16(b + 208));
        *s = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)), d);
        *m = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(v, 8))), d);
    } else {
        int bb = T == GT_GGML_Q8_0 ? 34 : T == GT_GGML_Q4_0 ? 18 : T == GT_GGML_Q4_1 ? 20 : T == GT_GGML_Q5_0 ? 22 : 24;
        const unsigned char *b = row + (size_t)(c / 32) * bb;
        *s = _mm256_set1_ps(h16(b));
        if (has_min(T)) *m = _mm256_set1_ps(h16(b + 2));
    }
}

/* the scales (MN: mins) of the 8 lanes of step G (32 values) of a chunk */
T2 INL __m256 step_lanes(__m256 s, __m256 m, int g, const int T, const int MN)
{
    if (T == GT_GGML_Q6_K) {   /* groups 2g and 2g+1 of 16 values: S for 0-7, M for 8-15 */
        __m256i idx = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
        return _mm256_permutevar8x32_ps(g < 4 ? s : m, _mm256_add_epi32(idx, _mm256_set1_epi32((2 * g) % 8)));
    }
    if (is_k(T)) return _mm256_permutevar8x32_ps(MN ? m : s, _mm256_set1_epi32(g));
    return MN ? m : s;
}

/* one step of 32 values from T of a tile: activation rows I0.. (RX) times
 * weight rows W0.. (RW, ROWBYTES apart); G: the step in the chunk whose
 * scales are S, M */
T2 INL void rows_step(const qk_act *a, const unsigned char *w0, size_t rowbytes, const __m256 *s, const __m256 *m,
                      int i0, int t, int g, __m256 (*acc)[4], const int RX, const int RW, const int T)
{
    const int MIN = has_min(T), SGN = T == GT_GGML_Q8_0;
    int k = a->k, kl = k / 4;
    __m256i wv[4];
    __m256 sv[4], mv[4];
    UNROLL
    for (int b = 0; b < RW; b++) {
        wv[b] = bytes32(w0 + (size_t)b * rowbytes, t, T);
        sv[b] = step_lanes(s[b], m[b], g, T, 0);
        if (MIN) mv[b] = step_lanes(s[b], m[b], g, T, 1);
    }
    UNROLL
    for (int r = 0; r < RX; r++) {
        size_t ir = (size_t)(i0 + r);
        __m256i xv = _mm256_load_si256((const __m256i *)(a->q + ir * k + t));
        __m256 dv = _mm256_load_ps(a->dl + ir * kl + t / 4);
        UNROLL
        for (int b = 0; b < RW; b++) {
            __m256i p = dot4(wv[b], xv, SGN);
            if (a->off) p = _mm256_add_epi32(p, _mm256_load_si256((const __m256i *)(a->bl + ir * kl + t / 4)));
            acc[r][b] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(sv[b], dv), acc[r][b]);
            if (MIN) acc[r][b] = _mm256_fmadd_ps(mv[b], _mm256_load_ps(a->fl + ir * kl + t / 4), acc[r][b]);
        }
    }
}

T2 INL void rows_tile(const qk_act *a, const unsigned char *w0, size_t rowbytes, int i0, int j0, float *out,
                      size_t ldo, const int RX, const int RW, const int T)
{
    int k = a->k;
    __m256 acc[4][4], s[4], m[4];
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int b = 0; b < RW; b++) acc[r][b] = _mm256_setzero_ps();
    if (is_k(T)) {
        for (int c = 0; c < k; c += 256) {
            UNROLL
            for (int b = 0; b < RW; b++) chunk_scales(w0 + (size_t)b * rowbytes, c, T, &s[b], &m[b]);
            UNROLL
            for (int g = 0; g < 8; g++) rows_step(a, w0, rowbytes, s, m, i0, c + 32 * g, g, acc, RX, RW, T);
        }
    } else {
        for (int c = 0; c < k; c += 32) {
            UNROLL
            for (int b = 0; b < RW; b++) chunk_scales(w0 + (size_t)b * rowbytes, c, T, &s[b], &m[b]);
            rows_step(a, w0, rowbytes, s, m, i0, c, 0, acc, RX, RW, T);
        }
    }
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int b = 0; b < RW; b++) out[(size_t)(i0 + r) * ldo + (size_t)(j0 + b)] = hsum8(acc[r][b]);
}

#define RW_MAX 4

/* the activation rows against weight rows J0..J1 (at most RW_MAX) */
T2 INL void rows_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                      size_t ldo, void *scratch, const int T)
{
    (void)scratch;
    int nw = j1 - j0;
    /* the next rows toward the cache while these multiply */
    const char *next = (const char *)w + (size_t)j1 * rowbytes;
    for (size_t o = 0; o < (size_t)nw * rowbytes; o += 64) __builtin_prefetch(next + o, 0, 3);
    for (int b0 = 0; b0 < nw; b0 += 2) {
        const unsigned char *wb = w + (size_t)(j0 + b0) * rowbytes;
        int two = b0 + 2 <= nw, i = 0;
        for (; i + 3 <= a->n; i += 3) {
            if (two) rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 3, 2, T);
            else rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 3, 1, T);
        }
        for (; i < a->n; i++) {
            if (two) rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 1, 2, T);
            else rows_tile(a, wb, rowbytes, i, j0 + b0, out, ldo, 1, 1, T);
        }
    }
}

/* ---- panels: PW2 weight rows, lane l of row r (bytes 4l..4l+3) at
 * pu[(l * PW2 + r) * 4], group scales and mins at ps/pm[g * PW2 + r] ---- */

#define PW2 16

T2 INL void pack_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, uint8_t *pu,
                      float *ps, float *pm, float *sc, const int T)
{
    int k = a->k, ng = a->ng;
    float *mn = sc + ng + 16;
    for (int r = 0; r < PW2; r++) {
        int live = j0 + r < j1;
        const unsigned char *row = w + (size_t)(j0 + r) * rowbytes;
        if (live) qk_scales_row(a, row, sc, mn);
        for (int g = 0; g < ng; g++) {
            ps[(size_t)g * PW2 + r] = live ? sc[g] : 0.0f;
            if (has_min(T)) pm[(size_t)g * PW2 + r] = live ? mn[g] : 0.0f;
        }
        uint32_t *dst = (uint32_t *)pu + r;
        for (int t = 0; t < k; t += 32) {
            uint32_t l8[8];
            _mm256_storeu_si256((__m256i *)l8, live ? bytes32(row, t, T) : _mm256_setzero_si256());
            UNROLL
            for (int l = 0; l < 8; l++) dst[(size_t)(t / 4 + l) * PW2] = l8[l];
        }
    }
}

/* RX activation rows from I0 times the panel; per group, the integer sums
 * then one scale (and min) step */
T2 INL void panel_tile(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int i0, int j0, int nj,
                       float *out, size_t ldo, const int RX, const int MIN, const int SGN)
{
    const int NV = PW2 / 8;
    int k = a->k, ng = a->ng, spg = a->t->g / 4;
    __m256 acc[4][PW2 / 8];
    UNROLL
    for (int r = 0; r < RX; r++)
        UNROLL
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
    for (int g = 0; g < ng; g++) {
        __m256i ai[4][PW2 / 8];
        UNROLL
        for (int r = 0; r < RX; r++)
            UNROLL
            for (int v = 0; v < NV; v++) ai[r][v] = _mm256_set1_epi32(a->bg[(size_t)(i0 + r) * ng + g]);
        for (int st = 0; st < spg; st++) {
            int l = g * spg + st;
            __m256i wv[PW2 / 8];
            UNROLL
            for (int v = 0; v < NV; v++) wv[v] = _mm256_load_si256((const __m256i *)(pu + ((size_t)l * PW2 + 8 * v) * 4));
            UNROLL
            for (int r = 0; r < RX; r++) {
                int32_t x4;
                memcpy(&x4, a->q + (size_t)(i0 + r) * k + 4 * l, 4);
                __m256i xb = _mm256_set1_epi32(x4);
                UNROLL
                for (int v = 0; v < NV; v++) ai[r][v] = _mm256_add_epi32(ai[r][v], dot4(wv[v], xb, SGN));
            }
        }
        UNROLL
        for (int r = 0; r < RX; r++) {
            size_t gi = (size_t)(i0 + r) * ng + g;
            __m256 dx = _mm256_set1_ps(a->dg[gi]);
            UNROLL
            for (int v = 0; v < NV; v++) {
                __m256 s = _mm256_mul_ps(_mm256_load_ps(ps + (size_t)g * PW2 + 8 * v), dx);
                acc[r][v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(ai[r][v]), s, acc[r][v]);
                if (MIN) acc[r][v] = _mm256_fmadd_ps(_mm256_load_ps(pm + (size_t)g * PW2 + 8 * v),
                                                     _mm256_set1_ps(a->fg[gi]), acc[r][v]);
            }
        }
    }
    UNROLL
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
        UNROLL
        for (int v = 0; v < NV; v++) {
            if (nj >= 8 * (v + 1)) {
                _mm256_storeu_ps(o + 8 * v, acc[r][v]);
            } else if (nj > 8 * v) {
                __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(nj - 8 * v), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
                _mm256_maskstore_ps(o + 8 * v, m, acc[r][v]);
            }
        }
    }
}

T2 INL void panel_type(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                       size_t ldo, void *scratch, const int T)
{
    const int MIN = has_min(T), SGN = T == GT_GGML_Q8_0;
    int k = a->k, ng = a->ng, nj = j1 - j0;
    uint8_t *pu = scratch;
    float *ps = (float *)(pu + (size_t)PW2 * k), *pm = ps + (size_t)ng * PW2;
    pack_type(a, w, rowbytes, j0, j1, pu, ps, pm, pm + (size_t)ng * PW2, T);
    int i = 0;
    for (; i + 3 <= a->n; i += 3) panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 3, MIN, SGN);
    switch (a->n - i) {
    case 2: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 2, MIN, SGN); break;
    case 1: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 1, MIN, SGN); break;
    }
}

/* ---- one function per type for the table ---- */

#define BY_TYPE(FN, ...)                                                        \
    switch (a->t->type) {                                                       \
    case GT_GGML_Q8_0: FN(__VA_ARGS__, GT_GGML_Q8_0); break;                    \
    case GT_GGML_Q4_0: FN(__VA_ARGS__, GT_GGML_Q4_0); break;                    \
    case GT_GGML_Q4_1: FN(__VA_ARGS__, GT_GGML_Q4_1); break;                    \
    case GT_GGML_Q5_0: FN(__VA_ARGS__, GT_GGML_Q5_0); break;                    \
    case GT_GGML_Q5_1: FN(__VA_ARGS__, GT_GGML_Q5_1); break;                    \
    case GT_GGML_Q4_K: FN(__VA_ARGS__, GT_GGML_Q4_K); break;                    \
    case GT_GGML_Q5_K: FN(__VA_ARGS__, GT_GGML_Q5_K); break;                    \
    case GT_GGML_Q6_K: FN(__VA_ARGS__, GT_GGML_Q6_K); break;                    \
    }

T2 static void rows_avx2(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                         size_t ldo, void *scratch)
{
    BY_TYPE(rows_type, a, w, rowbytes, j0, j1, out, ldo, scratch)
}

T2 static void panel_avx2(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                          size_t ldo, void *scratch)
{
    BY_TYPE(panel_type, a, w, rowbytes, j0, j1, out, ldo, scratch)
}

static size_t scratch_avx2(const qk_act *a, int panel)
{
    size_t k = (size_t)a->k, ss = (size_t)a->ng + 16;
    if (panel) return PW2 * k + 2 * sizeof(float) * (size_t)a->ng * PW2 + 2 * sizeof(float) * ss;
    return 0;
}

const qk_isa qk_avx2 = {
    .name = "avx2", .signed_q8 = 1, .lanes = 1, .panel_min = 8, .rows_chunk = RW_MAX, .pw = PW2,
    .quant = qk_quant_avx2, .rows = rows_avx2, .panel = panel_avx2, .scratch = scratch_avx2,
};
#endif
