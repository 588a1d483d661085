/* input.c - line reader over plain or zstd-compressed files.
 *
 * Lines are handed out as pointers into one buffer (no copy in the common
 * case). A line that does not fit MAX_LINE is skipped in streaming mode, so a
 * 100 MB line costs no more memory than a short one. */
#include "io/input.h"
#include "io/output.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#define RAW_CAP (1u << 20)

struct gt_reader {
    int fd;
    int own_fd;
    char *name;
    int zstd;
    ZSTD_DCtx *dctx;
    unsigned char *raw;        /* compressed input */
    size_t raw_pos, raw_len;
    int raw_eof;
    size_t frame_open;         /* ZSTD_decompressStream's hint: 0 = frame complete */
    char *buf;                 /* decoded text */
    size_t cap, start, end;    /* pending line data is buf[start, end) */
    size_t max_line;
    int eof;                   /* no more decoded data */
    long lineno;
    uint64_t bytes_in, size;
    char err[256];
    int err_code;
    int failed;
    int regular;               /* a regular file: reading never waits on a writer */
};

static int set_err(gt_reader *r, int code, const char *fmt, const char *a)
{
    snprintf(r->err, sizeof r->err, fmt, a);
    r->err_code = code;
    r->failed = 1;
    return GT_READ_ERROR;
}

/* Read raw bytes; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t read_raw(gt_reader *r, void *dst, size_t n)
{
    for (;;) {
        ssize_t k = read(r->fd, dst, n);
        if (k >= 0) { r->bytes_in += (uint64_t)k; return k; }
        if (errno == EINTR) continue;
        return -1;
    }
}

gt_reader *gt_reader_open(const char *path, size_t max_line)
{
    gt_reader *r = gt_xcalloc(1, sizeof *r);
    if (!path || strcmp(path, "-") == 0) {
        r->fd = 0;
        r->name = gt_xstrdup("<stdin>");
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            gt_warn("%s: %s", path, strerror(errno));
            free(r);
            return NULL;
        }
        r->own_fd = 1;
        r->name = gt_xstrdup(path);
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            gt_warn("%s: Is a directory", r->name);
            if (r->own_fd) close(r->fd);
            free(r->name); free(r);
            return NULL;
        }
        if (S_ISREG(st.st_mode)) r->size = (uint64_t)st.st_size, r->regular = 1;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    r->max_line = max_line ? max_line : ((size_t)1 << 24);
    r->cap = RAW_CAP * 4;
    if (r->cap < 2 * RAW_CAP) r->cap = 2 * RAW_CAP;
    r->buf = gt_xmalloc(r->cap);
    r->raw = gt_xmalloc(RAW_CAP);
    /* Sniff the magic: read up to 4 bytes (more if they come). */
    while (r->raw_len < 4 && !r->raw_eof) {
        ssize_t k = read_raw(r, r->raw + r->raw_len, RAW_CAP - r->raw_len);
        if (k < 0) { set_err(r, EX_IOERR, "%s", strerror(errno)); break; }
        if (k == 0) r->raw_eof = 1;
        r->raw_len += (size_t)k;
    }
    static const unsigned char magic[4] = {0x28, 0xB5, 0x2F, 0xFD};
    if (r->raw_len >= 4 && memcmp(r->raw, magic, 4) == 0) {
        r->zstd = 1;
        r->dctx = ZSTD_createDCtx();
        if (!r->dctx) gt_die(EX_OSERR, "out of memory (zstd)");
        /* accept long-window frames (zstd --long=31) */
        ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, 31);
    }
    return r;
}

/* Append decoded bytes to buf[end..cap). Returns bytes added, 0 at end of data,
 * -1 on error. */
static ssize_t fill(gt_reader *r)
{
    size_t room = r->cap - r->end;
    if (!r->zstd) {
        if (r->raw_pos < r->raw_len) { /* bytes sniffed at open */
            size_t n = r->raw_len - r->raw_pos;
            if (n > room) n = room;
            memcpy(r->buf + r->end, r->raw + r->raw_pos, n);
            r->raw_pos += n;
            return (ssize_t)n;
        }
        if (r->raw_eof) return 0;
        ssize_t k = read_raw(r, r->buf + r->end, room);
        if (k < 0) return set_err(r, EX_IOERR, "read error: %s", strerror(errno));
        if (k == 0) r->raw_eof = 1;
        return k;
    }
    for (;;) {
        if (r->raw_pos == r->raw_len && !r->raw_eof) {
            ssize_t k = read_raw(r, r->raw, RAW_CAP);
            if (k < 0) return set_err(r, EX_IOERR, "read error: %s", strerror(errno));
            r->raw_pos = 0;
            r->raw_len = (size_t)k;
            if (k == 0) r->raw_eof = 1;
        }
        if (r->raw_pos == r->raw_len && r->raw_eof) {
            if (r->frame_open)
                return set_err(r, EX_DATAERR, "%s", "truncated zstd frame (unexpected end of input)");
            return 0;
        }
        ZSTD_inBuffer in = { r->raw, r->raw_len, r->raw_pos };
        ZSTD_outBuffer out = { r->buf + r->end, room, 0 };
        size_t ret = ZSTD_decompressStream(r->dctx, &out, &in);
        r->raw_pos = in.pos;
        if (ZSTD_isError(ret)) {
            if (ZSTD_getErrorCode(ret) == ZSTD_error_prefix_unknown && r->frame_open == 0)
                return set_err(r, EX_DATAERR, "%s", "trailing garbage after zstd frame");
            return set_err(r, EX_DATAERR, "zstd: %s", ZSTD_getErrorName(ret));
        }
        r->frame_open = ret;
        if (out.pos > 0) return (ssize_t)out.pos;
    }
}

/* Hand out buf[S, E) as the line just counted: without a trailing '\r', and
 * the first line without a UTF-8 byte order mark (EF BB BF), which editors on
 * Windows put at the start of a file and is no part of its text. */
static int line_of(gt_reader *r, size_t s, size_t e, const char **line, size_t *len)
{
    if (e > s && r->buf[e - 1] == '\r') e--;
    if (r->lineno == 1 && e - s >= 3 && memcmp(r->buf + s, "\xEF\xBB\xBF", 3) == 0) s += 3;
    *line = r->buf + s;
    *len = e - s;
    return GT_READ_LINE;
}

int gt_reader_next(gt_reader *r, const char **line, size_t *len)
{
    if (r->failed) return GT_READ_ERROR;
    size_t scan = r->start;
    int skipping = 0;
    for (;;) {
        char *nl = scan < r->end ? memchr(r->buf + scan, '\n', r->end - scan) : NULL;
        if (nl) {
            size_t e = (size_t)(nl - r->buf);
            r->lineno++;
            if (skipping) {
                r->start = e + 1;
                return GT_READ_TOOLONG;
            }
            size_t s = r->start;
            r->start = e + 1;
            if (e - s > r->max_line) return GT_READ_TOOLONG;
            return line_of(r, s, e, line, len);
        }
        /* no newline in buffer: make room and read more */
        if (r->eof) {
            if (r->start < r->end || skipping) {
                size_t s = r->start, e = r->end;
                r->start = r->end;
                r->lineno++;
                if (skipping) return GT_READ_TOOLONG;
                return line_of(r, s, e, line, len);
            }
            return GT_READ_EOF;
        }
        size_t pending = r->end - r->start;
        if (pending > r->max_line) {
            /* too long: drop what we have, keep reading until newline */
            skipping = 1;
            r->start = r->end = 0;
            pending = 0;
        }
        if (r->start > 0 && (r->cap - r->end < RAW_CAP)) {
            memmove(r->buf, r->buf + r->start, pending);
            r->start = 0;
            r->end = pending;
        }
        if (r->cap - r->end < RAW_CAP) {
            r->cap *= 2;
            r->buf = gt_xrealloc(r->buf, r->cap);
        }
        scan = r->end;
        ssize_t k = fill(r);
        if (k < 0) return GT_READ_ERROR;
        if (k == 0) r->eof = 1;
        r->end += (size_t)k;
    }
}

long gt_reader_lineno(const gt_reader *r) { return r->lineno; }
const char *gt_reader_name(const gt_reader *r) { return r->name; }
const char *gt_reader_error(const gt_reader *r) { return r->err; }
int gt_reader_error_code(const gt_reader *r) { return r->err_code ? r->err_code : EX_IOERR; }
int gt_reader_is_zstd(const gt_reader *r) { return r->zstd; }
uint64_t gt_reader_bytes_in(const gt_reader *r) { return r->bytes_in; }
uint64_t gt_reader_size(const gt_reader *r) { return r->size; }

void gt_reader_close(gt_reader *r)
{
    if (!r) return;
    if (r->own_fd) close(r->fd);
    if (r->dctx) ZSTD_freeDCtx(r->dctx);
    free(r->raw);
    free(r->buf);
    free(r->name);
    free(r);
}

/* ---- many files as one line source ---- */

void gt_lines_open(gt_lines *L, char *const *files, int nfiles, size_t max_line, int progress_on, gt_out *out)
{
    memset(L, 0, sizeof *L);
    L->files = files;
    L->nfiles = nfiles;
    L->max_line = max_line;
    L->progress_on = progress_on;
    L->progress_mask = 1023;
    L->out = out;
}

static void lines_end_file(gt_lines *L, uint64_t records)
{
    L->bytes_done += gt_reader_bytes_in(L->r);
    gt_progress_end(&L->prog, L->bytes_done, records);
    gt_reader_close(L->r);
    L->r = NULL;
}

int gt_lines_next(gt_lines *L, const char **line, size_t *len)
{
    for (;;) {
        if (!L->r) {
            if (L->status || L->next >= (L->nfiles ? L->nfiles : 1)) return GT_READ_EOF;
            const char *path = L->nfiles ? L->files[L->next] : "-";
            L->next++;
            L->r = gt_reader_open(path, L->max_line);
            if (!L->r) { L->status = EX_NOINPUT; return GT_READ_EOF; }
            gt_progress_start(&L->prog, L->progress_on, gt_reader_size(L->r));
            L->prog.mask = L->progress_mask;
        }
        int st = gt_reader_next(L->r, line, len);
        if (st == GT_READ_EOF) { lines_end_file(L, L->lines); continue; }
        if (st == GT_READ_ERROR) {
            if (L->out) gt_out_flush(L->out);
            gt_warnat(gt_reader_name(L->r), 0, "%s (after line %ld)", gt_reader_error(L->r), gt_reader_lineno(L->r));
            L->status = gt_reader_error_code(L->r);
            lines_end_file(L, L->lines);
            return GT_READ_EOF;
        }
        if (st == GT_READ_LINE && *len == 0) continue;     /* blank line */
        L->lines++;
        return st;
    }
}

int gt_reader_ready(const gt_reader *r)
{
    if (r->eof || r->failed || r->regular) return 1;
    if (r->end > r->start && memchr(r->buf + r->start, '\n', r->end - r->start)) return 1;
    if (r->zstd && r->raw_pos < r->raw_len) return 1;
    struct pollfd p = { .fd = r->fd, .events = POLLIN };
    return poll(&p, 1, 0) != 0;
}

int gt_lines_ready(const gt_lines *L)
{
    return !L->r || gt_reader_ready(L->r);
}

void gt_lines_progress(gt_lines *L, uint64_t records)
{
    if (L->r) gt_progress_update(&L->prog, L->bytes_done + gt_reader_bytes_in(L->r), records);
}

void gt_lines_close(gt_lines *L, uint64_t records)
{
    if (L->r) lines_end_file(L, records);
}
