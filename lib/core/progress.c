/* progress.c - progress line on stderr. */
#include "core/progress.h"
#include "core/util.h"

#include <stdio.h>

void gt_progress_start(gt_progress *p, int on, uint64_t total)
{
    p->on = on;
    p->t0 = p->last = gt_now();
    p->total = total;
    p->mask = 1023;
}

static void show(gt_progress *p, double t, uint64_t bytes, uint64_t records, const char *end)
{
    double dt = t - p->t0 > 1e-9 ? t - p->t0 : 1e-9;
    double mb = bytes / 1e6;
    if (p->total)
        fprintf(stderr, "\r%s: %.0f/%.0f MB (%.0f%%), %llu records, %.0f MB/s%s", gt_progname, mb,
                p->total / 1e6, 100.0 * bytes / p->total, (unsigned long long)records, mb / dt, end);
    else
        fprintf(stderr, "\r%s: %.0f MB, %llu records, %.0f MB/s%s", gt_progname, mb,
                (unsigned long long)records, mb / dt, end);
}

void gt_progress_update(gt_progress *p, uint64_t bytes, uint64_t records)
{
    if (!p->on || (records & p->mask)) return;
    double t = gt_now();
    if (t - p->last < 0.25) return;
    p->last = t;
    show(p, t, bytes, records, "   ");
}

void gt_progress_end(gt_progress *p, uint64_t bytes, uint64_t records)
{
    if (!p->on) return;
    show(p, gt_now(), bytes, records, "   \n");
}
