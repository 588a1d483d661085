/* output.c - buffered output, JSON escaping, atomic files. */
#include "io/output.h"
#include "core/util.h"
#include "io/tmp.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define OUT_CAP (1u << 18)

void gt_out_init(gt_out *o, int fd, const char *name)
{
    o->fd = fd;
    o->cap = OUT_CAP;
    o->buf = gt_xmalloc(o->cap);
    o->len = 0;
    o->name = name ? name : "<stdout>";
    o->bytes = 0;
#ifdef F_SETPIPE_SZ
    /* A pipe between two stages holds 64 KiB by default: each of our 256 KiB
     * writes would wake the reader four times. Ask for 1 MiB (the usual limit
     * for unprivileged processes); it is only a hint. */
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
}

void gt_out_init_mem(gt_out *o)
{
    o->fd = -1;
    o->cap = 4096;
    o->buf = gt_xmalloc(o->cap);
    o->len = 0;
    o->name = "<memory>";
    o->bytes = 0;
}

/* A memory output: room for N more bytes */
static void mem_grow(gt_out *o, size_t n)
{
    if (o->cap - o->len >= n) return;
    while (o->cap - o->len < n) o->cap *= 2;
    o->buf = gt_xrealloc(o->buf, o->cap);
}

void gt_out_free(gt_out *o)
{
    free(o->buf);
    o->buf = NULL;
}

void gt_out_flush(gt_out *o)
{
    if (o->fd < 0) {            /* memory: grow instead */
        mem_grow(o, o->cap);
        return;
    }
    size_t off = 0;
    while (off < o->len) {
        ssize_t k = write(o->fd, o->buf + off, o->len - off);
        if (k < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) _exit(128 + SIGPIPE);
            gt_die(EX_IOERR, "%s: write error: %s", o->name, strerror(errno));
        }
        off += (size_t)k;
    }
    o->bytes += o->len;
    o->len = 0;
}

void gt_out_write(gt_out *o, const void *p, size_t n)
{
    if (n == 0) return;         /* P may be NULL then (an empty gt_buf's) */
    if (o->fd < 0) mem_grow(o, n);
    if (n >= o->cap) {
        gt_out_flush(o);
        const char *s = p;
        size_t off = 0;
        while (off < n) {
            ssize_t k = write(o->fd, s + off, n - off);
            if (k < 0) {
                if (errno == EINTR) continue;
                if (errno == EPIPE) _exit(128 + SIGPIPE);
                gt_die(EX_IOERR, "%s: write error: %s", o->name, strerror(errno));
            }
            off += (size_t)k;
        }
        o->bytes += n;
        return;
    }
    if (o->cap - o->len < n) gt_out_flush(o);
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

void gt_out_str(gt_out *o, const char *s) { gt_out_write(o, s, strlen(s)); }

/* 1 where a byte needs escaping in a JSON string */
static const unsigned char json_esc[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,
};

void gt_out_json_str(gt_out *o, const char *s, size_t n)
{
    /* worst case 6 bytes per input byte */
    if (o->fd < 0) mem_grow(o, n * 6 + 2);
    if (o->cap - o->len < n * 6 + 2) {
        gt_out_flush(o);
        if (o->cap < n * 6 + 2) {
            o->cap = n * 6 + 2;
            o->buf = gt_xrealloc(o->buf, o->cap);
        }
    }
    char *d = o->buf + o->len;
    *d++ = '"';
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    for (;;) {
#ifdef __SSE2__
        /* copy 16 bytes at a time while none needs escaping (quote, backslash,
         * DEL, or below 0x20 unsigned: bias by 0x80 to compare signed) */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f);
        const __m128i bias = _mm_set1_epi8((char)0x80), lim = _mm_set1_epi8((char)(0x20 ^ 0x80));
        while (n - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                     _mm_or_si128(_mm_cmplt_epi8(_mm_xor_si128(v, bias), lim),
                                                  _mm_cmpeq_epi8(v, del)));
            int bits = _mm_movemask_epi8(m);
            _mm_storeu_si128((__m128i *)d, v);
            if (bits) {
                unsigned k = (unsigned)__builtin_ctz((unsigned)bits);
                d += k; i += k;
                break;
            }
            d += 16; i += 16;
        }
#endif
        if (i >= n) break;
        unsigned char c = (unsigned char)s[i++];
        if (!json_esc[c]) { *d++ = (char)c; continue; }
        *d++ = '\\';
        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\n': *d++ = 'n'; break;
        case '\t': *d++ = 't'; break;
        case '\r': *d++ = 'r'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        default:
            *d++ = 'u'; *d++ = '0'; *d++ = '0';
            *d++ = hex[c >> 4]; *d++ = hex[c & 15];
        }
    }
    *d++ = '"';
    o->len = (size_t)(d - o->buf);
}

void gt_out_printf(gt_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    if ((size_t)n < sizeof tmp) {
        gt_out_write(o, tmp, (size_t)n);
        return;
    }
    char *big = gt_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    gt_out_write(o, big, (size_t)n);
    free(big);
}

/* ---- atomic files ---- */

#define MAX_ATOMIC 16

struct gt_atomic {
    char *path;
    char *tmp;
    int active;
    int lock;       /* a second descriptor of the temporary: its flock (io/tmp.h) lasts until the rename */
};

static gt_atomic *live[MAX_ATOMIC];
static void (*volatile extra[4])(void);
static volatile sig_atomic_t handlers_set;

static void cleanup_all(void)
{
    for (int i = 0; i < MAX_ATOMIC; i++)
        if (live[i] && live[i]->active) unlink(live[i]->tmp);
    for (int i = 0; i < 4; i++)
        if (extra[i]) extra[i]();
}

static void on_signal(int sig)
{
    cleanup_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_handlers(void)
{
    if (!handlers_set) {
        handlers_set = 1;
        atexit(cleanup_all);
        gt_catch_signals(on_signal, 1);
    }
}

static void register_live(gt_atomic *a)
{
    set_handlers();
    for (int i = 0; i < MAX_ATOMIC; i++)
        if (!live[i]) { live[i] = a; return; }
    gt_die(EX_SOFTWARE, "too many output files open at once");
}

static void unregister_live(gt_atomic *a)
{
    for (int i = 0; i < MAX_ATOMIC; i++)
        if (live[i] == a) live[i] = NULL;
}

void gt_atomic_cleanup_add(void (*fn)(void))
{
    set_handlers();
    for (int i = 0; i < 4; i++)
        if (!extra[i]) { extra[i] = fn; return; }
    gt_die(EX_SOFTWARE, "too many cleanup functions");
}

void gt_atomic_cleanup_remove(void (*fn)(void))
{
    for (int i = 0; i < 4; i++)
        if (extra[i] == fn) extra[i] = NULL;
}

gt_atomic *gt_atomic_open(const char *path, gt_out *o)
{
    gt_atomic *a = gt_xcalloc(1, sizeof *a);
    a->path = gt_xstrdup(path);
    size_t n = strlen(path) + 16;
    a->tmp = gt_xmalloc(n);
    snprintf(a->tmp, n, "%s.tmp.XXXXXX", path);
    int fd = gt_tmp_file(a->tmp);     /* stale temporaries of PATH removed first */
    a->lock = fd >= 0 ? dup(fd) : -1;
    if (fd >= 0 && a->lock < 0) {
        int e = errno;
        close(fd);
        unlink(a->tmp);
        errno = e;
        fd = -1;
    }
    if (fd < 0) {
        gt_warn("%s: cannot create: %s", a->tmp, strerror(errno));
        free(a->tmp); free(a->path); free(a);
        return NULL;
    }
    fchmod(fd, 0644);
    a->active = 1;
    register_live(a);
    gt_out_init(o, fd, a->path);
    return a;
}

int gt_atomic_commit(gt_atomic *a, gt_out *o)
{
    gt_out_flush(o);
    int rc = 0;
    if (fsync(o->fd) != 0 && errno != EINVAL) {
        gt_warn("%s: fsync: %s", a->tmp, strerror(errno));
        rc = -1;
    }
    if (close(o->fd) != 0) {
        gt_warn("%s: close: %s", a->tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(a->tmp, a->path) != 0) {
        gt_warn("%s: cannot rename to %s: %s", a->tmp, a->path, strerror(errno));
        rc = -1;
    }
    if (rc != 0) unlink(a->tmp);
    close(a->lock);
    if (rc == 0) {
        /* make the rename durable */
        char *d = gt_xstrdup(a->path);
        int dfd = open(dirname(d), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) { fsync(dfd); close(dfd); }
        free(d);
    }
    a->active = 0;
    unregister_live(a);
    gt_out_free(o);
    free(a->tmp); free(a->path); free(a);
    return rc;
}

void gt_atomic_abort(gt_atomic *a, gt_out *o)
{
    close(o->fd);
    unlink(a->tmp);
    close(a->lock);
    a->active = 0;
    unregister_live(a);
    gt_out_free(o);
    free(a->tmp); free(a->path); free(a);
}
