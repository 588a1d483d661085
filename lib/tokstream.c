/* tokstream.c - binary token streams (see tokstream.h, gentitle-tokens(5)). */
#include "tokstream.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void gt_buf_add(gt_buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (b->n + n > c) c *= 2;
        b->p = gt_xrealloc(b->p, c);
        b->cap = c;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void gt_buf_free(gt_buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }

static void le32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

int gt_ts_width(uint32_t vocab) { return vocab <= 65536 ? 2 : 4; }

void gt_ts_put_header(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp)
{
    unsigned char h[GT_TS_HEADER] = { 0 };
    memcpy(h, GT_TS_MAGIC, 8);
    h[8] = GT_TS_VERSION; h[9] = 0;
    h[10] = (unsigned char)width;
    le32(h + 12, vocab);
    le32(h + 16, (uint32_t)fp);
    le32(h + 20, (uint32_t)(fp >> 32));
    gt_buf_add(b, h, sizeof h);
}

void gt_ts_put_record(gt_buf *b, uint32_t width, const int32_t *ids, uint32_t n, uint32_t resp)
{
    size_t need = 8 + (size_t)n * width;
    if (b->n + need > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (b->n + need > c) c *= 2;
        b->p = gt_xrealloc(b->p, c);
        b->cap = c;
    }
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

int gt_ts_is_stream(const void *p, size_t n) { return n >= 8 && memcmp(p, GT_TS_MAGIC, 8) == 0; }

int gt_ts_parse_header(const unsigned char *p, gt_ts_header *h, char *err, size_t errsz)
{
    if (memcmp(p, GT_TS_MAGIC, 8) != 0) { snprintf(err, errsz, "not a gentitle token stream (bad magic)"); return -1; }
    h->version = (uint32_t)p[8] | (uint32_t)p[9] << 8;
    h->width = p[10];
    h->vocab = rd32(p + 12);
    h->fingerprint = (uint64_t)rd32(p + 16) | (uint64_t)rd32(p + 20) << 32;
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
    uint64_t records, offset;
    char err[200];
};

/* Make at least N bytes available; returns what is available (< N at end). */
static size_t fill(gt_tsr *r, size_t n)
{
    if (r->len - r->pos >= n || r->eof) return r->len - r->pos;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (n > r->cap) {
        while (r->cap < n) r->cap *= 2;
        r->buf = gt_xrealloc(r->buf, r->cap);
    }
    while (r->len < n) {
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
        if (fill(r, need) < need) {
            if (r->eof != 2) snprintf(r->err, sizeof r->err, "truncated record at byte %llu", (unsigned long long)r->offset);
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
