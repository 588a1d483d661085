/* dataloader.c - token-stream examples and their batching (dataloader.h). */
#include "train/dataloader.h"
#include "tok/tokstream.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gt_dataset_free(gt_dataset *d)
{
    free(d->ids);
    free(d->off);
    free(d->resp);
    memset(d, 0, sizeof *d);
}

int gt_dataset_load(gt_dataset *d, const char *path, int vocab, int maxlen, const char *limit_what,
                    const uint64_t *fingerprint, char *err, size_t errsz)
{
    memset(d, 0, sizeof *d);
    char e2[256];
    gt_tsr *r = gt_tsr_open(path, e2, sizeof e2);
    if (!r) return gt_fail(err, errsz, "%s", e2);
    uint64_t sfp = gt_tsr_header(r)->fingerprint;
    if (fingerprint && sfp != *fingerprint) {
        gt_tsr_close(r);
        return gt_fail(err, errsz,
                    "%s: stream was made with another tokenizer (fingerprint %016llx, the model's tokenizer has "
                    "%016llx)", path, (unsigned long long)sfp, (unsigned long long)*fingerprint);
    }
    int32_t *buf = NULL;
    size_t bcap = 0, icap = 0, ecap = 0;
    uint32_t n, resp;
    int rc;
    uint64_t hs = 0x64617461ull;
    d->off = gt_xmalloc(sizeof(size_t) * (ecap = 1024));
    d->off[0] = 0;
    while ((rc = gt_tsr_next(r, &buf, &bcap, &n, &resp)) == 1) {
        size_t i = d->n;
        if (n > (uint32_t)maxlen) {
            gt_tsr_close(r); free(buf); gt_dataset_free(d);
            return gt_fail(err, errsz, "%s: example %zu has %u tokens, more than %s", path, i + 1, n, limit_what);
        }
        for (uint32_t k = 0; k < n; k++)
            if (buf[k] < 0 || buf[k] >= vocab) {
                int id = (int)buf[k];
                gt_tsr_close(r); free(buf); gt_dataset_free(d);
                return gt_fail(err, errsz, "%s: example %zu: token id %d is outside the model's vocabulary (0..%d)",
                            path, i + 1, id, vocab - 1);
            }
        if (i + 2 > ecap) d->off = gt_xrealloc(d->off, sizeof(size_t) * (ecap *= 2));
        if ((i + 1) % 1024 == 1) d->resp = gt_xrealloc(d->resp, sizeof(uint32_t) * (i + 1024));
        if (d->tokens + n > icap) {
            while (d->tokens + n > icap) icap = icap ? icap * 2 : 65536;
            d->ids = gt_xrealloc(d->ids, sizeof(int32_t) * icap);
        }
        if (n) memcpy(d->ids + d->tokens, buf, sizeof(int32_t) * n);     /* a record may have no ids (BUF then NULL) */
        d->tokens += n;
        d->off[i + 1] = d->tokens;
        d->resp[i] = resp > n ? n : resp;
        if (n > 1) d->labels += n - (resp > 1 ? (resp > n ? n : resp) : 1);
        if ((int)n > d->maxlen) d->maxlen = (int)n;
        hs = gt_hash64(buf, sizeof(int32_t) * n, hs);
        hs = gt_hash64(&resp, sizeof resp, hs);
        d->n++;
    }
    free(buf);
    if (rc < 0) {
        gt_fail(err, errsz, "%s: %s", path, gt_tsr_error(r));
        gt_tsr_close(r);
        gt_dataset_free(d);
        return -1;
    }
    gt_tsr_close(r);
    if (d->n == 0) {
        gt_dataset_free(d);
        return gt_fail(err, errsz, "%s: no examples", path);
    }
    d->hash = hs;
    return 0;
}

/* The examples i of D with pick[i] == want, in order, into OUT. */
static void subset(const gt_dataset *d, const uint8_t *pick, uint8_t want, gt_dataset *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0, tok = 0;
    for (size_t i = 0; i < d->n; i++)
        if (pick[i] == want) { n++; tok += d->off[i + 1] - d->off[i]; }
    out->ids = gt_xmalloc(sizeof(int32_t) * (tok ? tok : 1));
    out->off = gt_xmalloc(sizeof(size_t) * (n + 1));
    out->resp = gt_xmalloc(sizeof(uint32_t) * (n ? n : 1));
    out->off[0] = 0;
    uint64_t hs = 0x64617461ull;
    for (size_t i = 0; i < d->n; i++) {
        if (pick[i] != want) continue;
        size_t len = d->off[i + 1] - d->off[i], k = out->n;
        uint32_t resp = d->resp[i];
        memcpy(out->ids + out->tokens, d->ids + d->off[i], sizeof(int32_t) * len);
        out->tokens += len;
        out->off[k + 1] = out->tokens;
        out->resp[k] = resp;
        if (len > 1) out->labels += len - (resp > 1 ? resp : 1);
        if ((int)len > out->maxlen) out->maxlen = (int)len;
        hs = gt_hash64(d->ids + d->off[i], sizeof(int32_t) * len, hs);
        hs = gt_hash64(&resp, sizeof resp, hs);
        out->n++;
    }
    out->hash = hs;
}

void gt_dataset_split(const gt_dataset *all, size_t nval, uint64_t seed, gt_dataset *train, gt_dataset *val)
{
    size_t n = all->n;
    size_t *ord = gt_xmalloc(sizeof(size_t) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) ord[i] = i;
    uint64_t st = seed ^ 0x76616c73706c6974ull;    /* "valsplit" */
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(gt_splitmix64(&st) % i);
        size_t x = ord[i - 1]; ord[i - 1] = ord[j]; ord[j] = x;
    }
    uint8_t *pick = gt_xcalloc(n ? n : 1, 1);
    for (size_t i = 0; i < nval && i < n; i++) pick[ord[i]] = 1;
    subset(all, pick, 0, train);
    subset(all, pick, 1, val);
    free(pick);
    free(ord);
}

static const gt_dataset *sort_ds;
static int by_len(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    size_t lx = sort_ds->off[x + 1] - sort_ds->off[x], ly = sort_ds->off[y + 1] - sort_ds->off[y];
    if (lx != ly) return lx < ly ? 1 : -1;      /* longest first, as HF's length grouping */
    return x < y ? -1 : x > y;
}

static size_t below(uint64_t *s, size_t n) { return (size_t)(gt_splitmix64(s) % n); }

void gt_epoch_plan(gt_epoch *e, const gt_dataset *d, int micro, int window, uint64_t seed, long epoch)
{
    size_t n = d->n;
    uint64_t st = seed * 0x9e3779b97f4a7c15ull ^ (uint64_t)(epoch + 1) * 0xd1b54a32d192ed03ull;
    size_t *ord = gt_xmalloc(sizeof(size_t) * n);
    for (size_t i = 0; i < n; i++) ord[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = below(&st, i), t = ord[i - 1];
        ord[i - 1] = ord[j];
        ord[j] = t;
    }
    if (window > 0) {
        size_t w = ((size_t)window + (size_t)micro - 1) / (size_t)micro * (size_t)micro;
        sort_ds = d;
        for (size_t s = 0; s < n; s += w) qsort(ord + s, n - s < w ? n - s : w, sizeof(size_t), by_len);
    }
    size_t nb = (n + (size_t)micro - 1) / (size_t)micro;
    size_t *perm = gt_xmalloc(sizeof(size_t) * nb);
    for (size_t i = 0; i < nb; i++) perm[i] = i;
    if (window > 0)
        for (size_t i = nb; i > 1; i--) {
            size_t j = below(&st, i), t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
    e->ex = gt_xmalloc(sizeof(size_t) * n);
    e->start = gt_xmalloc(sizeof(size_t) * (nb + 1));
    e->nb = nb;
    size_t k = 0;
    for (size_t b = 0; b < nb; b++) {
        size_t s = perm[b] * (size_t)micro, end = s + (size_t)micro < n ? s + (size_t)micro : n;
        e->start[b] = k;
        for (size_t i = s; i < end; i++) e->ex[k++] = ord[i];
    }
    e->start[nb] = k;
    free(perm);
    free(ord);
}

void gt_epoch_free(gt_epoch *e)
{
    free(e->ex);
    free(e->start);
    memset(e, 0, sizeof *e);
}

int gt_batch_fill(const gt_dataset *d, const gt_epoch *e, size_t b, int32_t *tokens, uint8_t *mask, int32_t pad,
                  int *nseq)
{
    size_t s = e->start[b], end = e->start[b + 1];
    int T = 1;
    for (size_t i = s; i < end; i++) {
        size_t x = e->ex[i];
        int len = (int)(d->off[x + 1] - d->off[x]);
        if (len > T) T = len;
    }
    for (size_t i = s; i < end; i++) {
        size_t x = e->ex[i];
        int len = (int)(d->off[x + 1] - d->off[x]);
        int32_t *tk = tokens + (i - s) * (size_t)T;
        uint8_t *mk = mask + (i - s) * (size_t)T;
        for (int t = 0; t < T; t++) {
            tk[t] = t < len ? d->ids[d->off[x] + (size_t)t] : pad;
            mk[t] = t < len && (uint32_t)t >= d->resp[x];
        }
    }
    *nseq = (int)(end - s);
    return T;
}
