/* qmatmul.c - matrix products from GGUF blocks (qmatmul.h): the types'
 * traits, the path choice, the driver (activations quantized once, weight
 * rows split over the threads), and the portable path. The vector paths are
 * in qmatmul_avx2.c and qmatmul_avx512.c, behind the table in qkern.h. */
#include "nn/qmatmul.h"
#include "nn/qkern.h"
#include "nn/ggml_types.h"
#include "nn/dtype.h"
#include "core/util.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

/* ---- the types ---- */

static const qk_traits TRAITS[] = {
    { GT_GGML_Q8_0, 32, 34, 32, 32, 128, 0 },
    { GT_GGML_Q4_0, 32, 18, 32, 32, 8, 0 },
    { GT_GGML_Q4_1, 32, 20, 32, 32, 0, 1 },
    { GT_GGML_Q5_0, 32, 22, 32, 32, 16, 0 },
    { GT_GGML_Q5_1, 32, 24, 32, 32, 0, 1 },
    { GT_GGML_Q4_K, 256, 144, 256, 32, 0, 1 },
    { GT_GGML_Q5_K, 256, 176, 256, 32, 0, 1 },
    { GT_GGML_Q6_K, 256, 210, 256, 16, 32, 0 },
};

static const qk_traits *traits(uint32_t type)
{
    for (size_t i = 0; i < sizeof TRAITS / sizeof TRAITS[0]; i++)
        if (TRAITS[i].type == type) return &TRAITS[i];
    return NULL;
}

int gt_qmatmul_supported(uint32_t ggml_type) { return traits(ggml_type) != NULL; }

/* ---- the portable path: one weight row decoded to (u, s, m) per group,
 * then its integer dot product with every activation row ---- */

static float f16(const unsigned char *p) { return gt_f16_to_f32((uint16_t)(p[0] | p[1] << 8)); }

static uint32_t u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* 32 values of 4-bit Q (16 bytes: low nibbles values 0-15) plus the 5th bits QH (NULL: none) */
static void nibbles32(const unsigned char *q, const unsigned char *qh, uint8_t *u)
{
    uint32_t h = qh ? u32le(qh) : 0;
    for (int l = 0; l < 16; l++) {
        u[l] = (uint8_t)((q[l] & 0x0f) | ((h >> l) & 1) << 4);
        u[l + 16] = (uint8_t)((q[l] >> 4) | ((h >> (l + 16)) & 1) << 4);
    }
}

/* The 6-bit scale and min of sub-block J of a Q4_K/Q5_K block (ggml_types.c's order). */
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

/* One block B of TYPE into U (bv values), S and M (one per group). */
static void decode_block(uint32_t type, const unsigned char *b, uint8_t *u, float *s, float *m)
{
    switch (type) {
    case GT_GGML_Q8_0:
        s[0] = f16(b);
        for (int l = 0; l < 32; l++) u[l] = (uint8_t)(b[2 + l] ^ 0x80);   /* q + 128 */
        return;
    case GT_GGML_Q4_0: s[0] = f16(b); nibbles32(b + 2, NULL, u); return;
    case GT_GGML_Q4_1: s[0] = f16(b); m[0] = f16(b + 2); nibbles32(b + 4, NULL, u); return;
    case GT_GGML_Q5_0: s[0] = f16(b); nibbles32(b + 6, b + 2, u); return;
    case GT_GGML_Q5_1: s[0] = f16(b); m[0] = f16(b + 2); nibbles32(b + 8, b + 4, u); return;
    case GT_GGML_Q4_K:
    case GT_GGML_Q5_K: {
        int five = type == GT_GGML_Q5_K;
        float d = f16(b), dmin = f16(b + 2);
        const unsigned char *qh = b + 16, *qs = b + (five ? 48 : 16);
        for (int j = 0; j < 8; j++) {
            int sc, mn;
            scale_min_k4(b + 4, j, &sc, &mn);
            s[j] = d * (float)sc;
            m[j] = -(dmin * (float)mn);
            const unsigned char *q = qs + 32 * (j / 2);
            int shift = 4 * (j & 1);
            for (int l = 0; l < 32; l++)
                u[32 * j + l] = (uint8_t)(((q[l] >> shift) & 0x0f) | (five ? ((qh[l] >> j) & 1) << 4 : 0));
        }
        return;
    }
    case GT_GGML_Q6_K: {
        const unsigned char *ql = b, *qh = b + 128, *sc = b + 192;
        float d = f16(b + 208);
        for (int i = 0; i < 16; i++) s[i] = d * (float)(int8_t)sc[i];
        for (int g = 0; g < 8; g++) {   /* as ggml_types.c's deq_q6_k */
            int h = g / 4, nib = 4 * ((g / 2) & 1), col = 32 * (g & 1), hs = 2 * (g & 3);
            const unsigned char *lo = ql + 64 * h + col, *hi = qh + 32 * h;
            for (int l = 0; l < 32; l++) u[32 * g + l] = (uint8_t)(((lo[l] >> nib) & 0x0f) | ((hi[l] >> hs) & 3) << 4);
        }
        return;
    }
    }
}

void qk_quant_c(qk_act *a, const float *x, int i0, int i1)
{
    const qk_traits *t = a->t;
    int k = a->k, ng = a->ng, g = t->g, lpg = g / 4;
    for (int i = i0; i < i1; i++) {
        const float *xr = x + (size_t)i * k;
        int8_t *q = a->q + (size_t)i * k;
        for (int b0 = 0; b0 < k; b0 += t->qb) {
            float amax = 0;
            for (int l = 0; l < t->qb; l++) amax = fmaxf(amax, fabsf(xr[b0 + l]));
            float d = amax / 127.0f, id = amax > 0 ? 127.0f / amax : 0.0f;
            for (int l = 0; l < t->qb; l++) q[b0 + l] = (int8_t)rintf(xr[b0 + l] * id);
            for (int g0 = b0; g0 < b0 + t->qb; g0 += g) {
                int32_t sum = 0;
                for (int l = 0; l < g; l++) sum += q[g0 + l];
                size_t gi = (size_t)i * ng + (size_t)(g0 / g);
                a->dg[gi] = d;
                a->bg[gi] = -a->off * sum;
                a->fg[gi] = d * (float)sum;
                if (!a->dl) continue;
                size_t li = (size_t)i * (k / 4) + (size_t)(g0 / 4);
                for (int l = 0; l < lpg; l++) {
                    a->dl[li + l] = d;
                    const int8_t *ql = q + g0 + 4 * l;
                    a->bl[li + l] = -a->off * (ql[0] + ql[1] + ql[2] + ql[3]);
                    a->fl[li + l] = a->fg[gi] / (float)lpg;
                }
            }
        }
    }
}

static size_t scratch_c(const qk_act *a, int panel)
{
    (void)panel;
    return (size_t)a->k + 2 * sizeof(float) * (size_t)a->ng;
}

/* sum of U * Q over a group of G (a constant: the compiler may vectorize it) */
static inline int32_t dot_group(const uint8_t *restrict u, const int8_t *restrict q, const int G)
{
    int32_t s = 0;
    for (int l = 0; l < G; l++) s += (int32_t)u[l] * q[l];
    return s;
}

/* Weight row J, decoded to U (values), S and M (per group), times every
 * activation row of A into column J of OUT. */
static inline void row_sums(const qk_act *a, const uint8_t *u, const float *s, const float *m, int j, float *out,
                            size_t ldo, const int G)
{
    int k = a->k, ng = a->ng;
    for (int i = 0; i < a->n; i++) {
        const int8_t *q = a->q + (size_t)i * k;
        const float *dg = a->dg + (size_t)i * ng, *fg = a->fg + (size_t)i * ng;
        const int32_t *bg = a->bg + (size_t)i * ng;
        float acc = 0;
        for (int gi = 0; gi < ng; gi++) {
            int32_t sum = bg[gi] + dot_group(u + (size_t)gi * G, q + (size_t)gi * G, G);
            float v = s[gi] * (dg[gi] * (float)sum);
            if (a->t->min) v += m[gi] * fg[gi];
            acc += v;
        }
        out[(size_t)i * ldo + (size_t)j] = acc;
    }
}

static inline void run_g(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out,
                         size_t ldo, void *scratch, const int G)
{
    const qk_traits *t = a->t;
    int k = a->k, ng = a->ng, gpb = t->bv / G;
    float *s = scratch, *m = s + ng;
    uint8_t *u = (uint8_t *)(m + ng);
    for (int j = j0; j < j1; j++) {
        const unsigned char *row = w + (size_t)j * rowbytes;
        for (int b = 0; b < k / t->bv; b++)
            decode_block(t->type, row + (size_t)b * t->bb, u + (size_t)b * t->bv, s + b * gpb, m + b * gpb);
        row_sums(a, u, s, m, j, out, ldo, G);
    }
}

static void run_c(const qk_act *a, const unsigned char *w, size_t rowbytes, int j0, int j1, float *out, size_t ldo,
                  void *scratch)
{
    if (a->t->g == 16) run_g(a, w, rowbytes, j0, j1, out, ldo, scratch, 16);
    else run_g(a, w, rowbytes, j0, j1, out, ldo, scratch, 32);
}

static const qk_isa qk_c = {
    .name = "portable", .signed_q8 = 0, .lanes = 0, .panel_min = 1, .rows_chunk = 4, .pw = 4,
    .quant = qk_quant_c, .rows = run_c, .panel = run_c, .scratch = scratch_c,
};

/* ---- path choice ---- */

int gt_qmatmul_path_supported(gt_kpath path)
{
#if defined(__x86_64__) || defined(__i386__)
    if (path == GT_QK_AVX512_BW) return gt_kernels_supported(GT_K_AVX512);
#endif
    return path == GT_K_PORTABLE || path == GT_K_AVX2 || path == GT_K_AVX512 ? gt_kernels_supported(path) : 0;
}

static const qk_isa *isa_for(gt_kpath path)
{
    if (path == GT_K_AUTO || !gt_qmatmul_path_supported(path)) path = gt_kernels_best();
#if defined(__x86_64__) || defined(__i386__)
    if (path == GT_QK_AVX512_BW) return &qk_avx512_bw;
    if (path == GT_K_AVX512) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512vnni") ? &qk_avx512_vnni : &qk_avx512_bw;
    }
    if (path == GT_K_AVX2) return &qk_avx2;
#endif
    return &qk_c;
}

const char *gt_qmatmul_path_name(gt_kpath path) { return isa_for(path)->name; }

/* ---- the driver ---- */

#define ALIGN 64
static size_t up64(size_t n) { return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1); }

/* The activations' arrays, carved 64-byte aligned from one allocation (*BASE, to free). */
static void act_alloc(qk_act *a, const qk_isa *isa, int panel, void **base)
{
    size_t n = (size_t)a->n, groups = n * (size_t)a->ng, lanes = n * (size_t)(a->k / 4);
    int want_lanes = isa->lanes && !panel;
    size_t sz = up64(n * (size_t)a->k) + 3 * up64(groups * 4) + (want_lanes ? 3 * up64(lanes * 4) : 0) + ALIGN;
    char *p = gt_xmalloc(sz);
    *base = p;
    p = (char *)(((uintptr_t)p + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
    a->q = (int8_t *)p; p += up64(n * (size_t)a->k);
    a->dg = (float *)p; p += up64(groups * 4);
    a->bg = (int32_t *)p; p += up64(groups * 4);
    a->fg = (float *)p; p += up64(groups * 4);
    a->dl = NULL; a->bl = NULL; a->fl = NULL;
    if (want_lanes) {
        a->dl = (float *)p; p += up64(lanes * 4);
        a->bl = (int32_t *)p; p += up64(lanes * 4);
        a->fl = (float *)p;
    }
}

void gt_qmatmul_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *w, uint32_t ggml_type,
                     int n, int d, int k)
{
    const qk_traits *t = traits(ggml_type);
    if (n <= 0 || d <= 0) return;
    if (!t || k <= 0 || k % t->bv) {   /* a caller's bug: make it visible */
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) out[(size_t)i * ldo + (size_t)j] = NAN;
        return;
    }
    const qk_isa *isa = isa_for(path);
    int panel = n >= isa->panel_min;
    qk_act a = { .t = t, .n = n, .k = k, .ng = k / t->g };
    a.off = ggml_type == GT_GGML_Q8_0 && isa->signed_q8 ? 0 : t->off;
    void *abase;
    act_alloc(&a, isa, panel, &abase);
    long long work = (long long)n * d * k;
#pragma omp parallel for schedule(static) if (work > 200000 && n > 8)
    for (int i = 0; i < n; i++) isa->quant(&a, x, i, i + 1);

    size_t rowbytes = (size_t)(k / t->bv) * (size_t)t->bb;
    int chunk = panel ? isa->pw : isa->rows_chunk, nchunks = (d + chunk - 1) / chunk;
    qk_run_fn run = panel ? isa->panel : isa->rows;
    size_t ssz = isa->scratch(&a, panel) + ALIGN;
#pragma omp parallel if (work > 200000 && nchunks > 1)
    {
        char *sbase = gt_xmalloc(ssz);
        void *scratch = (void *)(((uintptr_t)sbase + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
#pragma omp for schedule(static)
        for (int c = 0; c < nchunks; c++) {
            int j0 = c * chunk, j1 = j0 + chunk < d ? j0 + chunk : d;
            run(&a, w, rowbytes, j0, j1, out, ldo, scratch);
        }
        free(sbase);
    }
    free(abase);
}

void gt_qmatmul(float *out, size_t ldo, const float *x, const void *w, uint32_t ggml_type, int n, int d, int k)
{
    gt_qmatmul_path(GT_K_AUTO, out, ldo, x, w, ggml_type, n, d, k);
}

/* ---- panels (qmatmul.h): packing, unpacking, the driver ---- */

int gt_qpack_wanted(void)
{
    const char *e = getenv("GT_QPACK");
    if (e && strcmp(e, "0") == 0) return 0;
    return gt_kernels_best() == GT_K_AVX512;
}

size_t gt_qpack_bytes(uint32_t type, int d, int k)
{
    const qk_traits *t = traits(type);
    if (!t || d <= 0 || k <= 0 || k % t->bv) return 0;
    size_t panels = (size_t)(d + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS;
    return panels * (size_t)(k / t->bv) * (size_t)qk_p_ubytes(type);
}


/* Panel P of the D rows SRC into DST. */
static void pack_panel(unsigned char *dst, const unsigned char *src, const qk_traits *t, int d, int k, int p)
{
    const uint32_t T = t->type;
    const int G = qk_p_g(T), nv = qk_p_nv(T), mb = qk_p_mb(T), hdr = qk_p_hdr(T), units = k / t->bv;
    const size_t ub = (size_t)qk_p_ubytes(T), gb = (size_t)qk_p_gbytes(T), rowbytes = (size_t)units * (size_t)t->bb;
    uint8_t u[256];
    float s[16], m[16];
    memset(dst, 0, ub * (size_t)units);
    for (int r = 0; r < GT_QPACK_ROWS && GT_QPACK_ROWS * p + r < d; r++) {
        const unsigned char *row = src + (size_t)(GT_QPACK_ROWS * p + r) * rowbytes;
        for (int b = 0; b < units; b++) {
            const unsigned char *blk = row + (size_t)b * (size_t)t->bb;
            unsigned char *un = dst + (size_t)b * ub;
            decode_block(T, blk, u, s, m);
            if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K) {
                uint8_t sm[16];
                memcpy(un + 2 * r, blk, 2);
                memcpy(un + 32 + 2 * r, blk + 2, 2);
                qk_k4_scales(blk + 4, sm);
                for (int j = 0; j < 8; j++) {
                    un[64 + 16 * j + r] = sm[j];
                    un[64 + 128 + 16 * j + r] = sm[8 + j];
                }
            } else if (T == GT_GGML_Q6_K) {
                memcpy(un + 2 * r, blk + 208, 2);
                for (int i = 0; i < 16; i++) un[32 + 16 * i + r] = blk[192 + i];
            } else {
                memcpy(un + 2 * r, blk, 2);
                if (t->min) memcpy(un + 32 + 2 * r, blk + 2, 2);
            }
            unsigned char *gp = un + hdr;
            for (int g = 0; g < t->bv / G; g++, gp += gb) {
                const uint8_t *ug = u + g * G;
                for (int v = 0; v < nv; v++) {   /* 4 values of row r at a time, one 32-bit word */
                    uint32_t lo, hi, word;
                    if (T == GT_GGML_Q8_0) {
                        memcpy(gp + 64 * v + 4 * r, ug + 4 * v, 4);
                        continue;
                    }
                    memcpy(&lo, ug + 8 * v, 4);
                    memcpy(&hi, ug + 8 * v + 4, 4);
                    word = (lo & 0x0f0f0f0fu) | (hi & 0x0f0f0f0fu) << 4;
                    memcpy(gp + 64 * v + 4 * r, &word, 4);
                    for (int pl = 0; pl < mb / 16; pl++) {   /* bit 4 + pl of the 4 bytes: 4 mask bits */
                        unsigned char *mk = gp + 64 * nv + mb * v + 16 * pl;
                        uint32_t bl = ((lo >> (4 + pl)) & 0x01010101u) * 0x01020408u >> 24 & 15;
                        uint32_t bh = ((hi >> (4 + pl)) & 0x01010101u) * 0x01020408u >> 24 & 15;
                        mk[r / 2] |= (unsigned char)(bl << 4 * (r & 1));
                        mk[8 + r / 2] |= (unsigned char)(bh << 4 * (r & 1));
                    }
                }
            }
        }
    }
}

void gt_qpack(void *dst, const void *src, uint32_t type, int d, int k, int p0, int p1)
{
    const qk_traits *t = traits(type);
    if (!t || k <= 0 || k % t->bv) return;
    size_t pb = (size_t)(k / t->bv) * (size_t)qk_p_ubytes(type);
#pragma omp parallel for schedule(static) if (p1 - p0 > 1 && (size_t)(p1 - p0) * pb > (1u << 18))
    for (int p = p0; p < p1; p++) pack_panel((unsigned char *)dst + (size_t)(p - p0) * pb, src, t, d, k, p);
}

/* Row R of panels PK: its values U[k], group scales S and mins M (0 for
 * the types without), as ggml_types.c computes them. */
static void unpack_row(const unsigned char *pk, const qk_traits *t, int k, size_t r, uint8_t *u, float *s, float *m)
{
    const uint32_t T = t->type;
    const int G = qk_p_g(T), nv = qk_p_nv(T), mb = qk_p_mb(T), hdr = qk_p_hdr(T), units = k / t->bv, gpu = t->bv / G;
    const size_t ub = (size_t)qk_p_ubytes(T), gb = (size_t)qk_p_gbytes(T);
    const unsigned char *pn = pk + r / GT_QPACK_ROWS * (size_t)units * ub;
    int rr = (int)(r % GT_QPACK_ROWS);
    for (int b = 0; b < units; b++) {
        const unsigned char *un = pn + (size_t)b * ub;
        float *sb = s + b * gpu, *mbp = m + b * gpu;
        if (T == GT_GGML_Q4_K || T == GT_GGML_Q5_K) {
            float d = f16(un + 2 * rr), dmin = f16(un + 32 + 2 * rr);
            for (int j = 0; j < 8; j++) {
                sb[j] = d * (float)un[64 + 16 * j + rr];
                mbp[j] = -(dmin * (float)un[64 + 128 + 16 * j + rr]);
            }
        } else if (T == GT_GGML_Q6_K) {
            float d = f16(un + 2 * rr);
            for (int i = 0; i < 16; i++) {
                sb[i] = d * (float)(int8_t)un[32 + 16 * i + rr];
                mbp[i] = 0;
            }
        } else {
            sb[0] = f16(un + 2 * rr);
            mbp[0] = t->min ? f16(un + 32 + 2 * rr) : 0;
        }
        const unsigned char *gp = un + hdr;
        for (int g = 0; g < gpu; g++, gp += gb) {
            uint8_t *ug = u + (size_t)b * t->bv + g * G;
            for (int v = 0; v < nv; v++)
                for (int j = 0; j < 4; j++) {
                    uint8_t c = gp[64 * v + 4 * rr + j];
                    if (T == GT_GGML_Q8_0) {
                        ug[4 * v + j] = c;
                        continue;
                    }
                    uint8_t lo = c & 15, hi = c >> 4;
                    int bit = 4 * rr + j;
                    for (int pl = 0; pl < mb / 16; pl++) {
                        const unsigned char *mk = gp + 64 * nv + mb * v + 16 * pl;
                        lo |= (uint8_t)((mk[bit / 8] >> (bit % 8) & 1) << (4 + pl));
                        hi |= (uint8_t)((mk[8 + bit / 8] >> (bit % 8) & 1) << (4 + pl));
                    }
                    ug[8 * v + j] = lo;
                    ug[8 * v + 4 + j] = hi;
                }
        }
    }
}

void gt_qpack_row_to_f32(float *out, const void *pk, uint32_t type, int k, size_t r)
{
    const qk_traits *t = traits(type);
    if (!t || k <= 0 || k % t->bv) {
        for (int i = 0; i < k; i++) out[i] = NAN;
        return;
    }
    int ng = k / t->g;
    uint8_t *u = gt_xmalloc((size_t)k);
    float *s = gt_xmalloc(2 * sizeof(float) * (size_t)ng), *m = s + ng;
    unpack_row(pk, t, k, r, u, s, m);
    for (int i = 0; i < k; i++) {   /* ggml_types.c's expressions, type by type */
        int g = i / t->g;
        float p = s[g] * (float)((int)u[i] - t->off);
        out[i] = t->min ? p + m[g] : p;
    }
    free(s);
    free(u);
}

/* The portable kernel on panels: each row unpacked, then run_g's sums. */
static void packed_c(const qk_act *a, const unsigned char *pk, int p0, int p1, int d, float *out, size_t ldo)
{
    const qk_traits *t = a->t;
    int k = a->k, ng = a->ng, G = t->g;
    uint8_t *u = gt_xmalloc((size_t)k);
    float *s = gt_xmalloc(2 * sizeof(float) * (size_t)ng), *m = s + ng;
    for (int j = GT_QPACK_ROWS * p0; j < GT_QPACK_ROWS * p1 && j < d; j++) {
        unpack_row(pk, t, k, (size_t)j, u, s, m);
        if (G == 16) row_sums(a, u, s, m, j, out, ldo, 16);
        else row_sums(a, u, s, m, j, out, ldo, 32);
    }
    free(s);
    free(u);
}

void gt_qpack_matmul(gt_kpath path, float *out, size_t ldo, const float *x, const void *pk, uint32_t type,
                     int n, int d, int k)
{
    const qk_traits *t = traits(type);
    if (n <= 0 || d <= 0) return;
    if (!t || k <= 0 || k % t->bv) {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) out[(size_t)i * ldo + (size_t)j] = NAN;
        return;
    }
    const qk_isa *isa = isa_for(path);
    qk_pack_fn run = isa->packed ? isa->packed : packed_c;
    qk_act a = { .t = t, .n = n, .k = k, .ng = k / t->g };
    a.off = type == GT_GGML_Q8_0 && isa->packed && isa->signed_q8 ? 0 : t->off;
    void *abase;
    act_alloc(&a, isa, 1, &abase);
    long long work = (long long)n * d * k;
#pragma omp parallel for schedule(static) if (work > 200000 && n > 8)
    for (int i = 0; i < n; i++) isa->quant(&a, x, i, i + 1);
    const unsigned char *p = pk;
    int np = (d + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS;
#pragma omp parallel if (work > 200000 && np > 1)
    {
#ifdef _OPENMP
        int nt = omp_get_num_threads(), me = omp_get_thread_num();
#else
        int nt = 1, me = 0;
#endif
        int p0 = (int)((long long)np * me / nt), p1 = (int)((long long)np * (me + 1) / nt);
        if (p1 > p0) run(&a, p, p0, p1, d, out, ldo);
    }
    free(abase);
}
