/* buf.h - the growable byte buffer of libcore (token stream records, checkpoint
 * headers, cleaned text, JSON lines): one home for "append and grow". */
#ifndef GT_BUF_H
#define GT_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct { char *p; size_t n, cap; } gt_buf;

/* Room for N more bytes after the N already held (doubles; never shrinks). */
void gt_buf_reserve(gt_buf *b, size_t n);
/* Append N bytes (N may be 0, P then may be NULL). Inline: it is on the hot
 * paths (cleaning, token records, BPE word counting). */
static inline void gt_buf_add(gt_buf *b, const void *p, size_t n)
{
    if (!n) return;
    if (b->cap - b->n < n) gt_buf_reserve(b, n);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}
static inline void gt_buf_putc(gt_buf *b, char c)
{
    if (b->n == b->cap) gt_buf_reserve(b, 1);
    b->p[b->n++] = c;
}
/* Append the string S (without its NUL). */
void gt_buf_adds(gt_buf *b, const char *s);
/* Append printf-formatted text (any length). */
void gt_buf_printf(gt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep a NUL after the N bytes (not counted in N): B->p is then a C string. */
void gt_buf_nul(gt_buf *b);
void gt_buf_free(gt_buf *b);

#endif
