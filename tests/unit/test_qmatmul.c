/* test_qmatmul.c - matrix products from GGUF blocks (lib/nn/qmatmul.c) on
 * every path the CPU has, for every type, against a double-precision
 * reference built from gt_ggml_dequantize_row (itself equal to llama.cpp's
 * gguf.quants.dequantize, test_gguf.c):
 *   - within F (qmatmul.h: float rounding only) of the product with the
 *     activations quantized as qmatmul.h says (the integer parts are exact);
 *   - within Q + F of the exact product (Q: the activation rounding);
 *   - every vector path within F of the portable one.
 * Random blocks (random quantized bits, sane random scales of both signs,
 * Q8_0's -128 included), activations of mixed magnitudes with zero blocks
 * and outliers; n = 1 (decoding) to 64 (panels), k not a multiple of 256 for
 * the legacy types, d with partial tiles, padded output rows; and, when
 * ../shared (or $GT_SHARED) is there, real tensors of the SmolLM2 file. */
#include "t.h"
#include "nn/qmatmul.h"
#include "nn/kernels.h"
#include "nn/ggml_types.h"
#include "nn/gguf.h"
#include "core/rand.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t seed = 12345;
static uint64_t rnd(void) { return gt_splitmix64(&seed); }
static double unit(void) { return gt_unit53(rnd()); }   /* [0, 1) */

static const uint32_t TYPES[] = { GT_GGML_Q8_0, GT_GGML_Q4_0, GT_GGML_Q4_1, GT_GGML_Q5_0,
                                  GT_GGML_Q5_1, GT_GGML_Q4_K, GT_GGML_Q5_K, GT_GGML_Q6_K };
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

static int is_k(uint32_t type) { return gt_ggml_block_values(type) == 256; }

/* ---- random weights ---- */

/* A random F16 of magnitude 2^E0 .. 2^E1 (random mantissa), negative with probability NEG. */
static void put_f16(unsigned char *p, int e0, int e1, double neg)
{
    float v = ldexpf(1.0f + (float)unit(), e0 + (int)(rnd() % (uint64_t)(e1 - e0 + 1)));
    if (unit() < neg) v = -v;
    uint16_t h = gt_f32_to_f16(v);
    p[0] = (unsigned char)h;
    p[1] = (unsigned char)(h >> 8);
}

/* One block of TYPE at B: random bytes, then sane scales (and mins). */
static void rand_block(uint32_t type, unsigned char *b)
{
    size_t bb = gt_ggml_block_bytes(type);
    for (size_t i = 0; i < bb; i++) b[i] = (unsigned char)rnd();
    switch (type) {
    case GT_GGML_Q8_0: case GT_GGML_Q4_0: case GT_GGML_Q5_0: put_f16(b, -12, -3, 0.2); break;
    case GT_GGML_Q4_1: case GT_GGML_Q5_1: put_f16(b, -12, -3, 0.1); put_f16(b + 2, -9, -1, 0.7); break;
    case GT_GGML_Q4_K: case GT_GGML_Q5_K: put_f16(b, -14, -6, 0.1); put_f16(b + 2, -14, -6, 0.1); break;
    case GT_GGML_Q6_K: put_f16(b + 208, -14, -6, 0.1); break;
    }
}

/* The bytes of a block's quantized values (zeroed, the block dequantizes to its mins). */
static void quant_bits(uint32_t type, size_t *from, size_t *to)
{
    switch (type) {
    case GT_GGML_Q4_1: *from = 4; *to = 20; return;
    case GT_GGML_Q5_1: *from = 4; *to = 24; return;
    case GT_GGML_Q4_K: *from = 16; *to = 144; return;
    case GT_GGML_Q5_K: *from = 16; *to = 176; return;
    default: *from = *to = 0;   /* no mins */
    }
}

/* ---- the reference ---- */

typedef struct {
    int n, d, k;
    uint32_t type;
    float *x;           /* n x k */
    unsigned char *w;   /* d rows */
    double *wf, *mu;    /* d x k: dequantized weights, and their groups' mins */
    double *xq;         /* n x k: the quantized activations d * q */
    double *amax;       /* n x (k / qb) */
    double *exact, *quant, *qb, *fb;   /* n x d: products and the bounds Q, F */
} ref;

/* The activations quantized as qmatmul.h says, independently of its code. */
static void quantize_x(ref *r)
{
    int qb = is_k(r->type) ? 256 : 32;
    for (int i = 0; i < r->n; i++)
        for (int b0 = 0; b0 < r->k; b0 += qb) {
            const float *x = r->x + (size_t)i * r->k + b0;
            float amax = 0;
            for (int l = 0; l < qb; l++) amax = fmaxf(amax, fabsf(x[l]));
            float d = amax / 127.0f, id = amax > 0 ? 127.0f / amax : 0.0f;
            for (int l = 0; l < qb; l++) r->xq[(size_t)i * r->k + b0 + l] = (double)d * rintf(x[l] * id);
            r->amax[(size_t)i * (r->k / qb) + b0 / qb] = amax;
        }
}

static void ref_init(ref *r, uint32_t type, int n, int d, int k, const unsigned char *w)
{
    size_t rb;
    gt_ggml_row_bytes(type, k, &rb);
    *r = (ref){ .n = n, .d = d, .k = k, .type = type };
    r->x = malloc(sizeof(float) * (size_t)n * k);
    r->w = malloc(rb * (size_t)d);
    r->wf = malloc(sizeof(double) * (size_t)d * k);
    r->mu = malloc(sizeof(double) * (size_t)d * k);
    r->xq = malloc(sizeof(double) * (size_t)n * k);
    r->amax = malloc(sizeof(double) * (size_t)n * (k / 32));
    r->exact = malloc(sizeof(double) * (size_t)n * d * 4);
    r->quant = r->exact + (size_t)n * d;
    r->qb = r->quant + (size_t)n * d;
    r->fb = r->qb + (size_t)n * d;
    int bv = gt_ggml_block_values(type);
    size_t bb = gt_ggml_block_bytes(type);
    if (w) memcpy(r->w, w, rb * (size_t)d);
    else
        for (size_t o = 0; o < rb * (size_t)d; o += bb) rand_block(type, r->w + o);
    /* activations: blocks of 32 at scales 2^-4 .. 2^4, some zero, some with an outlier */
    for (int i = 0; i < n; i++)
        for (int b0 = 0; b0 < k; b0 += 32) {
            double s = ldexp(1.0, (int)(rnd() % 9) - 4), u = unit();
            for (int l = 0; l < 32; l++) {
                float v = u < 0.05 ? 0.0f : (float)(s * (2 * unit() - 1));
                if (u > 0.95 && l == 7) v = (float)(40 * s);
                r->x[(size_t)i * k + b0 + l] = v;
            }
        }
    float *row = malloc(sizeof(float) * (size_t)k);
    unsigned char *z = malloc(rb);
    size_t from, to;
    quant_bits(type, &from, &to);
    for (int j = 0; j < d; j++) {
        gt_ggml_dequantize_row(type, r->w + rb * (size_t)j, row, k);
        for (int t = 0; t < k; t++) r->wf[(size_t)j * k + t] = row[t];
        memcpy(z, r->w + rb * (size_t)j, rb);
        for (int b = 0; b < k / bv; b++)
            if (to) memset(z + (size_t)b * bb + from, 0, to - from);
        gt_ggml_dequantize_row(type, z, row, k);
        for (int t = 0; t < k; t++) r->mu[(size_t)j * k + t] = to ? row[t] : 0.0;
    }
    free(row);
    free(z);
    quantize_x(r);
    int qb = is_k(type) ? 256 : 32;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            double e = 0, q = 0, qerr = 0, mag = 0;
            for (int t = 0; t < k; t++) {
                double x = r->x[(size_t)i * k + t], wv = r->wf[(size_t)j * k + t];
                double h = r->amax[(size_t)i * (k / qb) + t / qb] / 254;
                e += x * wv;
                q += r->xq[(size_t)i * k + t] * wv;
                qerr += h * fabs(wv);
                mag += (fabs(x) + h) * (fabs(wv) + fabs(r->mu[(size_t)j * k + t]));
            }
            size_t o = (size_t)i * d + (size_t)j;
            r->exact[o] = e;
            r->quant[o] = q;
            r->qb[o] = qerr;
            r->fb[o] = (k / 16 + 8) * ldexp(1.0, -24) * mag;
        }
}

static void ref_free(ref *r)
{
    free(r->x); free(r->w); free(r->wf); free(r->mu); free(r->xq); free(r->amax); free(r->exact);
}

/* ---- the checks ---- */

typedef struct { int fails; double worst_f, worst_q; } tally;

/* OUT (ldo = d + 3) on PATH against R; C: the portable result to agree with (NULL: none). */
static void check_out(const ref *r, gt_kpath path, const float *out, const float *c, tally *ty)
{
    size_t ldo = (size_t)r->d + 3;
    for (int i = 0; i < r->n; i++) {
        for (int j = 0; j < r->d; j++) {
            size_t o = (size_t)i * r->d + (size_t)j;
            double v = out[(size_t)i * ldo + (size_t)j], f = r->fb[o], q = r->qb[o];
            double ef = fabs(v - r->quant[o]), eq = fabs(v - r->exact[o]);
            double ec = c ? fabs(v - c[(size_t)i * ldo + (size_t)j]) : 0;
            if (ef / f > ty->worst_f) ty->worst_f = ef / f;
            if (eq / (q + f) > ty->worst_q) ty->worst_q = eq / (q + f);
            if (!(ef <= f && eq <= q + f && ec <= f)) {
                if (ty->fails++ < 3)
                    printf("  %s %s n=%d d=%d k=%d [%d][%d]: %.9g, quantized-x product %.9g (F %.3g), exact %.9g "
                           "(Q %.3g)%s\n", gt_ggml_type_name(r->type), gt_qmatmul_path_name(path), r->n, r->d, r->k,
                           i, j, v, r->quant[o], f, r->exact[o], q, ec > f ? ", differs from portable" : "");
            }
        }
        for (size_t j = (size_t)r->d; j < ldo; j++)
            if (out[(size_t)i * ldo + j] != -777.0f) {
                if (ty->fails++ < 3) printf("  %s %s: wrote past the row's end\n", gt_ggml_type_name(r->type),
                                            gt_qmatmul_path_name(path));
            }
    }
}

static const gt_kpath PATHS[] = { GT_K_PORTABLE, GT_K_AVX2, GT_K_AVX512, GT_QK_AVX512_BW };
#define NPATHS (sizeof PATHS / sizeof PATHS[0])

/* Every path on R, from the blocks (TY[p]) and from panels (TY[NPATHS + p]:
 * the weights repacked by gt_qpack), each checked and compared with the
 * portable one; the panels' rows dequantized equal the blocks' bit for bit
 * (*ROWFAILS counts the rows that do not). */
static void run_paths(const ref *r, tally *ty, int *rowfails)
{
    size_t ldo = (size_t)r->d + 3, sz = (size_t)r->n * ldo;
    float *c = malloc(sizeof(float) * sz), *out = malloc(sizeof(float) * sz);
    size_t pbytes = gt_qpack_bytes(r->type, r->d, r->k);
    int np = (r->d + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS;
    unsigned char *pk = malloc(pbytes);
    gt_qpack(pk, r->w, r->type, r->d, r->k, 0, np / 2);   /* in two calls, as the loader may */
    size_t half = gt_qpack_bytes(r->type, (np / 2) * GT_QPACK_ROWS, r->k);
    gt_qpack(pk + (np / 2 ? half : 0), r->w, r->type, r->d, r->k, np / 2, np);
    for (size_t p = 0; p < NPATHS; p++) {
        if (!gt_qmatmul_path_supported(PATHS[p])) continue;
        float *o = p == 0 ? c : out;
        for (size_t i = 0; i < sz; i++) o[i] = -777.0f;
        gt_qmatmul_path(PATHS[p], o, ldo, r->x, r->w, r->type, r->n, r->d, r->k);
        check_out(r, PATHS[p], o, p == 0 ? NULL : c, &ty[p]);
        for (size_t i = 0; i < sz; i++) out[i] = -777.0f;
        gt_qpack_matmul(PATHS[p], out, ldo, r->x, pk, r->type, r->n, r->d, r->k);
        check_out(r, PATHS[p], out, c, &ty[NPATHS + p]);
    }
    size_t rb = 0;
    gt_ggml_row_bytes(r->type, r->k, &rb);
    float *a = malloc(sizeof(float) * (size_t)r->k), *b = malloc(sizeof(float) * (size_t)r->k);
    for (int j = 0; j < r->d; j++) {
        gt_ggml_dequantize_row(r->type, r->w + (size_t)j * rb, a, r->k);
        gt_qpack_row_to_f32(b, pk, r->type, r->k, (size_t)j);
        if (memcmp(a, b, sizeof(float) * (size_t)r->k) != 0 && (*rowfails)++ < 3)
            printf("  %s d=%d k=%d: row %d from panels differs from the blocks'\n", gt_ggml_type_name(r->type), r->d,
                   r->k, j);
    }
    free(a);
    free(b);
    free(pk);
    free(c);
    free(out);
}

static void test_random(void)
{
    static const int ns[] = { 1, 2, 3, 7, 8, 17, 64 }, ds[] = { 1, 5, 33, 70 };
    static const int kl[] = { 32, 96, 288, 544 }, kk[] = { 256, 512, 768 };
    for (size_t ti = 0; ti < NTYPES; ti++) {
        uint32_t type = TYPES[ti];
        tally ty[2 * NPATHS] = { { 0 } };
        int rowfails = 0;
        const int *ks = is_k(type) ? kk : kl;
        int nk = is_k(type) ? 3 : 4;
        for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
            for (size_t b = 0; b < sizeof ds / sizeof *ds; b++)
                for (int c = 0; c < nk; c++) {
                    ref r;
                    ref_init(&r, type, ns[a], ds[b], ks[c], NULL);
                    run_paths(&r, ty, &rowfails);
                    ref_free(&r);
                }
        /* large enough to run threaded: panels, and decoding */
        static const int big[][3] = { { 40, 130, 512 }, { 1, 300, 1024 }, { 5, 97, 1536 } };
        for (size_t s = 0; s < sizeof big / sizeof *big; s++) {
            ref r;
            ref_init(&r, type, big[s][0], big[s][1], big[s][2], NULL);
            run_paths(&r, ty, &rowfails);
            ref_free(&r);
        }
        for (size_t q = 0; q < 2 * NPATHS; q++) {
            size_t p = q % NPATHS;
            const char *how = q < NPATHS ? "blocks" : "panels";
            char name[160];
            if (!gt_qmatmul_path_supported(PATHS[p])) {
                printf("  (%s: path not supported by this CPU, skipped)\n", gt_kernels_name(PATHS[p]));
                continue;
            }
            printf("  %s %-12s %s worst error: %.3f of F (quantized-x product), %.4f of Q + F (exact)\n",
                   gt_ggml_type_name(type), gt_qmatmul_path_name(PATHS[p]), how, ty[q].worst_f, ty[q].worst_q);
            snprintf(name, sizeof name, "qmatmul %s %s from %s: within F of the quantized-x product, Q + F of the "
                     "exact one%s", gt_ggml_type_name(type), gt_qmatmul_path_name(PATHS[p]), how,
                     q ? ", F of portable" : "");
            CHECK(ty[q].fails == 0, name);
        }
        char name[160];
        snprintf(name, sizeof name, "qpack %s: every row of the panels dequantizes as the blocks' bit for bit",
                 gt_ggml_type_name(type));
        CHECK(rowfails == 0, name);
    }
}

/* Real tensors: the SmolLM2 file's Q4_1 and Q8_0 rows, activations as above. */
static void test_shared(void)
{
    const char *sh = getenv("GT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    gt_gguf g;
    char err[512];
    if (gt_gguf_open(&g, path, err, sizeof err) != 0) {
        printf("  (%s not there: real tensors skipped)\n", path);
        return;
    }
    static const char *names[] = { "blk.0.attn_q.weight", "blk.3.ffn_down.weight", "blk.29.ffn_gate.weight",
                                   "token_embd.weight" };
    for (size_t t = 0; t < sizeof names / sizeof *names; t++) {
        const gt_gguf_tensor *te = gt_gguf_tensor_find(&g, names[t]);
        if (!te || !gt_qmatmul_supported(te->type)) {
            printf("  (%s: missing or of an unsupported type, skipped)\n", names[t]);
            continue;
        }
        int k = (int)te->ne[0], d = te->ne[1] > 200 ? 200 : (int)te->ne[1];
        tally ty[2 * NPATHS] = { { 0 } };
        int fails = 0;
        for (int n = 1; n <= 20; n += 19) {
            ref r;
            ref_init(&r, te->type, n, d, k, te->data);
            run_paths(&r, ty, &fails);
            ref_free(&r);
        }
        for (size_t p = 0; p < 2 * NPATHS; p++) fails += ty[p].fails;
        char name[160];
        snprintf(name, sizeof name, "qmatmul on the shared file's %s (%s, k=%d): every path within its bounds",
                 names[t], gt_ggml_type_name(te->type), k);
        CHECK(fails == 0, name);
    }
    gt_gguf_close(&g);
}

static void test_api(void)
{
    int ok = 1;
    for (size_t i = 0; i < NTYPES; i++) ok &= gt_qmatmul_supported(TYPES[i]);
    CHECK(ok, "qmatmul supports the eight block types");
    CHECK(!gt_qmatmul_supported(GT_GGML_F32) && !gt_qmatmul_supported(GT_GGML_Q2_K) &&
              !gt_qmatmul_supported(GT_GGML_BF16) && !gt_qmatmul_supported(999),
          "qmatmul: F32, BF16 (gt_matmul's), Q2_K and unknown ids are not supported");
    CHECK(gt_qmatmul_path_supported(GT_K_PORTABLE) && !gt_qmatmul_path_supported((gt_kpath)7),
          "qmatmul: portable always there, an unknown path not");
    /* a caller's bug: NaN, not silence */
    float x[64], out[4];
    unsigned char w[36 * 2] = { 0 };
    for (int i = 0; i < 64; i++) x[i] = 1;
    gt_qmatmul(out, 2, x, w, GT_GGML_Q2_K, 2, 2, 32);
    int nan = isnan(out[0]) && isnan(out[1]) && isnan(out[2]) && isnan(out[3]);
    out[0] = 0;
    gt_qmatmul(out, 1, x, w, GT_GGML_Q4_K, 1, 1, 64);
    CHECK(nan && isnan(out[0]), "qmatmul: an unsupported type or a k not in whole blocks gives NaN");
    /* n or d zero: nothing written */
    out[0] = 5;
    gt_qmatmul(out, 1, x, w, GT_GGML_Q8_0, 0, 1, 32);
    gt_qmatmul(out, 1, x, w, GT_GGML_Q8_0, 1, 0, 32);
    CHECK(out[0] == 5, "qmatmul: n = 0 or d = 0 writes nothing");
    /* zero activations give exact zeros; a zero block among others is skipped exactly */
    unsigned char q8[34 * 2];
    for (int i = 0; i < 68; i++) q8[i] = (unsigned char)(i * 37);
    q8[0] = 0x00; q8[1] = 0x3c;   /* d = 1 */
    q8[34] = 0x00; q8[35] = 0x3c;
    for (int i = 0; i < 64; i++) x[i] = 0;
    int zero = 1;
    for (size_t p = 0; p < NPATHS; p++) {
        if (!gt_qmatmul_path_supported(PATHS[p])) continue;
        out[0] = 1;
        gt_qmatmul_path(PATHS[p], out, 1, x, q8, GT_GGML_Q8_0, 1, 1, 64);
        zero &= out[0] == 0;
    }
    CHECK(zero, "qmatmul: zero activations give 0 on every path");
}

int main(void)
{
    test_api();
    test_random();
    test_shared();
    T_END();
}
