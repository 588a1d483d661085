/* progress.h - a one-line progress display on stderr for long work. */
#ifndef GT_PROGRESS_H
#define GT_PROGRESS_H

#include <stdint.h>

typedef struct {
    int on;
    double t0, last;
    uint64_t total;      /* expected input bytes, 0 if unknown */
    uint64_t mask;       /* look at the clock only when (records & mask) == 0 (start: 1023) */
} gt_progress;

void gt_progress_start(gt_progress *p, int on, uint64_t total);
/* Cheap to call often: prints at most every 0.25 s. */
void gt_progress_update(gt_progress *p, uint64_t bytes, uint64_t records);
void gt_progress_end(gt_progress *p, uint64_t bytes, uint64_t records);

#endif
