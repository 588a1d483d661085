/* qmatmul.c - time gt_qmatmul (nn/qmatmul.h) on GGUF block types against
 * gt_matmul's F32 on the same shapes. Built and run by bench/qmatmul.sh.
 *
 *   qmatmul [TYPES [SHAPES [NS]]]
 *
 * TYPES: comma-separated ggml type names (default Q8_0,Q4_0,Q4_1,Q5_0,Q5_1,
 * Q4_K,Q5_K,Q6_K; F32 is gt_matmul); SHAPES: DxK,... weight rows x columns
 * (default SmolLM2-135M's 576x576,192x576,1536x576,576x1536,49152x576); NS:
 * activation rows (default 1,256). For each type, shape and n, the best of
 * several timed runs: n = 1 (decoding) as GB/s of weight bytes read, the
 * weights cycled through copies of 256 MB in all so that they come from
 * memory as a model's do, not from the caches; larger n as GFLOP/s (2 n d k
 * per call), one copy. Random blocks with sane scales, random activations.
 * A K that is not a whole number of the type's blocks (576 for the K types)
 * is rounded up to one (768). Threads: OMP_NUM_THREADS. QMB_CACHED=1: one
 * copy of the weights for n = 1 too (they stay in the caches: the kernels'
 * own speed). One line per measurement (cpu_ms: the process's CPU time per
 * call, which other processes on the machine do not inflate):
 *   TYPE DxK n=N gb_s=X gflop_s=Y ms=Z cpu_ms=C path=NAME */
#include "nn/qmatmul.h"
#include "nn/kernels.h"
#include "nn/ggml_types.h"
#include "core/util.h"
#include "core/rand.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t seed = 42;

static uint16_t f16_scale(void)   /* about 2^-9 .. 2^-6 */
{
    return gt_f32_to_f16(ldexpf(1.0f + (float)gt_unit53(gt_splitmix64(&seed)), -9 + (int)(gt_splitmix64(&seed) % 4)));
}

/* ROWS rows of K values of TYPE: random bytes, every f16 field a sane scale */
static void fill(uint32_t type, unsigned char *w, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) w[i] = (unsigned char)gt_splitmix64(&seed);
    if (type == GT_GGML_F32) {
        for (size_t i = 0; i + 4 <= bytes; i += 4) {
            float v = (float)(gt_unit53(gt_splitmix64(&seed)) - 0.5);
            memcpy(w + i, &v, 4);
        }
        return;
    }
    size_t bb = gt_ggml_block_bytes(type);
    int at[2] = { 0, type == GT_GGML_Q4_1 || type == GT_GGML_Q5_1 || type == GT_GGML_Q4_K || type == GT_GGML_Q5_K ? 2 : -1 };
    if (type == GT_GGML_Q6_K) at[0] = 208;
    for (size_t o = 0; o + bb <= bytes; o += bb)
        for (int f = 0; f < 2; f++)
            if (at[f] >= 0) {
                uint16_t h = f16_scale();
                memcpy(w + o + at[f], &h, 2);
            }
}

/* NAME: a ggml type's name; with a "p" after it (Q4_1p), the weights as
 * the panels that gt_qpack repacks them into at load (*PACKED = 1). */
static uint32_t type_id(const char *name, int *packed)
{
    size_t len = strlen(name);
    *packed = len > 1 && name[len - 1] == 'p';
    for (uint32_t t = 0; t < 64; t++)
        if (gt_ggml_type_name(t) && strlen(gt_ggml_type_name(t)) == len - (size_t)*packed &&
            strncmp(gt_ggml_type_name(t), name, len - (size_t)*packed) == 0)
            return t;
    gt_die(EX_USAGE, "unknown type '%s'", name);
}

/* CPU seconds of the process: on a loaded machine, the time it ran */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void product(uint32_t type, int packed, float *out, const float *x, const void *w, int n, int d, int k)
{
    if (packed) gt_qpack_matmul(GT_K_AUTO, out, (size_t)d, x, w, type, n, d, k);
    else if (type == GT_GGML_F32) gt_matmul(out, (size_t)d, x, w, GT_DT_F32, n, d, k);
    else gt_qmatmul(out, (size_t)d, x, w, type, n, d, k);
}

static void bench(uint32_t type, int packed, int d, int k, int n)
{
    size_t rb;
    int bv = gt_ggml_block_values(type);
    k = (k + bv - 1) / bv * bv;
    if (gt_ggml_row_bytes(type, k, &rb) != 0) gt_die(EX_USAGE, "%s: k=%d is not whole blocks", gt_ggml_type_name(type), k);
    size_t mb = packed ? gt_qpack_bytes(type, d, k) : rb * (size_t)d;
    int copies = 1;
    if (n == 1) {
        copies = (int)((256u << 20) / mb) + 1;
        if (copies < 2) copies = 2;
        if (getenv("QMB_CACHED")) copies = 1;
    }
    unsigned char *w = gt_xmalloc(mb * (size_t)copies);
    if (packed) {
        unsigned char *blocks = gt_xmalloc(rb * (size_t)d);
        fill(type, blocks, rb * (size_t)d);
        gt_qpack(w, blocks, type, d, k, 0, (d + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS);
        free(blocks);
    } else {
        fill(type, w, mb);
    }
    for (int c = 1; c < copies; c++) memcpy(w + mb * (size_t)c, w, mb);
    float *x = gt_xmalloc(sizeof(float) * (size_t)n * k), *out = gt_xmalloc(sizeof(float) * (size_t)n * d);
    for (size_t i = 0; i < (size_t)n * k; i++) x[i] = (float)(gt_unit53(gt_splitmix64(&seed)) * 2 - 1);
    product(type, packed, out, x, w, n, d, k);   /* warm up: pages, threads */
    /* calls per timed run: about 0.15 s of work or one pass over the copies */
    double t0 = gt_now();
    product(type, packed, out, x, w, n, d, k);
    double one = gt_now() - t0;
    long calls = (long)(0.15 / (one > 1e-7 ? one : 1e-7)) + 1;
    if (n == 1 && calls < copies) calls = copies;
    double best = 1e30, bcpu = 1e30;
    for (int rep = 0; rep < 3; rep++) {
        t0 = gt_now();
        double c0 = cpu_now();
        for (long c = 0; c < calls; c++) product(type, packed, out, x, w + mb * (size_t)(c % copies), n, d, k);
        double t = (gt_now() - t0) / (double)calls, tc = (cpu_now() - c0) / (double)calls;
        if (t < best) best = t;
        if (tc < bcpu) bcpu = tc;
    }
    const char *path = type == GT_GGML_F32 ? gt_kernels_name(gt_kernels_best()) : gt_qmatmul_path_name(GT_K_AUTO);
    printf("%s%s %dx%d n=%d gb_s=%.2f gflop_s=%.2f ms=%.4f cpu_ms=%.4f path=%s\n", gt_ggml_type_name(type), packed ? "p" : "", d, k, n,
           (double)mb / best / 1e9, 2.0 * n * d * k / best / 1e9, best * 1e3, bcpu * 1e3, path);
    fflush(stdout);
    free(w);
    free(x);
    free(out);
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    const char *types = argc > 1 ? argv[1] : "Q8_0,Q4_0,Q4_1,Q5_0,Q5_1,Q4_K,Q5_K,Q6_K";
    const char *shapes = argc > 2 ? argv[2] : "576x576,192x576,1536x576,576x1536,49152x576";
    const char *ns = argc > 3 ? argv[3] : "1,256";
    char *tl = gt_xstrdup(types), *save = NULL;
    for (char *ty = strtok_r(tl, ",", &save); ty; ty = strtok_r(NULL, ",", &save)) {
        int packed;
        uint32_t type = type_id(ty, &packed);
        char *sl = gt_xstrdup(shapes), *s2 = NULL;
        for (char *sh = strtok_r(sl, ",", &s2); sh; sh = strtok_r(NULL, ",", &s2)) {
            int d, k;
            if (sscanf(sh, "%dx%d", &d, &k) != 2 || d < 1 || k < 1) gt_die(EX_USAGE, "bad shape '%s'", sh);
            char *nl = gt_xstrdup(ns), *s3 = NULL;
            for (char *nn = strtok_r(nl, ",", &s3); nn; nn = strtok_r(NULL, ",", &s3))
                bench(type, packed, d, k, (int)gt_parse_ll("N", nn, 1, 1 << 16));
            free(nl);
        }
        free(sl);
    }
    free(tl);
    return 0;
}
