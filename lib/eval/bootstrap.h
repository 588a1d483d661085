/* bootstrap.h - percentile bootstrap confidence intervals for means over
 * examples (title-eval's ROUGE intervals). */
#ifndef GT_BOOTSTRAP_H
#define GT_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

/* Percentile Q (0..1) of the sorted V[0..N), N >= 1, interpolating linearly
 * between the two nearest ranks (numpy's default). */
double gt_percentile(const double *v, size_t n, double q);

/* Paired bootstrap over the N x K matrix ROWS (row i: example i's K scores):
 * B resamples of N examples drawn with replacement by xoshiro256** seeded
 * with SEED (core/rand.h), the same examples for every column so that
 * columns stay comparable; LO[c] and HI[c] get the percentiles QLO and QHI
 * of column c's B resampled means. N >= 1, B >= 1. */
void gt_bootstrap(const double *rows, size_t n, size_t k, size_t b, uint64_t seed, double qlo, double qhi,
                  double *lo, double *hi);

#endif
