/* results.h - title-eval's per-example results (every system's scores, words
 * and verbatim flag, the reference's words and verbatim flag, the primary
 * category), and what the reports print of them: the means with bootstrap
 * intervals, and the means by category. */
#ifndef GT_RESULTS_H
#define GT_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "eval/scorer.h"
#include "eval/strmap.h"

#define GT_MAXSYS 4

typedef struct {
    int nsys;
    const char *sys[GT_MAXSYS];     /* system names (not owned) */
    size_t n, cap;
    double *score;          /* n x nsys x GT_NMET, F1 x 100 */
    double *words;          /* n x (nsys + 1): the last is the reference */
    unsigned char *verb;    /* n x (nsys + 1): bit 0 verbatim, the GT_DEGEN_* bits above it */
    int *cat;               /* n: index into catname */
    gt_strmap cats;
    char **catname;
    int ncat, catcap;
    long missing;           /* references without a hypothesis */
} gt_results;

/* Zero-initialise, then set nsys and sys[]. */
void gt_results_free(gt_results *r);
/* The index of category NAME, added when new. */
int gt_results_cat(gt_results *r, const char *name);
/* Append an example: the nsys systems' results S, the reference's words,
 * verbatim flag and GT_DEGEN_* bits, its category index. */
void gt_results_push(gt_results *r, const gt_sysres *s, double refwords, int refverb, int refdegen, int cat);

typedef struct {
    double mean[GT_MAXSYS][GT_NMET];
    double lo[GT_MAXSYS][GT_NMET], hi[GT_MAXSYS][GT_NMET];  /* 95% intervals, when bootstrapped */
    double words[GT_MAXSYS + 1];    /* mean words; the last is the reference */
    double verb[GT_MAXSYS + 1];     /* percent verbatim */
    double empty[GT_MAXSYS + 1], longer[GT_MAXSYS + 1], repeat[GT_MAXSYS + 1];  /* percent GT_DEGEN_* */
} gt_summary;

/* Means over the examples (n >= 1), and with BOOTSTRAP > 0 resamples paired
 * 95% intervals (bootstrap.h) seeded with SEED. */
void gt_results_summarize(const gt_results *r, long long bootstrap, uint64_t seed, gt_summary *sm);

typedef struct {
    int cat;
    const char *name;
    size_t n;
    double mean[GT_MAXSYS][GT_NMET];
} gt_catsum;

/* Per-category means, most examples first (then by name); *COUNT gets the
 * number of categories. Free the array. */
gt_catsum *gt_results_by_category(const gt_results *r, int *count);

#endif
