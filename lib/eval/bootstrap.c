/* bootstrap.c - see bootstrap.h. */
#include <stdlib.h>
#include <string.h>

#include "core/rand.h"
#include "core/util.h"
#include "eval/bootstrap.h"

double gt_percentile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return v[n - 1];
    return v[lo] + (v[lo + 1] - v[lo]) * (pos - (double)lo);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* An index in [0, N): the high half of the 64 x 64-bit product of a draw and
 * N (multiply-shift, no division; title-eval's tests pin these draws). */
static size_t draw(gt_xoshiro *r, size_t n)
{
    return (size_t)(((unsigned __int128)gt_xoshiro_next(r) * n) >> 64);
}

void gt_bootstrap(const double *rows, size_t n, size_t k, size_t b, uint64_t seed, double qlo, double qhi,
                  double *lo, double *hi)
{
    /* means[c * b + j]: column c's mean in resample j */
    double *means = gt_xcalloc(b * k, sizeof *means), *acc = gt_xcalloc(k, sizeof *acc);
    gt_xoshiro r;
    gt_xoshiro_seed(&r, seed);
    for (size_t j = 0; j < b; j++) {
        memset(acc, 0, k * sizeof *acc);
        for (size_t t = 0; t < n; t++) {
            const double *row = rows + draw(&r, n) * k;
            for (size_t c = 0; c < k; c++) acc[c] += row[c];
        }
        for (size_t c = 0; c < k; c++) means[c * b + j] = acc[c] / (double)n;
    }
    for (size_t c = 0; c < k; c++) {
        double *v = means + c * b;
        qsort(v, b, sizeof *v, cmp_double);
        lo[c] = gt_percentile(v, b, qlo);
        hi[c] = gt_percentile(v, b, qhi);
    }
    free(means);
    free(acc);
}
