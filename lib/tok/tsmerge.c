/* tsmerge.c - see tsmerge.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "io/file.h"
#include "io/shard.h"
#include "tok/tsmerge.h"

typedef struct {
    gt_buf *idx, rec;           /* index entries, or NULL; a record's bytes */
    uint64_t *written;
    uint32_t width;
} merge_out;

/* One shard's stream, as units for gt_shard_merge. */
typedef struct {
    gt_tsr *r;
    const char *name;
    merge_out *m;
    uint64_t marks;             /* placeholders (headers) before the pending record */
    int pending;                /* a record read, not yet given */
    int32_t *ids;
    size_t cap;
    uint32_t n, resp;
} ts_src;

static int ts_next(void *src, gt_out *out)
{
    ts_src *s = src;
    for (;;) {
        if (s->marks) { s->marks--; return 1; }
        if (s->pending) {
            s->pending = 0;
            if (out) {
                merge_out *m = s->m;
                m->rec.n = 0;
                gt_ts_put_record(&m->rec, m->width, s->ids, s->n, s->resp);
                if (m->idx) gt_tsidx_put_offset(m->idx, *m->written);
                gt_out_write(out, m->rec.p, m->rec.n);
                *m->written += m->rec.n;
            }
            return 1;
        }
        uint64_t from = gt_tsr_offset(s->r);
        int st = gt_tsr_next(s->r, &s->ids, &s->cap, &s->n, &s->resp);
        if (st < 0) {
            gt_warnat(s->name, 0, "%s", gt_tsr_error(s->r));
            return strncmp(gt_tsr_error(s->r), "read error", 10) == 0 ? -EX_IOERR : -EX_DATAERR;
        }
        /* the headers gt_tsr_next went past: before the record, or before the end */
        s->marks = ((st == 1 ? gt_tsr_last_offset(s->r) : gt_tsr_offset(s->r)) - from) / GT_TS_HEADER;
        s->pending = st == 1;
        if (!s->marks && !s->pending) return 0;
    }
}

/* Open shard I of N's stream into S[I]: its header says so (or, N 1, it is
 * not a shard's), and has shard 0's tokenizer. 0, or an exit status. */
static int open_src(ts_src *s, char *const *files, int i, int n, merge_out *m)
{
    char err[300];
    s[i].name = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
    s[i].m = m;
    if (!(s[i].r = gt_tsr_open(files[i], err, sizeof err))) {
        gt_warnat(s[i].name, 0, "%s", err);
        return strcmp(files[i], "-") == 0 ? EX_DATAERR : gt_file_status(files[i]);
    }
    const gt_ts_header *h = gt_tsr_header(s[i].r), *h0 = gt_tsr_header(s[0].r);
    if ((h->shard_n || n > 1) && (h->shard_n != (uint32_t)n || h->shard_k != (uint32_t)i)) {
        if (h->shard_n) gt_warnat(s[i].name, 0, "the stream of shard %u/%u, given as shard %d/%d", h->shard_k, h->shard_n, i, n);
        else gt_warnat(s[i].name, 0, "not the stream of a shard (tok-encode --shard %d/%d)", i, n);
        return EX_DATAERR;
    }
    if (h->fingerprint != h0->fingerprint || h->width != h0->width || h->vocab != h0->vocab) {
        gt_warnat(s[i].name, 0, "made with another tokenizer than %s (fingerprint %016llx, %s's %016llx)", s[0].name,
                  (unsigned long long)h->fingerprint, s[0].name, (unsigned long long)h0->fingerprint);
        return EX_DATAERR;
    }
    return 0;
}

int gt_ts_shard_merge(char *const *files, int nfiles, gt_out *out, gt_buf *idx, uint64_t *written, gt_ts_header *h)
{
    ts_src *s = gt_xcalloc((size_t)nfiles, sizeof *s);
    void **srcs = gt_xcalloc((size_t)nfiles, sizeof *srcs);
    const char **names = gt_xcalloc((size_t)nfiles, sizeof *names);
    merge_out m = { .idx = idx, .written = written };
    int status = 0;
    for (int i = 0; i < nfiles && !status; i++) {
        status = open_src(s, files, i, nfiles, &m);
        srcs[i] = &s[i];
        names[i] = s[i].name;
    }
    if (!status) {
        *h = *gt_tsr_header(s[0].r);
        m.width = h->width;
        gt_buf hb = { 0 };
        gt_ts_put_header(&hb, h->width, h->vocab, h->fingerprint);
        gt_out_write(out, hb.p, hb.n);
        *written = hb.n;
        gt_buf_free(&hb);
        status = gt_shard_merge(srcs, names, nfiles, ts_next, out);
    }
    for (int i = 0; i < nfiles; i++) {
        if (s[i].r) gt_tsr_close(s[i].r);
        free(s[i].ids);
    }
    gt_buf_free(&m.rec);
    free(s);
    free(srcs);
    free(names);
    return status;
}
