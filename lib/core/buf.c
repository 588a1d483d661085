/* buf.c - see buf.h. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/util.h"

void gt_buf_reserve(gt_buf *b, size_t n)
{
    if (b->n + n <= b->cap) return;
    size_t c = b->cap ? b->cap : 4096;
    while (b->n + n > c) c *= 2;
    b->p = gt_xrealloc(b->p, c);
    b->cap = c;
}

void gt_buf_adds(gt_buf *b, const char *s) { gt_buf_add(b, s, strlen(s)); }

void gt_buf_nul(gt_buf *b)
{
    gt_buf_reserve(b, 1);
    b->p[b->n] = 0;
}

void gt_buf_free(gt_buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }
