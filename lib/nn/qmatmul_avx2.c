/* qmatmul_avx2.c - the AVX2 path of nn/qmatmul.h, and the pieces the
 * AVX-512 path shares: the weight decoders (a row of blocks to bytes u and
 * per-lane scales), the panel packing, the activation quantization.
 *
 * Products are vpmaddubsw (u8 weights times s8 activations, pairs summed to
 * 16 bits) then vpmaddwd by ones (to 32 bits). The pairs cannot overflow for
 * u < 64 (2 * 63 * 127 < 32768); Q8_0's signed weights use the sign trick
 * (|w| times x with w's sign: at most 2 * 128 * 127). */
#include "nn/qkern.h"
#include "nn/ggml_types.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <string.h>

#define T2 __attribute__((target("avx2,fma,f16c")))
#define INL static inline __attribute__((always_inline))

T2 INL float h16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return _cvtsh_ss(v);
}

/* ---- decoders: one block to u bytes (natural order) and lane scales ---- */

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

/* 16 bytes of nibbles to 32 values: low nibbles first */
T2 INL __m256i nibbles(const unsigned char *q)
{
    __m128i b = _mm_loadu_si128((const __m128i *)q), m4 = _mm_set1_epi8(0x0f);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), m4), _mm_and_si128(b, m4));
}

T2 INL void lanes8(float *p, float v) { _mm256_storeu_ps(p, _mm256_set1_ps(v)); }

T2 static void dec_legacy(const qk_act *a, const unsigned char *row, uint8_t *u, float *sl, float *ml)
{
    uint32_t type = a->t->type;
    int nb = a->k / 32, bb = a->t->bb;
    for (int b = 0; b < nb; b++, row += bb, u += 32, sl += 8) {
        __m256i v;
        switch (type) {
        case GT_GGML_Q4_0: v = nibbles(row + 2); break;
        case GT_GGML_Q4_1: v = nibbles(row + 4); break;
        case GT_GGML_Q5_0: v = _mm256_or_si256(nibbles(row + 6), fifth_bits(row + 2)); break;
        case GT_GGML_Q5_1: v = _mm256_or_si256(nibbles(row + 8), fifth_bits(row + 4)); break;
        default:   /* Q8_0: q + 128, or signed */
            v = _mm256_loadu_si256((const __m256i *)(row + 2));
            if (a->off) v = _mm256_xor_si256(v, _mm256_set1_epi8((char)0x80));
        }
        _mm256_storeu_si256((__m256i *)u, v);
        lanes8(sl, h16(row));
        if (a->t->min) lanes8(ml + 8 * b, h16(row + 2));
    }
}

/* scales and mins of the eight groups of a Q4_K/Q5_K block, as ggml_types.c */
T2 INL void k4_scales(const unsigned char *b, float *sl, float *ml)
{
    float d = h16(b), dmin = h16(b + 2);
    const unsigned char *s = b + 4;
    for (int j = 0; j < 8; j++) {
        int sc, m;
        if (j < 4) {
            sc = s[j] & 63;
            m = s[j + 4] & 63;
        } else {
            sc = (s[j + 4] & 0x0f) | (s[j - 4] >> 6) << 4;
            m = (s[j + 4] >> 4) | (s[j] >> 6) << 4;
        }
        lanes8(sl + 8 * j, d * (float)sc);
        lanes8(ml + 8 * j, -(dmin * (float)m));
    }
}

T2 static void dec_k45(const qk_act *a, const unsigned char *row, uint8_t *u, float *sl, float *ml)
{
    int five = a->t->type == GT_GGML_Q5_K, nb = a->k / 256, bb = a->t->bb;
    const __m256i m4 = _mm256_set1_epi8(0x0f), one = _mm256_set1_epi8(1);
    for (int b = 0; b < nb; b++, row += bb, u += 256, sl += 64, ml += 64) {
        k4_scales(row, sl, ml);
        const unsigned char *qs = row + (five ? 48 : 16);
        __m256i qh = five ? _mm256_loadu_si256((const __m256i *)(row + 16)) : _mm256_setzero_si256();
        for (int p = 0; p < 4; p++) {   /* groups 2p (low nibbles) and 2p+1 (high) */
            __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * p));
            __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
            if (five) {
                __m256i h0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * p), one);
                __m256i h1 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * p + 1), one);
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(h0, 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(h1, 4));
            }
            _mm256_storeu_si256((__m256i *)(u + 64 * p), lo);
            _mm256_storeu_si256((__m256i *)(u + 64 * p + 32), hi);
        }
    }
}

T2 static void dec_q6k(const qk_act *a, const unsigned char *row, uint8_t *u, float *sl, float *ml)
{
    (void)ml;
    int nb = a->k / 256;
    const __m256i m4 = _mm256_set1_epi8(0x0f), m2 = _mm256_set1_epi8(0x03);
    for (int b = 0; b < nb; b++, row += 210, u += 256, sl += 64) {
        float d = h16(row + 208);
        for (int i = 0; i < 16; i++) _mm_storeu_ps(sl + 4 * i, _mm_set1_ps(d * (float)(int8_t)row[192 + i]));
        for (int h = 0; h < 2; h++) {   /* 128 values: ql[64h..], qh[32h..] */
            __m256i l0 = _mm256_loadu_si256((const __m256i *)(row + 64 * h));
            __m256i l1 = _mm256_loadu_si256((const __m256i *)(row + 64 * h + 32));
            __m256i qh = _mm256_loadu_si256((const __m256i *)(row + 128 + 32 * h));
            __m256i v[4];
            v[0] = _mm256_and_si256(l0, m4);
            v[1] = _mm256_and_si256(l1, m4);
            v[2] = _mm256_and_si256(_mm256_srli_epi16(l0, 4), m4);
            v[3] = _mm256_and_si256(_mm256_srli_epi16(l1, 4), m4);
            for (int g = 0; g < 4; g++) {
                __m256i hb = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * g), m2);
                v[g] = _mm256_or_si256(v[g], _mm256_slli_epi16(hb, 4));
                _mm256_storeu_si256((__m256i *)(u + 128 * h + 32 * g), v[g]);
            }
        }
    }
}

void qk_decode_row_avx2(const qk_act *a, const unsigned char *row, uint8_t *u, float *sl, float *ml)
{
    switch (a->t->type) {
    case GT_GGML_Q4_K:
    case GT_GGML_Q5_K: dec_k45(a, row, u, sl, ml); return;
    case GT_GGML_Q6_K: dec_q6k(a, row, u, sl, ml); return;
    default: dec_legacy(a, row, u, sl, ml);
    }
}

void qk_pack_panel(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, int pw, uint8_t *pu,
                   float *ps, float *pm, void *tmp)
{
    int k = a->k, ng = a->ng, lpg = a->t->g / 4, min = a->t->min;
    uint8_t *u = tmp;
    float *sl = (float *)(u + k), *ml = sl + k / 4;
    for (int r = 0; r < pw; r++) {
        if (j0 + r < j1) {
            qk_decode_row_avx2(a, w + (size_t)(j0 + r) * rowbytes, u, sl, ml);
        } else {
            memset(u, 0, (size_t)k);
            memset(sl, 0, sizeof(float) * (size_t)(k / 4) * 2);
        }
        uint32_t *dst = (uint32_t *)pu + r;
        for (int l = 0; l < k / 4; l++) memcpy(dst + (size_t)l * pw, u + 4 * l, 4);
        for (int g = 0; g < ng; g++) {
            ps[(size_t)g * pw + r] = sl[g * lpg];
            if (min) pm[(size_t)g * pw + r] = ml[g * lpg];
        }
    }
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
                        a->dl[li + c] = d;
                        const int8_t *ql = q + l + g * h + 4 * c;
                        a->bl[li + c] = -a->off * (ql[0] + ql[1] + ql[2] + ql[3]);
                        a->fl[li + c] = f;
                    }
                }
            }
        }
    }
}

/* ---- products ---- */

/* sum of 4 products u * x per 32-bit lane (SGN: w signed, the sign trick) */
T2 INL __m256i dot4(__m256i w, __m256i x, int sgn)
{
    const __m256i ones = _mm256_set1_epi16(1);
    if (sgn) return _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w)), ones);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones);
}

T2 INL float hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Row kernel tile: activation rows I0.. (RX) times decoded weight rows (RW)
 * at U (K bytes apart), SL, ML (k/4 floats apart). 32 values per step. */
T2 INL void rows_tile(const qk_act *a, const uint8_t *u, const float *sl, const float *ml, int i0, int j0,
                      float *out, size_t ldo, const int RX, const int RW, const int MIN, const int SGN)
{
    int k = a->k, kl = k / 4;
    __m256 acc[4][4];
    for (int r = 0; r < RX; r++)
        for (int b = 0; b < RW; b++) acc[r][b] = _mm256_setzero_ps();
    for (int t = 0; t < k; t += 32) {
        __m256i wv[4];
        __m256 sv[4];
        for (int b = 0; b < RW; b++) {
            wv[b] = _mm256_load_si256((const __m256i *)(u + (size_t)b * k + t));
            sv[b] = _mm256_load_ps(sl + (size_t)b * kl + t / 4);
        }
        for (int r = 0; r < RX; r++) {
            size_t ir = (size_t)(i0 + r);
            __m256i xv = _mm256_load_si256((const __m256i *)(a->q + ir * k + t));
            __m256i bv = _mm256_load_si256((const __m256i *)(a->bl + ir * kl + t / 4));
            __m256 dv = _mm256_load_ps(a->dl + ir * kl + t / 4);
            for (int b = 0; b < RW; b++) {
                __m256i p = _mm256_add_epi32(dot4(wv[b], xv, SGN), bv);
                acc[r][b] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(sv[b], dv), acc[r][b]);
                if (MIN) {
                    __m256 fv = _mm256_load_ps(a->fl + ir * kl + t / 4);
                    acc[r][b] = _mm256_fmadd_ps(_mm256_load_ps(ml + (size_t)b * kl + t / 4), fv, acc[r][b]);
                }
            }
        }
    }
    for (int r = 0; r < RX; r++)
        for (int b = 0; b < RW; b++) out[(size_t)(i0 + r) * ldo + (size_t)(j0 + b)] = hsum8(acc[r][b]);
}

#define RW_MAX 4

T2 INL void rows_all(const qk_act *a, const uint8_t *u, const float *sl, const float *ml, int j0, int nw, float *out,
                     size_t ldo, const int MIN, const int SGN)
{
    int k = a->k, kl = k / 4;
    for (int b0 = 0; b0 < nw; b0 += 2) {
        int two = b0 + 2 <= nw;
        const uint8_t *ub = u + (size_t)b0 * k;
        const float *sb = sl + (size_t)b0 * kl, *mb = ml + (size_t)b0 * kl;
        int i = 0;
        for (; i + 3 <= a->n; i += 3) {
            if (two) rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 3, 2, MIN, SGN);
            else rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 3, 1, MIN, SGN);
        }
        for (; i < a->n; i++) {
            if (two) rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 1, 2, MIN, SGN);
            else rows_tile(a, ub, sb, mb, i, j0 + b0, out, ldo, 1, 1, MIN, SGN);
        }
    }
}

static size_t scratch_avx2(const qk_act *a, int panel);

/* the activation rows against weight rows J0..J1 (at most RW_MAX), decoded first */
T2 static void rows_avx2(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                         size_t ldo, void *scratch)
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
    int sgn = a->t->type == GT_GGML_Q8_0;
    if (a->t->min) rows_all(a, u, sl, ml, j0, nw, out, ldo, 1, 0);
    else if (sgn) rows_all(a, u, sl, ml, j0, nw, out, ldo, 0, 1);
    else rows_all(a, u, sl, ml, j0, nw, out, ldo, 0, 0);
}

/* Panel kernel tile: RX activation rows from I0 times the panel's PW = 8 NV
 * weight rows; per group, the integer sums then one scale (and min) step. */
#define PW2 16
T2 INL void panel_tile(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int i0, int j0, int nj,
                       float *out, size_t ldo, const int RX, const int MIN, const int SGN)
{
    const int NV = PW2 / 8;
    int k = a->k, ng = a->ng, spg = a->t->g / 4;
    __m256 acc[4][PW2 / 8];
    for (int r = 0; r < RX; r++)
        for (int v = 0; v < NV; v++) acc[r][v] = _mm256_setzero_ps();
    for (int g = 0; g < ng; g++) {
        __m256i ai[4][PW2 / 8];
        for (int r = 0; r < RX; r++)
            for (int v = 0; v < NV; v++) ai[r][v] = _mm256_set1_epi32(a->bg[(size_t)(i0 + r) * ng + g]);
        for (int st = 0; st < spg; st++) {
            int l = g * spg + st;
            __m256i wv[PW2 / 8];
            for (int v = 0; v < NV; v++) wv[v] = _mm256_load_si256((const __m256i *)(pu + ((size_t)l * PW2 + 8 * v) * 4));
            for (int r = 0; r < RX; r++) {
                int32_t x4;
                memcpy(&x4, a->q + (size_t)(i0 + r) * k + 4 * l, 4);
                __m256i xb = _mm256_set1_epi32(x4);
                for (int v = 0; v < NV; v++) ai[r][v] = _mm256_add_epi32(ai[r][v], dot4(wv[v], xb, SGN));
            }
        }
        for (int r = 0; r < RX; r++) {
            size_t gi = (size_t)(i0 + r) * ng + g;
            __m256 dx = _mm256_set1_ps(a->dg[gi]);
            for (int v = 0; v < NV; v++) {
                __m256 s = _mm256_mul_ps(_mm256_load_ps(ps + (size_t)g * PW2 + 8 * v), dx);
                acc[r][v] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(ai[r][v]), s, acc[r][v]);
                if (MIN) acc[r][v] = _mm256_fmadd_ps(_mm256_load_ps(pm + (size_t)g * PW2 + 8 * v),
                                                     _mm256_set1_ps(a->fg[gi]), acc[r][v]);
            }
        }
    }
    for (int r = 0; r < RX; r++) {
        float *o = out + (size_t)(i0 + r) * ldo + j0;
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

T2 INL void panel_all(const qk_act *a, const uint8_t *pu, const float *ps, const float *pm, int j0, int nj,
                      float *out, size_t ldo, const int MIN, const int SGN)
{
    int i = 0;
    for (; i + 3 <= a->n; i += 3) panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 3, MIN, SGN);
    switch (a->n - i) {
    case 2: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 2, MIN, SGN); break;
    case 1: panel_tile(a, pu, ps, pm, i, j0, nj, out, ldo, 1, MIN, SGN); break;
    }
}

T2 static void panel_avx2(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                          size_t ldo, void *scratch)
{
    int k = a->k, ng = a->ng;
    uint8_t *pu = scratch;
    float *ps = (float *)(pu + (size_t)PW2 * k), *pm = ps + (size_t)ng * PW2;
    qk_pack_panel(a, w, rowbytes, j0, j1, PW2, pu, ps, pm, pm + (size_t)ng * PW2);
    int sgn = a->t->type == GT_GGML_Q8_0;
    if (a->t->min) panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 1, 0);
    else if (sgn) panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 0, 1);
    else panel_all(a, pu, ps, pm, j0, j1 - j0, out, ldo, 0, 0);
}

static size_t scratch_avx2(const qk_act *a, int panel)
{
    size_t k = (size_t)a->k;
    if (panel) return PW2 * k + 2 * sizeof(float) * (size_t)a->ng * PW2 + 3 * k;
    return RW_MAX * k + 2 * sizeof(float) * RW_MAX * (k / 4);
}

const qk_isa qk_avx2 = {
    .name = "avx2", .signed_q8 = 1, .lanes = 1, .panel_min = 16, .rows_chunk = RW_MAX, .pw = PW2,
    .quant = qk_quant_avx2, .rows = rows_avx2, .panel = panel_avx2, .scratch = scratch_avx2,
};
#endif
