/* buf.c - see buf.h. */
#include <stdarg.h>
#include <stdio.h>
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

void gt_buf_printf(gt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    if ((size_t)n < sizeof tmp) {
        gt_buf_add(b, tmp, (size_t)n);
        return;
    }
    gt_buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}
