/* report.h - title-eval's reports: the table for people, one JSON object for
 * scripts, and the per-example TSV lines. */
#ifndef GT_REPORT_H
#define GT_REPORT_H

#include "eval/results.h"
#include "io/output.h"

/* What the reports say about the run. */
typedef struct {
    const char *ref, *hyp;          /* file names; HYP NULL: baselines only */
    int stem;                       /* Porter stemming on */
    int by_cat;                     /* categories to show (0: no breakdown) */
    long long bootstrap;            /* resamples (0: no intervals) */
    unsigned long long seed;
} gt_report_opts;

void gt_report_table(gt_out *out, const gt_report_opts *o, const gt_results *r, const gt_summary *sm);
void gt_report_json(gt_out *out, const gt_report_opts *o, const gt_results *r, const gt_summary *sm);

/* --per-example: the header line, then a line per example and system. */
void gt_report_example_header(gt_out *out);
void gt_report_example(gt_out *out, const char *id, const char *sys, const gt_sysres *s);

#endif
