/* sgemm_peak.c - this machine's F32 matrix-product yardstick for bench/train.sh:
 * GFLOP/s of gt_matmul (libcore's kernel, lib/nn/kernels.c) on large square F32
 * matrices, out = X W^T with X, W n x n (2 n^3 flops), with the threads of
 * OMP_NUM_THREADS; with -DHAVE_OPENBLAS also OpenBLAS's cblas_sgemm on the same
 * shapes and threads. Best of REPS runs after a warm-up.
 *
 *   sgemm_peak [N [REPS]]          (defaults 2048, 5)
 * prints: gt_matmul n=N gflops=X   [and openblas n=N gflops=Y] */
#include "nn/kernels.h"
#include "core/util.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_OPENBLAS
#include <cblas.h>
void openblas_set_num_threads(int);
#endif

static double best_of(int reps, void (*f)(void *), void *ctx)
{
    f(ctx);
    double best = 1e30;
    for (int i = 0; i < reps; i++) {
        double t = gt_now();
        f(ctx);
        t = gt_now() - t;
        if (t < best) best = t;
    }
    return best;
}

typedef struct { float *x, *w, *o; int n; } job;
static void run_gt(void *p)
{
    job *j = p;
    gt_matmul(j->o, (size_t)j->n, j->x, j->w, GT_DT_F32, j->n, j->n, j->n);
}
#ifdef HAVE_OPENBLAS
static void run_blas(void *p)
{
    job *j = p;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, j->n, j->n, j->n, 1.0f, j->x, j->n, j->w, j->n, 0.0f,
                j->o, j->n);
}
#endif

static void one(int n, int reps, double *best_gt, double *best_blas)
{
    size_t nn = (size_t)n * (size_t)n;
    job j = { gt_xmalloc(nn * 4), gt_xmalloc(nn * 4), gt_xmalloc(nn * 4), n };
    uint64_t s = 1;
    for (size_t i = 0; i < nn; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        j.x[i] = (float)((s >> 40) & 0xffff) / 65536.0f - 0.5f;
        j.w[i] = (float)((s >> 20) & 0xffff) / 65536.0f - 0.5f;
    }
    double fl = 2.0 * (double)n * (double)n * (double)n, g;
    g = fl / best_of(reps, run_gt, &j) / 1e9;
    if (g > *best_gt) *best_gt = g;
    printf("gt_matmul n=%d threads=%d gflops=%.1f\n", n, omp_get_max_threads(), g);
#ifdef HAVE_OPENBLAS
    g = fl / best_of(reps, run_blas, &j) / 1e9;
    if (g > *best_blas) *best_blas = g;
    printf("openblas n=%d threads=%d gflops=%.1f\n", n, omp_get_max_threads(), g);
#endif
    (void)best_blas;
    free(j.x);
    free(j.w);
    free(j.o);
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    int reps = 5, i = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        reps = atoi(argv[2]);
        i = 3;
    }
    if (reps < 1) gt_die(64, "usage: sgemm_peak [-r REPS] [N...]");
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads(omp_get_max_threads());
#endif
    double bg = 0, bb = 0;
    if (i >= argc) {
        one(512, reps, &bg, &bb);
        one(1024, reps, &bg, &bb);
        one(2048, reps, &bg, &bb);
    }
    for (; i < argc; i++) {
        int n = atoi(argv[i]);
        if (n < 16) gt_die(64, "usage: sgemm_peak [-r REPS] [N...]");
        one(n, reps, &bg, &bb);
    }
    printf("gt_matmul best gflops=%.1f\n", bg);
#ifdef HAVE_OPENBLAS
    printf("openblas best gflops=%.1f\n", bb);
#endif
    return 0;
}
