/* tokstream.c - binary token streams (see tokstream.h, gentitle-tokens(5)). */
#include "tok/tokstream.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void le32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

int gt_ts_width(uint32_t vocab) { return vocab <= 65536 ? 2 : 4; }

void gt_ts_put_header(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp)
{
    gt_ts_put_header_shard(b, width, vocab, fp, 0, 0);
}

void gt_ts_put_header_shard(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp, uint32_t k, uint32_t n)
{
    unsigned char h[GT_TS_HEADER] = { 0 };
    memcpy(h, GT_TS_MAGIC, 8);
    h[8] = GT_TS_VERSION; h[9] = 0;
    h[10] = (unsigned char)width;
    le32(h + 12, vocab);
    le32(h + 16, (uint32_t)fp);
    le32(h + 20, (uint32_t)(fp >> 32));
    le32(h + 24, k);
    le32(h + 28, n);
    gt_buf_add(b, h, sizeof h);
}

void gt_ts_put_record(gt_buf *b, uint32_t width, const int32_t *ids, uint32_t n, uint32_t resp)
{
    size_t need = 8 + (size_t)n * width;
    gt_buf_reserve(b, need);
    unsigned char *q = (unsigned char *)b->p + b->n;
    le32(q, n); le32(q + 4, resp);
    q += 8;
    if (width == 2) {
        for (uint32_t i = 0; i < n; i++) { q[0] = (unsigned char)ids[i]; q[1] = (unsigned char)(ids[i] >> 8); q += 2; }
    } else {
        for (uint32_t i = 0; i < n; i++) { le32(q, (uint32_t)ids[i]); q += 4; }
    }
    b->n += need;
}

int gt_ts_parse_header(const unsigned char *p, gt_ts_header *h, char *err, size_t errsz)
{
    if (memcmp(p, GT_TS_MAGIC, 8) != 0) { snprintf(err, errsz, "not a gentitle token stream (bad magic)"); return -1; }
    h->version = (uint32_t)p[8] | (uint32_t)p[9] << 8;
    h->width = p[10];
    h->vocab = rd32(p + 12);
    h->fingerprint = (uint64_t)rd32(p + 16) | (uint64_t)rd32(p + 20) << 32;
    h->shard_k = rd32(p + 24);
    h->shard_n = rd32(p + 28);
    if (h->version != GT_TS_VERSION) { snprintf(err, errsz, "unsupported token stream version %u", h->version); return -1; }
    if (h->width != 2 && h->width != 4) { snprintf(err, errsz, "bad id width %u in token stream header", h->width); return -1; }
    if (h->vocab == 0 || (h->width == 2 && h->vocab > 65536)) { snprintf(err, errsz, "bad vocabulary size %u in token stream header", h->vocab); return -1; }
    return 0;
}

struct gt_tsr {
    int fd;
    unsigned char *buf;
    size_t pos, len, cap;
    int eof;
    gt_ts_header h;
    uint64_t records, offset, last;
    char err[200];
};

/* Make at least N bytes available; returns what is available (< N at end).
 * The buffer grows as the bytes come, never to N ahead of them: N comes from
 * a record's length, which a damaged stream may put at billions of ids. */
static size_t fill(gt_tsr *r, size_t n)
{
    if (r->len - r->pos >= n || r->eof) return r->len - r->pos;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    while (r->len < n) {
        if (r->len == r->cap) {
            r->cap = r->cap * 2 < n ? r->cap * 2 : n;
            r->buf = gt_xrealloc(r->buf, r->cap);
        }
        ssize_t k = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (k < 0) {
            if (errno == EINTR) continue;
            snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
            r->eof = 2;
            break;
        }
        if (k == 0) { r->eof = 1; break; }
        r->len += (size_t)k;
    }
    return r->len - r->pos;
}

gt_tsr *gt_tsr_open(const char *path, char *err, size_t errsz)
{
    int fd = (!path || strcmp(path, "-") == 0) ? 0 : open(path, O_RDONLY);
    if (fd < 0) { snprintf(err, errsz, "%s", strerror(errno)); return NULL; }
    gt_tsr *r = gt_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->cap = 1 << 20;
    r->buf = gt_xmalloc(r->cap);
    size_t have = fill(r, GT_TS_HEADER);
    if (r->eof == 2) { snprintf(err, errsz, "%s", r->err); gt_tsr_close(r); return NULL; }
    if (have < GT_TS_HEADER) {
        snprintf(err, errsz, have == 0 ? "empty file, not a token stream" : "truncated token stream header");
        gt_tsr_close(r);
        return NULL;
    }
    if (gt_ts_parse_header(r->buf, &r->h, err, errsz) != 0) { gt_tsr_close(r); return NULL; }
    r->pos = GT_TS_HEADER;
    r->offset = GT_TS_HEADER;
    return r;
}

const gt_ts_header *gt_tsr_header(const gt_tsr *r) { return &r->h; }
const char *gt_tsr_error(const gt_tsr *r) { return r->err; }
uint64_t gt_tsr_records(const gt_tsr *r) { return r->records; }

int gt_tsr_next(gt_tsr *r, int32_t **ids, size_t *cap, uint32_t *n, uint32_t *resp)
{
    for (;;) {
        size_t have = fill(r, 8);
        if (r->eof == 2) return -1;
        if (have == 0) return 0;
        if (have < 8) { snprintf(r->err, sizeof r->err, "truncated record at byte %llu", (unsigned long long)r->offset); return -1; }
        const unsigned char *p = r->buf + r->pos;
        if (memcmp(p, GT_TS_MAGIC, 8) == 0) {          /* a concatenated stream */
            if (fill(r, GT_TS_HEADER) < GT_TS_HEADER) {
                snprintf(r->err, sizeof r->err, "truncated header at byte %llu", (unsigned long long)r->offset);
                return -1;
            }
            gt_ts_header h2;
            char why[160];
            if (gt_ts_parse_header(r->buf + r->pos, &h2, why, sizeof why) != 0) {
                snprintf(r->err, sizeof r->err, "%s at byte %llu", why, (unsigned long long)r->offset);
                return -1;
            }
            if (h2.fingerprint != r->h.fingerprint || h2.width != r->h.width || h2.vocab != r->h.vocab) {
                snprintf(r->err, sizeof r->err, "the stream concatenated at byte %llu was made with a different tokenizer (fingerprint %016llx, first part %016llx)",
                         (unsigned long long)r->offset, (unsigned long long)h2.fingerprint, (unsigned long long)r->h.fingerprint);
                return -1;
            }
            r->pos += GT_TS_HEADER;
            r->offset += GT_TS_HEADER;
            continue;
        }
        uint32_t cnt = rd32(p), rs = rd32(p + 4);
        if (cnt > GT_TS_MAXLEN || rs > cnt) {
            snprintf(r->err, sizeof r->err, "malformed record at byte %llu (length %u, response start %u)",
                     (unsigned long long)r->offset, cnt, rs);
            return -1;
        }
        size_t need = 8 + (size_t)cnt * r->h.width;
        size_t got = fill(r, need);
        if (got < need) {
            if (r->eof != 2)
                snprintf(r->err, sizeof r->err, "truncated record at byte %llu: it has %u ids (%zu bytes), %zu bytes follow",
                         (unsigned long long)r->offset, cnt, need - 8, got - 8);
            return -1;
        }
        p = r->buf + r->pos + 8;
        if (cnt > *cap) { *cap = cnt + 1024; *ids = gt_xrealloc(*ids, *cap * sizeof **ids); }
        for (uint32_t i = 0; i < cnt; i++) {
            uint32_t v = r->h.width == 2 ? (uint32_t)p[2 * i] | (uint32_t)p[2 * i + 1] << 8 : rd32(p + 4 * i);
            if (v >= r->h.vocab) {
                snprintf(r->err, sizeof r->err, "id %u out of range (vocabulary %u) in the record at byte %llu", v,
                         r->h.vocab, (unsigned long long)r->offset);
                return -1;
            }
            (*ids)[i] = (int32_t)v;
        }
        *n = cnt; *resp = rs;
        r->last = r->offset;
        r->pos += need;
        r->offset += need;
        r->records++;
        return 1;
    }
}

void gt_tsr_close(gt_tsr *r)
{
    if (!r) return;
    if (r->fd > 0) close(r->fd);
    free(r->buf);
    free(r);
}

uint64_t gt_tsr_last_offset(const gt_tsr *r) { return r->last; }
uint64_t gt_tsr_offset(const gt_tsr *r) { return r->offset; }

/* ---- index files ---- */

static void le64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

void gt_tsidx_put_header(gt_buf *b, uint64_t fp, uint64_t stream_size, uint64_t count)
{
    unsigned char h[GT_TSIDX_HEADER];
    memcpy(h, GT_TSIDX_MAGIC, 8);
    le64(h + 8, fp);
    le64(h + 16, stream_size);
    le64(h + 24, count);
    gt_buf_add(b, h, sizeof h);
}

void gt_tsidx_put_offset(gt_buf *b, uint64_t off)
{
    unsigned char q[8];
    le64(q, off);
    gt_buf_add(b, q, 8);
}

int gt_tsidx_build(const char *path, gt_buf *idx, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { snprintf(err, errsz, "%s", strerror(errno)); return EX_NOINPUT; }
    close(fd);
    gt_tsr *r = gt_tsr_open(path, err, errsz);
    if (!r) return EX_DATAERR;
    gt_buf offs = { 0 };
    int32_t *ids = NULL;
    size_t cap = 0;
    uint32_t n, resp;
    int st;
    while ((st = gt_tsr_next(r, &ids, &cap, &n, &resp)) == 1) gt_tsidx_put_offset(&offs, gt_tsr_last_offset(r));
    int code = 0;
    if (st < 0) {
        snprintf(err, errsz, "%s", gt_tsr_error(r));
        code = strncmp(gt_tsr_error(r), "read error", 10) == 0 ? EX_IOERR : EX_DATAERR;
    } else {
        idx->n = 0;
        gt_tsidx_put_header(idx, gt_tsr_header(r)->fingerprint, gt_tsr_offset(r), gt_tsr_records(r));
        if (offs.n) gt_buf_add(idx, offs.p, offs.n);
    }
    free(ids);
    gt_buf_free(&offs);
    gt_tsr_close(r);
    return code;
}

struct gt_tokidx {
    int fd;
    uint64_t count, size;
    unsigned char *offs;        /* count * 8 bytes, little-endian */
    unsigned char *rec;
    size_t reccap;
    gt_ts_header h;
    char err[200];
};

gt_tokidx *gt_tokidx_open(const char *path, const char *stream_path, char *err, size_t errsz, int *code)
{
    int dummy;
    if (!code) code = &dummy;
    *code = EX_NOINPUT;
    int ifd = open(path, O_RDONLY);
    if (ifd < 0) { snprintf(err, errsz, "%s: %s", path, strerror(errno)); return NULL; }
    int sfd = open(stream_path, O_RDONLY);
    if (sfd < 0) { snprintf(err, errsz, "%s: %s", stream_path, strerror(errno)); close(ifd); return NULL; }
    gt_tokidx *x = gt_xcalloc(1, sizeof *x);
    x->fd = sfd;
    *code = EX_DATAERR;
    struct stat ist, sst;
    unsigned char h[GT_TSIDX_HEADER], sh[GT_TS_HEADER];
    char why[160];
    if (fstat(ifd, &ist) != 0 || fstat(sfd, &sst) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno)); *code = EX_IOERR; goto fail;
    }
    ssize_t k = pread(ifd, h, sizeof h, 0);
    if (k < 0) { snprintf(err, errsz, "%s: read error: %s", path, strerror(errno)); *code = EX_IOERR; goto fail; }
    if (k < 8 || memcmp(h, GT_TSIDX_MAGIC, 8) != 0) {
        snprintf(err, errsz, "%s: not a token stream index (bad magic)", path); goto fail;
    }
    if (k < GT_TSIDX_HEADER) { snprintf(err, errsz, "%s: truncated index (header)", path); goto fail; }
    uint64_t fp = rd64(h + 8);
    x->size = rd64(h + 16);
    x->count = rd64(h + 24);
    if (x->count > ((uint64_t)1 << 56) || (uint64_t)ist.st_size != GT_TSIDX_HEADER + 8 * x->count) {
        snprintf(err, errsz, "%s: truncated or damaged index (%llu bytes for %llu records, expected %llu)", path,
                 (unsigned long long)ist.st_size, (unsigned long long)x->count,
                 (unsigned long long)(GT_TSIDX_HEADER + 8 * x->count));
        goto fail;
    }
    k = pread(sfd, sh, sizeof sh, 0);
    if (k < 0) { snprintf(err, errsz, "%s: read error: %s", stream_path, strerror(errno)); *code = EX_IOERR; goto fail; }
    if (k < GT_TS_HEADER) { snprintf(err, errsz, "%s: truncated token stream header", stream_path); goto fail; }
    if (gt_ts_parse_header(sh, &x->h, why, sizeof why) != 0) { snprintf(err, errsz, "%s: %s", stream_path, why); goto fail; }
    if (fp != x->h.fingerprint) {
        snprintf(err, errsz, "%s: the index was made for another stream (fingerprint %016llx) than %s (fingerprint %016llx)",
                 path, (unsigned long long)fp, stream_path, (unsigned long long)x->h.fingerprint);
        goto fail;
    }
    if ((uint64_t)sst.st_size != x->size) {
        snprintf(err, errsz, "%s: stale index: made for a stream of %llu bytes, but %s has %llu bytes (rebuild it with tok-decode --make-index)",
                 path, (unsigned long long)x->size, stream_path, (unsigned long long)sst.st_size);
        goto fail;
    }
    size_t ob = (size_t)(8 * x->count);
    x->offs = gt_xmalloc(ob ? ob : 1);
    for (size_t got = 0; got < ob;) {
        k = pread(ifd, x->offs + got, ob - got, (off_t)(GT_TSIDX_HEADER + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            snprintf(err, errsz, "%s: %s", path, k < 0 ? strerror(errno) : "truncated index");
            *code = k < 0 ? EX_IOERR : EX_DATAERR;
            goto fail;
        }
        got += (size_t)k;
    }
    close(ifd);
    *code = 0;
    return x;
fail:
    close(ifd);
    gt_tokidx_close(x);
    return NULL;
}

const gt_ts_header *gt_tokidx_header(const gt_tokidx *x) { return &x->h; }
uint64_t gt_tokidx_count(const gt_tokidx *x) { return x->count; }
const char *gt_tokidx_error(const gt_tokidx *x) { return x->err; }

static int pread_all(int fd, unsigned char *p, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(fd, p + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) return -1;
        if (k == 0) break;
        got += (size_t)k;
    }
    return (int)(got == n);
}

int gt_tokidx_read(gt_tokidx *x, uint64_t i, int32_t **ids, size_t *cap, uint32_t *n, uint32_t *resp)
{
    if (i >= x->count) {
        snprintf(x->err, sizeof x->err, "record %llu out of range (the index has %llu records)", (unsigned long long)i,
                 (unsigned long long)x->count);
        return -1;
    }
    uint64_t off = rd64(x->offs + 8 * i);
    unsigned char p8[8];
    if (off < GT_TS_HEADER || off > x->size || x->size - off < 8) {
        snprintf(x->err, sizeof x->err, "bad offset %llu for record %llu in the index", (unsigned long long)off, (unsigned long long)i);
        return -1;
    }
    int k = pread_all(x->fd, p8, 8, off);
    if (k < 0) { snprintf(x->err, sizeof x->err, "read error: %s", strerror(errno)); return -1; }
    uint32_t cnt = rd32(p8), rs = rd32(p8 + 4);
    if (k == 0 || cnt > GT_TS_MAXLEN || rs > cnt) {
        snprintf(x->err, sizeof x->err, "no valid record at byte %llu (record %llu of the index)", (unsigned long long)off,
                 (unsigned long long)i);
        return -1;
    }
    size_t need = (size_t)cnt * x->h.width;
    if (x->size - off - 8 < need) {
        snprintf(x->err, sizeof x->err, "truncated record at byte %llu", (unsigned long long)off);
        return -1;
    }
    if (need > x->reccap) { x->reccap = need + 4096; x->rec = gt_xrealloc(x->rec, x->reccap); }
    k = need ? pread_all(x->fd, x->rec, need, off + 8) : 1;
    if (k < 0) { snprintf(x->err, sizeof x->err, "read error: %s", strerror(errno)); return -1; }
    if (k == 0) { snprintf(x->err, sizeof x->err, "truncated record at byte %llu", (unsigned long long)off); return -1; }
    if (cnt > *cap) { *cap = cnt + 1024; *ids = gt_xrealloc(*ids, *cap * sizeof **ids); }
    const unsigned char *p = x->rec;
    for (uint32_t j = 0; j < cnt; j++) {
        uint32_t v = x->h.width == 2 ? (uint32_t)p[2 * j] | (uint32_t)p[2 * j + 1] << 8 : rd32(p + 4 * j);
        if (v >= x->h.vocab) {
            snprintf(x->err, sizeof x->err, "id %u out of range (vocabulary %u) in the record at byte %llu", v, x->h.vocab,
                     (unsigned long long)off);
            return -1;
        }
        (*ids)[j] = (int32_t)v;
    }
    *n = cnt; *resp = rs;
    return 0;
}

void gt_tokidx_close(gt_tokidx *x)
{
    if (!x) return;
    if (x->fd >= 0) close(x->fd);
    free(x->offs);
    free(x->rec);
    free(x);
}
