/* test_kernels.c - every matmul path (portable, AVX2, AVX-512 where the CPU has
 * them) against a double-precision reference, for F32/F16/BF16 weights and
 * shapes that exercise every tile tail; 16-bit conversions; small kernels. */
#include "t.h"
#include "nn/kernels.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;
static float frand(void)   /* uniform in [-1, 1) */
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 40) / (double)(1u << 24) * 2.0 - 1.0);
}

/* A random F16 value of moderate size (exponent 10..17 of 0..30), from bits. */
static uint16_t rand_f16(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint16_t)((rng & 0x8000) | (10 + (rng >> 20) % 8) << 10 | (rng >> 32 & 0x3ff));
}

static int check_matmul(gt_kpath p, gt_dtype dt, int n, int d, int k)
{
    float *x = malloc(sizeof(float) * (size_t)n * k);
    void *w = malloc(4 * (size_t)d * k);
    float *wf = malloc(sizeof(float) * (size_t)d * k);
    size_t ldo = (size_t)d + 3;     /* padded output rows */
    float *out = malloc(sizeof(float) * (size_t)n * ldo);
    for (int i = 0; i < n * k; i++) x[i] = frand();
    for (int i = 0; i < d * k; i++) {
        if (dt == GT_DT_F32) ((float *)w)[i] = wf[i] = frand();
        else if (dt == GT_DT_BF16) wf[i] = gt_bf16_to_f32(((uint16_t *)w)[i] = gt_f32_to_bf16(frand()));
        else wf[i] = gt_f16_to_f32(((uint16_t *)w)[i] = rand_f16());
    }
    for (size_t i = 0; i < (size_t)n * ldo; i++) out[i] = -12345.0f;
    gt_matmul_path(p, out, ldo, x, w, dt, n, d, k);
    int ok = 1;
    for (int i = 0; i < n && ok; i++) {
        for (int j = 0; j < d && ok; j++) {
            double s = 0, mag = 0;
            for (int t = 0; t < k; t++) {
                s += (double)x[i * k + t] * wf[j * k + t];
                mag += fabs((double)x[i * k + t] * wf[j * k + t]);
            }
            if (fabs(out[i * ldo + j] - s) > 1e-6 * mag + 1e-30) {
                printf("  %s %s n=%d d=%d k=%d: out[%d][%d]=%.9g expected %.9g\n", gt_kernels_name(p),
                       gt_dtype_name(dt), n, d, k, i, j, out[i * ldo + j], s);
                ok = 0;
            }
        }
        for (size_t j = (size_t)d; j < ldo; j++)
            if (out[i * ldo + j] != -12345.0f) { printf("  wrote past row end\n"); ok = 0; }
    }
    free(x); free(w); free(wf); free(out);
    return ok;
}

static void test_matmul(void)
{
    static const int ns[] = { 1, 2, 3, 4, 5, 9 }, ds[] = { 1, 3, 4, 7, 33 }, ks[] = { 1, 7, 8, 15, 16, 17, 64, 100 };
    for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++) {
        if (!gt_kernels_supported((gt_kpath)p)) {
            printf("  (%s not supported by this CPU: skipped)\n", gt_kernels_name((gt_kpath)p));
            continue;
        }
        for (int dt = GT_DT_F32; dt <= GT_DT_BF16; dt++) {
            int ok = 1;
            for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
                for (size_t b = 0; b < sizeof ds / sizeof *ds; b++)
                    for (size_t c = 0; c < sizeof ks / sizeof *ks && ok; c++)
                        ok = check_matmul((gt_kpath)p, (gt_dtype)dt, ns[a], ds[b], ks[c]);
            /* big enough to run threaded */
            ok = ok && check_matmul((gt_kpath)p, (gt_dtype)dt, 37, 130, 257);
            char name[80];
            snprintf(name, sizeof name, "matmul %s %s matches fp64 reference", gt_kernels_name((gt_kpath)p),
                     gt_dtype_name((gt_dtype)dt));
            CHECK(ok, name);
        }
    }
}

/* gt_matmul_kd: B stored k x d, stored into OUT or added to it; on AVX-512
 * the packed kernel, elsewhere the transposed copy. */
static int check_kd(gt_kpath p, gt_dtype dt, int n, int d, int k, int acc)
{
    float *x = malloc(sizeof(float) * (size_t)n * k);
    void *b = malloc(4 * (size_t)d * k);
    float *bf = malloc(sizeof(float) * (size_t)d * k);
    size_t ldo = (size_t)d + 5;
    float *out = malloc(sizeof(float) * (size_t)n * ldo), *init = malloc(sizeof(float) * (size_t)n * ldo);
    for (int i = 0; i < n * k; i++) x[i] = frand();
    for (int i = 0; i < d * k; i++) {
        if (dt == GT_DT_F32) ((float *)b)[i] = bf[i] = frand();
        else if (dt == GT_DT_BF16) bf[i] = gt_bf16_to_f32(((uint16_t *)b)[i] = gt_f32_to_bf16(frand()));
        else bf[i] = gt_f16_to_f32(((uint16_t *)b)[i] = rand_f16());
    }
    for (size_t i = 0; i < (size_t)n * ldo; i++) out[i] = init[i] = i % ldo < (size_t)d ? frand() : -12345.0f;
    gt_matmul_kd_path(p, out, ldo, x, b, dt, n, d, k, acc);
    int ok = 1;
    for (int i = 0; i < n && ok; i++) {
        for (int j = 0; j < d && ok; j++) {
            double s = acc ? init[i * ldo + j] : 0, mag = fabs(s);
            for (int t = 0; t < k; t++) {
                s += (double)x[i * k + t] * bf[t * d + j];
                mag += fabs((double)x[i * k + t] * bf[t * d + j]);
            }
            if (fabs(out[i * ldo + j] - s) > 1e-6 * mag + 1e-30) {
                printf("  kd %s %s n=%d d=%d k=%d acc=%d: out[%d][%d]=%.9g expected %.9g\n", gt_kernels_name(p),
                       gt_dtype_name(dt), n, d, k, acc, i, j, out[i * ldo + j], s);
                ok = 0;
            }
        }
        for (size_t j = (size_t)d; j < ldo; j++)
            if (out[i * ldo + j] != -12345.0f) { printf("  kd wrote past row end\n"); ok = 0; }
    }
    free(x); free(b); free(bf); free(out); free(init);
    return ok;
}

/* Matrix products (n >= 16 rows) on the packed AVX-512 kernel: every edge of
 * its blocks (64-column panels, 128-value blocks of k, 192-row blocks of X,
 * 6-row micro-tiles), both layouts of W, stored and added; and the number of
 * threads does not change a bit. */
static void test_packed(void)
{
    static const int ns[] = { 16, 17, 23, 197 }, ds[] = { 1, 63, 64, 65, 300 }, ks[] = { 1, 127, 128, 129, 300 };
    for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++) {
        if (!gt_kernels_supported((gt_kpath)p)) continue;
        for (int dt = GT_DT_F32; dt <= GT_DT_BF16; dt++) {
            int ok = 1, okd = 1;
            for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
                for (size_t b = 0; b < sizeof ds / sizeof *ds; b++)
                    for (size_t c = 0; c < sizeof ks / sizeof *ks && ok && okd; c++) {
                        if (ns[a] == 197 && ds[b] != 300 && ks[c] != 300) continue;
                        ok = check_matmul((gt_kpath)p, (gt_dtype)dt, ns[a], ds[b], ks[c]);
                        okd = check_kd((gt_kpath)p, (gt_dtype)dt, ns[a], ds[b], ks[c], (int)(c & 1)) &&
                              (p != GT_K_AVX512 || check_kd((gt_kpath)p, (gt_dtype)dt, 3, ds[b], ks[c], 1));
                    }
            char name[100];
            snprintf(name, sizeof name, "matmul %s %s, n >= 16 (packed on avx512), every block edge",
                     gt_kernels_name((gt_kpath)p), gt_dtype_name((gt_dtype)dt));
            CHECK(ok, name);
            snprintf(name, sizeof name, "matmul_kd %s %s (B k x d), stored and added, every block edge",
                     gt_kernels_name((gt_kpath)p), gt_dtype_name((gt_dtype)dt));
            CHECK(okd, name);
        }
    }
    int n = 250, d = 700, k = 333;
    float *x = malloc(sizeof(float) * (size_t)n * k), *w = malloc(sizeof(float) * (size_t)d * k);
    float *r1 = malloc(sizeof(float) * (size_t)n * d), *r2 = malloc(sizeof(float) * (size_t)n * d);
    float *q1 = malloc(sizeof(float) * (size_t)n * d), *q2 = malloc(sizeof(float) * (size_t)n * d);
    for (int i = 0; i < n * k; i++) x[i] = frand();
    for (int i = 0; i < d * k; i++) w[i] = frand();
    int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    gt_matmul(r1, (size_t)d, x, w, GT_DT_F32, n, d, k);
    memset(q1, 0, sizeof(float) * (size_t)n * d);
    gt_matmul_kd(q1, (size_t)d, x, w, GT_DT_F32, n, d, k, 1);
    omp_set_num_threads(3);
    gt_matmul(r2, (size_t)d, x, w, GT_DT_F32, n, d, k);
    memset(q2, 0, sizeof(float) * (size_t)n * d);
    gt_matmul_kd(q2, (size_t)d, x, w, GT_DT_F32, n, d, k, 1);
    omp_set_num_threads(saved);
    CHECK(memcmp(r1, r2, sizeof(float) * (size_t)n * d) == 0 && memcmp(q1, q2, sizeof(float) * (size_t)n * d) == 0,
          "matmul and matmul_kd: 1 and 3 threads give the same bits");
    free(x); free(w); free(r1); free(r2); free(q1); free(q2);
}

/* The SIMD paths agree with the portable path to float rounding. */
static void test_paths_agree(void)
{
    int n = 6, d = 45, k = 300;
    float *x = malloc(sizeof(float) * (size_t)n * k), *w = malloc(sizeof(float) * (size_t)d * k);
    float *r0 = malloc(sizeof(float) * (size_t)n * d), *r1 = malloc(sizeof(float) * (size_t)n * d);
    for (int i = 0; i < n * k; i++) x[i] = frand();
    for (int i = 0; i < d * k; i++) w[i] = frand();
    gt_matmul_path(GT_K_PORTABLE, r0, (size_t)d, x, w, GT_DT_F32, n, d, k);
    for (int p = GT_K_AVX2; p <= GT_K_AVX512; p++) {
        if (!gt_kernels_supported((gt_kpath)p)) continue;
        gt_matmul_path((gt_kpath)p, r1, (size_t)d, x, w, GT_DT_F32, n, d, k);
        double worst = 0;
        for (int i = 0; i < n * d; i++) worst = fmax(worst, fabs(r0[i] - r1[i]));
        char name[80];
        snprintf(name, sizeof name, "matmul %s agrees with portable (max diff %.2g)", gt_kernels_name((gt_kpath)p), worst);
        CHECK(worst < 1e-4, name);
    }
    free(x); free(w); free(r0); free(r1);
}

#if defined(__x86_64__)
#include <immintrin.h>
/* the processor's own conversion (F16C), round to nearest even */
__attribute__((target("f16c"))) static uint16_t hw_f32_to_f16(float f) { return (uint16_t)_cvtss_sh(f, 0); }
#endif

static void test_f16_narrowing(void)
{
    long bad = 0;
    for (unsigned h = 0; h < 65536; h++) {       /* every f16 value comes back unchanged (NaN payloads aside) */
        int nan = (h >> 10 & 31) == 31 && (h & 0x3ff);
        uint16_t r = gt_f32_to_f16(gt_f16_to_f32((uint16_t)h));
        if (nan ? !((r >> 10 & 31) == 31 && (r & 0x3ff)) : r != h) bad++;
    }
    CHECK(bad == 0, "f16: all 65536 values round-trip through f32");
    CHECK(gt_f32_to_f16(1.0f + 0x1p-11f) == 0x3c00 && gt_f32_to_f16(1.0f + 3 * 0x1p-11f) == 0x3c02,
          "f16: ties to even");
    CHECK(gt_f32_to_f16(65520.0f) == 0x7c00 && gt_f32_to_f16(65519.0f) == 0x7bff && gt_f32_to_f16(-1e9f) == 0xfc00,
          "f16: overflow to infinity at 65520");
    CHECK(gt_f32_to_f16(0x1p-25f) == 0 && gt_f32_to_f16(0x1.000002p-25f) == 1 && gt_f32_to_f16(0x1.8p-24f) == 2,
          "f16: subnormal rounding");
#if defined(__x86_64__)
    if (__builtin_cpu_supports("f16c")) {       /* against the hardware on a sweep of all float bit patterns */
        long diff = 0, n = 0;
        for (uint64_t u = 0; u < 0x100000000ull; u += 4099) {
            uint32_t x = (uint32_t)u;
            float f;
            memcpy(&f, &x, 4);
            if (f != f) continue;
            n++;
            if (gt_f32_to_f16(f) != hw_f32_to_f16(f)) diff++;
        }
        CHECK(diff == 0 && n > 1000000, "f16: equals F16C's vcvtps2ph on 1M float bit patterns");
    }
#endif
}

static void test_conversions(void)
{
    test_f16_narrowing();
    CHECK(gt_f16_to_f32(0x3c00) == 1.0f && gt_f16_to_f32(0xc000) == -2.0f && gt_f16_to_f32(0x7bff) == 65504.0f,
          "f16: normal values");
    CHECK(gt_f16_to_f32(0x0001) == 5.9604644775390625e-8f && gt_f16_to_f32(0x8000) == 0.0f &&
              signbit(gt_f16_to_f32(0x8000)),
          "f16: subnormal and negative zero");
    CHECK(isinf(gt_f16_to_f32(0x7c00)) && isnan(gt_f16_to_f32(0x7e00)), "f16: inf and nan");
    CHECK(gt_f32_to_bf16(1.0f) == 0x3f80 && gt_bf16_to_f32(0x3f80) == 1.0f, "bf16: one");
    /* 1 + 2^-8 is halfway between bf16 1.0 and 1.0078125: ties to even (1.0); 1 + 3*2^-8 rounds up */
    CHECK(gt_f32_to_bf16(1.00390625f) == 0x3f80 && gt_f32_to_bf16(1.01171875f) == 0x3f82, "bf16: round to nearest even");
    CHECK(isnan(gt_bf16_to_f32(gt_f32_to_bf16(NAN))), "bf16: nan stays nan");
    uint16_t row[3] = { 0x3f80, 0x4000, 0xbf80 };
    float f[3];
    gt_row_to_f32(f, row, GT_DT_BF16, 0, 3);
    CHECK(f[0] == 1 && f[1] == 2 && f[2] == -1, "row_to_f32 bf16");
}

static void test_small(void)
{
    float x[4] = { 1, 2, 3, 4 }, w[4] = { 1, 1, 2, 0.5f }, o[4];
    gt_rmsnorm(o, x, w, 4, 1e-5f);
    double r = 1 / sqrt(30.0 / 4 + 1e-5);
    CHECK(fabs(o[0] - r) < 1e-6 && fabs(o[2] - 6 * r) < 1e-6 && fabs(o[3] - 2 * r) < 1e-6, "rmsnorm");
    float s[3] = { 1, 2, 1000 };
    gt_softmax(s, 3);
    CHECK(fabs(s[2] - 1) < 1e-6 && s[0] >= 0 && s[0] < 1e-30, "softmax: stable for large values");
    float g[2] = { 0, 2 }, u[2] = { 3, 5 };
    gt_swiglu(g, u, 2);
    CHECK(g[0] == 0 && fabs(g[1] - 2 / (1 + exp(-2.0)) * 5) < 1e-5, "swiglu");
}

/* gt_matmul_nn on every path: strided A, B and OUT, every row and column tail,
 * against fp64; nothing written past a row's D columns. */
static int check_nn(gt_kpath p, int n, int d, int k)
{
    size_t lda = (size_t)k + 2, ldb = (size_t)d + 5, ldo = (size_t)d + 3;
    float *a = malloc(sizeof(float) * ((size_t)n * lda + 1)), *b = malloc(sizeof(float) * ((size_t)k * ldb + 1));
    float *out = malloc(sizeof(float) * (size_t)n * ldo);
    for (size_t i = 0; i < (size_t)n * lda; i++) a[i] = frand();
    for (size_t i = 0; i < (size_t)k * ldb; i++) b[i] = frand();
    for (size_t i = 0; i < (size_t)n * ldo; i++) out[i] = -12345.0f;
    gt_matmul_nn_path(p, out, ldo, a, lda, b, ldb, n, d, k);
    int ok = 1;
    for (int i = 0; i < n && ok; i++) {
        for (int j = 0; j < d && ok; j++) {
            double s = 0, mag = 0;
            for (int t = 0; t < k; t++) {
                double v = (double)a[(size_t)i * lda + (size_t)t] * b[(size_t)t * ldb + (size_t)j];
                s += v;
                mag += fabs(v);
            }
            if (fabs(out[(size_t)i * ldo + (size_t)j] - s) > 1e-6 * mag + 1e-30) {
                printf("  nn %s n=%d d=%d k=%d: out[%d][%d]=%.9g expected %.9g\n", gt_kernels_name(p), n, d, k, i, j,
                       out[(size_t)i * ldo + (size_t)j], s);
                ok = 0;
            }
        }
        for (size_t j = (size_t)d; j < ldo; j++)
            if (out[(size_t)i * ldo + j] != -12345.0f) { printf("  nn wrote past row end\n"); ok = 0; }
    }
    free(a); free(b); free(out);
    return ok;
}

static void test_matmul_nn(void)
{
    static const int ns[] = { 1, 2, 5, 6, 7, 13 }, ds[] = { 1, 5, 8, 9, 16, 17, 31, 64, 65, 100 },
                     ks[] = { 0, 1, 7, 64, 130 };
    for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++) {
        if (!gt_kernels_supported((gt_kpath)p)) continue;
        int ok = 1;
        for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
            for (size_t b = 0; b < sizeof ds / sizeof *ds; b++)
                for (size_t c = 0; c < sizeof ks / sizeof *ks && ok; c++) ok = check_nn((gt_kpath)p, ns[a], ds[b], ks[c]);
        char name[80];
        snprintf(name, sizeof name, "matmul_nn %s matches fp64 reference, every tail", gt_kernels_name((gt_kpath)p));
        CHECK(ok, name);
    }
}

/* Softmax and SwiGLU on every path against fp64 over lengths that exercise the
 * vector tails and inputs across exp's whole range (the vector paths have their
 * own exp): within 1e-6 relative (2 ulp is 2.4e-7; the float sum adds
 * its rounding), -inf to exactly 0. */
static void test_exp_paths(void)
{
    enum { N = 1000 };
    float *x = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N), *u = malloc(sizeof(float) * N);
    double *r = malloc(sizeof(double) * N);
    for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++) {
        if (!gt_kernels_supported((gt_kpath)p)) continue;
        double worst = 0;
        int zero_ok = 1;
        for (int n = 1; n <= N; n += n < 40 ? 1 : 321) {
            for (int i = 0; i < n; i++) x[i] = 60.0f * frand() - 30.0f;   /* spans e^-90 .. e^30 after the max */
            if (n > 3) x[n / 2] = -INFINITY;
            float mx = -INFINITY;       /* x - max rounds in float on every path: so here too */
            double s = 0;
            for (int i = 0; i < n; i++) mx = fmaxf(mx, x[i]);
            for (int i = 0; i < n; i++) s += (r[i] = exp((double)(x[i] - mx)));
            gt_softmax_path((gt_kpath)p, x, n);
            for (int i = 0; i < n; i++) {
                double want = r[i] / s;
                if (want > 1e-37) worst = fmax(worst, fabs(x[i] - want) / want);
                else if (!(x[i] >= 0 && x[i] < 1e-37)) worst = 1;
            }
            if (n > 3 && x[n / 2] != 0) zero_ok = 0;
        }
        char name[96];
        snprintf(name, sizeof name, "softmax %s matches fp64 (worst relative error %.2g), exp(-inf) = 0",
                 gt_kernels_name((gt_kpath)p), worst);
        CHECK(worst < 1e-6 && zero_ok, name);
        worst = 0;
        for (int n = 1; n <= N; n += n < 40 ? 1 : 321) {
            for (int i = 0; i < n; i++) { x[i] = y[i] = 200.0f * frand(); u[i] = frand(); }
            gt_swiglu_path((gt_kpath)p, x, u, n);
            for (int i = 0; i < n; i++) {
                double want = (double)y[i] / (1 + exp(-(double)y[i])) * u[i];
                if (fabs(want) > 1e-30) worst = fmax(worst, fabs(x[i] - want) / fabs(want));
                else if (fabs(x[i]) > 1e-30) worst = 1;
            }
        }
        snprintf(name, sizeof name, "swiglu %s matches fp64 (worst relative error %.2g)", gt_kernels_name((gt_kpath)p),
                 worst);
        CHECK(worst < 4e-7, name);
    }
    /* gt_exp_shift (the best path): values and their sum */
    double worst = 0;
    for (int n = 1; n <= N; n += n < 40 ? 1 : 321) {
        double sum = 0;
        for (int i = 0; i < n; i++) { x[i] = 40.0f * frand(); r[i] = exp((double)(x[i] - 3.0f)); sum += r[i]; }
        float s = gt_exp_shift(x, n, 3.0f);
        for (int i = 0; i < n; i++) worst = fmax(worst, fabs(x[i] - r[i]) / r[i]);
        worst = fmax(worst, fabs(s - sum) / sum / 4);   /* the float sum: its own rounding */
    }
    char name[96];
    snprintf(name, sizeof name, "exp_shift %s: values and sum match fp64 (worst %.2g)", gt_kernels_name(gt_kernels_best()),
             worst);
    CHECK(worst < 4e-7, name);
    free(x); free(y); free(u); free(r);
}

int main(void)
{
    printf("  kernels: best path %s\n", gt_kernels_name(gt_kernels_best()));
    test_conversions();
    test_small();
    test_matmul();
    test_paths_agree();
    test_packed();
    test_matmul_nn();
    test_exp_paths();
    T_END();
}
