/* output.h - buffered output with JSON string escaping, and atomic files. */
#ifndef GT_OUTPUT_H
#define GT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct gt_out_s {
    int fd;
    char *buf;
    size_t len, cap;
    const char *name;      /* for messages */
    uint64_t bytes;        /* total written */
} gt_out;

void gt_out_init(gt_out *o, int fd, const char *name);
/* An output held in memory (fd -1): it grows instead of being written; the
 * caller takes o->buf[0, o->len) and resets o->len. */
void gt_out_init_mem(gt_out *o);
void gt_out_free(gt_out *o);
/* Write errors end the process: EPIPE quietly (status 141, like SIGPIPE),
 * others with "prog: NAME: reason" and EX_IOERR. */
void gt_out_flush(gt_out *o);
void gt_out_write(gt_out *o, const void *p, size_t n);
static inline void gt_out_putc(gt_out *o, char c)
{
    if (o->len == o->cap) gt_out_flush(o);
    o->buf[o->len++] = c;
}
void gt_out_str(gt_out *o, const char *s);
/* printf-formatted text (any length). */
void gt_out_printf(gt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write S (N bytes, UTF-8) as a JSON string literal with quotes. */
void gt_out_json_str(gt_out *o, const char *s, size_t n);

/* Atomic output files: written to a temporary file beside PATH, renamed over
 * PATH by gt_atomic_commit. Temporaries are removed on SIGINT/SIGTERM/SIGHUP and
 * at exit if not committed, so a killed run leaves the old file intact. */
typedef struct gt_atomic gt_atomic;
gt_atomic *gt_atomic_open(const char *path, gt_out *o); /* NULL: error printed */
int gt_atomic_commit(gt_atomic *a, gt_out *o);            /* 0 ok, -1 error printed */
void gt_atomic_abort(gt_atomic *a, gt_out *o);
/* Also run FN where unfinished atomic files are removed: at exit, and on
 * SIGINT, SIGTERM and SIGHUP until the caller installs handlers of its own.
 * For temporary folders of finished atomic files; FN may run in a signal
 * handler, so it may only unlink and rmdir. At most 4; remove it when done. */
void gt_atomic_cleanup_add(void (*fn)(void));
void gt_atomic_cleanup_remove(void (*fn)(void));

#endif
