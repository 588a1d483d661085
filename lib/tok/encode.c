/* encode.c - see encode.h. Each batch of lines is split among the threads in
 * runs of consecutive lines; every thread writes its records and messages to
 * its own buffers, which are then written in thread order, so the output is
 * the same for any number of threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "io/input.h"
#include "io/record.h"
#include "io/shard.h"
#include "tok/encode.h"
#include "tok/tokstream.h"

#define HIST_MAX 65536          /* lengths counted one by one up to here, longer ones together */
#define BATCH_BYTES ((size_t)4 << 20)
#define BATCH_LINES 16384       /* a thread */

typedef struct { size_t off, len; long lineno; int toolong; } lineref;

typedef struct {
    const gt_encoder *e;
    gt_tokctx *ctx;
    gt_rec rec;
    gt_ids ids;
    gt_buf full, out, msg;
    const char *fname;
    size_t from, to;            /* its lines of the batch */
    /* results */
    size_t stop_out;            /* --strict: output length at the first bad line */
    int stopped;
    gt_enc_counts n;            /* .lines unused */
    uint64_t *hist;
    uint32_t maxlen;
} worker;

struct gt_encoder {
    gt_enc_opts o;
    uint32_t width;             /* bytes an id in records */
    int nw;
    worker *ws;
    pthread_t *th;
    gt_buf lines;               /* the batch's text */
    gt_buf header;              /* the stream's header */
    lineref *lr;
    size_t nlr, lrcap;
    uint64_t lines_read;
};

gt_encoder *gt_enc_new(const gt_enc_opts *o, int jobs)
{
    gt_encoder *e = gt_xcalloc(1, sizeof *e);
    e->o = *o;
    e->width = (uint32_t)gt_ts_width((uint32_t)gt_tok_vocab_size(o->tok));
    e->nw = jobs;
    e->ws = gt_xcalloc((size_t)jobs, sizeof *e->ws);
    for (int i = 0; i < jobs; i++) {
        e->ws[i].e = e;
        e->ws[i].ctx = gt_tokctx_new(o->tok);
        gt_rec_init(&e->ws[i].rec);
        e->ws[i].hist = gt_xcalloc(HIST_MAX + 1, sizeof *e->ws[i].hist);
    }
    e->th = gt_xcalloc((size_t)jobs, sizeof *e->th);
    gt_ts_put_header_shard(&e->header, e->width, (uint32_t)gt_tok_vocab_size(o->tok), gt_tok_fingerprint(o->tok),
                           o->shard_k, o->shard_n);
    return e;
}

void gt_enc_free(gt_encoder *e)
{
    if (!e) return;
    for (int i = 0; i < e->nw; i++) {
        worker *w = &e->ws[i];
        gt_tokctx_free(w->ctx);
        gt_rec_free(&w->rec);
        gt_ids_free(&w->ids);
        gt_buf_free(&w->full); gt_buf_free(&w->out); gt_buf_free(&w->msg);
        free(w->hist);
    }
    free(e->ws); free(e->th); free(e->lr);
    gt_buf_free(&e->lines);
    gt_buf_free(&e->header);
    free(e);
}

/* --format ids under --shard: the line in place of a record without one (a
 * line of ids holds only digits and spaces). */
#define IDS_PLACEHOLDER "-"

uint64_t gt_enc_header(const gt_encoder *e, gt_out *out)
{
    if (e->o.ids_fmt && e->o.shard_n > 1) gt_shard_line_header(out, e->o.shard_k, e->o.shard_n, IDS_PLACEHOLDER);
    if (e->o.ids_fmt) return 0;
    gt_out_write(out, e->header.p, e->header.n);
    return GT_TS_HEADER;
}

/* ---- one thread's lines ---- */

/* "prog: FILE:LINE: " and FMT with A, kept for the thread's turn to write. */
static void msgf(worker *w, long lineno, const char *fmt, const char *a)
{
    char tmp[512];
    int n = snprintf(tmp, sizeof tmp, "%s: %s:%ld: ", gt_progname, w->fname, lineno);
    gt_buf_add(&w->msg, tmp, (size_t)n);
    n = snprintf(tmp, sizeof tmp, fmt, a);
    if (n >= (int)sizeof tmp) n = sizeof tmp - 1;
    gt_buf_add(&w->msg, tmp, (size_t)n);
    gt_buf_add(&w->msg, "\n", 1);
}

/* The example in w->ids as a record (response start RESP) or a line of ids. */
static void emit(worker *w, uint32_t resp)
{
    const gt_encoder *e = w->e;
    uint32_t n = (uint32_t)w->ids.n;
    if (e->o.ids_fmt) {
        char num[16];
        for (uint32_t i = 0; i < n; i++) {
            char *end = num + sizeof num, *q = end;
            uint32_t v = (uint32_t)w->ids.v[i];
            do { *--q = (char)('0' + v % 10); v /= 10; } while (v);
            if (i) *--q = ' ';
            gt_buf_add(&w->out, q, (size_t)(end - q));
        }
        gt_buf_add(&w->out, "\n", 1);
    } else {
        gt_ts_put_record(&w->out, e->width, w->ids.v, n, resp);
    }
    w->n.records++;
    w->n.tokens += n;
    w->hist[n < HIST_MAX ? n : HIST_MAX]++;
    if (n > w->maxlen) w->maxlen = n;
}

/* Encode the rendered example in w->full; marks: input start, input end,
 * prompt end (in: byte offsets, out: token indexes). Returns the total length. */
static size_t encode_full(worker *w, size_t *marks)
{
    const gt_enc_opts *o = &w->e->o;
    w->ids.n = 0;
    if (o->bos) gt_ids_push(&w->ids, o->bos_id);
    gt_tok_encode(w->ctx, w->full.p, w->full.n, &w->ids, marks, 3);
    if (o->eos) gt_ids_push(&w->ids, o->eos_id);
    return w->ids.n;
}

/* One pair: 0 ok (or dropped), -1 malformed. */
static int do_pair(worker *w, const char *line, size_t len, long lineno)
{
    const gt_enc_opts *o = &w->e->o;
    char why[200];
    if (gt_rec_parse(&w->rec, line, len, why, sizeof why) != 0) { msgf(w, lineno, "%s", why); return -1; }
    size_t ni, nin = 0, no;
    const char *instr = gt_rec_str(&w->rec, "instruction", &ni);
    const char *input = gt_rec_str(&w->rec, "input", &nin);
    const char *output = gt_rec_str(&w->rec, "output", &no);
    const char *missing = !instr ? "instruction" : !output ? "output" : NULL;
    if (!missing && !input && gt_rec_find(&w->rec, "input") >= 0 && w->rec.f[gt_rec_find(&w->rec, "input")].kind != GT_V_NULL)
        missing = "input";
    if (missing) { msgf(w, lineno, "no string \"%s\"", missing); return -1; }
    if (!input) { input = ""; nin = 0; }
    int with_input = nin > 0;
    if (o->cutoff > 0) nin = gt_tok_prefix_len(w->ctx, input, nin, (size_t)o->cutoff);   /* a huge input: only its start */
    size_t in0, in1;
    w->full.n = 0;
    size_t plen = gt_template_render(o->tpl, instr, ni, input, nin, with_input, &w->full, &in0, &in1);
    gt_buf_add(&w->full, output, no);
    size_t marks[3] = { in0, in1, plen };
    size_t total = encode_full(w, marks);
    size_t off = o->bos ? 1 : 0;
    if (o->cutoff > 0 && total > (size_t)o->cutoff) {
        size_t in_tokens = with_input ? marks[1] - marks[0] : 0;
        size_t fixed = total - in_tokens;
        if (fixed > (size_t)o->cutoff) {
            w->n.dropped++;
            if (!o->quiet) {
                char tmp[64];
                snprintf(tmp, sizeof tmp, "%zu", fixed);
                msgf(w, lineno, "example left out: %s tokens even without its input (see --cutoff-len)", tmp);
            }
            return 0;
        }
        size_t keep = (size_t)o->cutoff - fixed;
        for (;;) {
            /* byte offset in the input where token (input start + keep) begins */
            size_t k = marks[0] + keep;
            size_t cut = gt_tok_token_offset(w->ctx, w->full.p, w->full.n, k);
            cut = cut < in0 ? 0 : cut - in0;
            if (cut > nin) cut = nin;
            w->full.n = 0;
            plen = gt_template_render(o->tpl, instr, ni, input, cut, with_input, &w->full, &in0, &in1);
            gt_buf_add(&w->full, output, no);
            marks[0] = in0; marks[1] = in1; marks[2] = plen;
            total = encode_full(w, marks);
            if (total <= (size_t)o->cutoff) break;
            if (keep == 0 || cut == 0) {     /* cannot happen with sane templates */
                w->n.dropped++;
                return 0;
            }
            keep--;
        }
        w->n.shortened++;
    }
    emit(w, o->train_on_inputs ? 0 : (uint32_t)(marks[2] + off));
    return 0;
}

static void do_text(worker *w, const char *line, size_t len)
{
    const gt_enc_opts *o = &w->e->o;
    if (len == 0 && !o->ids_fmt) return;       /* empty document */
    w->ids.n = 0;
    if (o->bos) gt_ids_push(&w->ids, o->bos_id);
    gt_tok_encode(w->ctx, line, len, &w->ids, NULL, 0);
    if (o->eos) gt_ids_push(&w->ids, o->eos_id);
    emit(w, 0);
}

static void *work(void *arg)
{
    worker *w = arg;
    const gt_encoder *e = w->e;
    const gt_enc_opts *o = &e->o;
    for (size_t i = w->from; i < w->to; i++) {
        const lineref *l = &e->lr[i];
        int bad = 0;
        size_t out_before = w->out.n;
        if (l->toolong) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "%zu", o->max_line);
            msgf(w, l->lineno, "line longer than %s bytes (see --max-line)", tmp);
            bad = 1;
        } else if (o->text) {
            do_text(w, e->lines.p + l->off, l->len);
        } else {
            if (l->len == 0) continue;
            size_t before = w->msg.n;
            bad = do_pair(w, e->lines.p + l->off, l->len, l->lineno) != 0;
            if (bad && o->quiet && !o->strict) w->msg.n = before;
        }
        if (bad) {
            w->n.bad++;
            if (o->strict) { w->stopped = 1; w->stop_out = w->out.n; break; }
        }
        if (o->shard_n > 1 && w->out.n == out_before) {
            if (o->ids_fmt) gt_buf_add(&w->out, IDS_PLACEHOLDER "\n", sizeof IDS_PLACEHOLDER);
            else gt_buf_add(&w->out, e->header.p, e->header.n);
        }
    }
    return NULL;
}

/* ---- batches ---- */

int gt_enc_full(const gt_encoder *e)
{
    return e->lines.n >= BATCH_BYTES || e->nlr >= BATCH_LINES * (size_t)e->nw;
}

static int is_record(const gt_enc_opts *o, size_t len, int toolong) { return o->text || len || toolong; }

int gt_enc_is_record(const gt_encoder *e, int st, size_t len)
{
    return is_record(&e->o, st == GT_READ_LINE ? len : 0, st == GT_READ_TOOLONG);
}

void gt_enc_add(gt_encoder *e, int st, const char *line, size_t len, long lineno)
{
    if (e->nlr == e->lrcap) {
        e->lrcap = e->lrcap ? e->lrcap * 2 : 1024;
        e->lr = gt_xrealloc(e->lr, e->lrcap * sizeof *e->lr);
    }
    lineref *l = &e->lr[e->nlr++];
    l->off = e->lines.n;
    l->len = st == GT_READ_LINE ? len : 0;
    l->lineno = lineno;
    l->toolong = st == GT_READ_TOOLONG;
    if (st == GT_READ_LINE) gt_buf_add(&e->lines, line, len);
}

/* Each record's offset in the stream (the records are self-delimiting; the
 * headers of --shard's placeholders are skipped). */
static void index_records(gt_buf *idx, const gt_buf *out, size_t n, uint32_t width, uint64_t base)
{
    for (size_t o = 0; o + 8 <= n;) {
        const unsigned char *q = (const unsigned char *)out->p + o;
        if (memcmp(q, GT_TS_MAGIC, 8) == 0) { o += GT_TS_HEADER; continue; }
        uint32_t cnt = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
        gt_tsidx_put_offset(idx, base + o);
        o += 8 + (size_t)cnt * width;
    }
}

int gt_enc_run(gt_encoder *e, const char *fname, gt_out *out, gt_buf *idx, uint64_t *written)
{
    /* split the batch in runs of lines among the threads */
    size_t per = e->nlr / (size_t)e->nw + 1, a = 0;
    int used = 0;
    for (int i = 0; i < e->nw; i++) {
        worker *w = &e->ws[i];
        size_t b = a + per < e->nlr ? a + per : e->nlr;
        w->fname = fname;
        w->from = a; w->to = b;
        w->out.n = 0; w->msg.n = 0; w->stopped = 0;
        a = b;
        if (w->from < w->to) used = i + 1;
    }
    for (int i = 1; i < used; i++)
        if (pthread_create(&e->th[i], NULL, work, &e->ws[i]) != 0) gt_die(EX_OSERR, "cannot start a thread");
    if (used > 0) work(&e->ws[0]);
    for (int i = 1; i < used; i++) pthread_join(e->th[i], NULL);
    int stop = 0;
    for (int i = 0; i < used; i++) {
        worker *w = &e->ws[i];
        if (w->msg.n) { gt_out_flush(out); fwrite(w->msg.p, 1, w->msg.n, stderr); }
        size_t wn = w->stopped ? w->stop_out : w->out.n;
        if (idx) index_records(idx, &w->out, wn, e->width, *written);
        *written += wn;
        gt_out_write(out, w->out.p, wn);
        if (w->stopped) { stop = 1; break; }
    }
    for (size_t i = 0; i < e->nlr; i++)
        if (is_record(&e->o, e->lr[i].len, e->lr[i].toolong)) e->lines_read++;
    e->lines.n = 0;
    e->nlr = 0;
    return stop;
}

/* ---- counts ---- */

gt_enc_counts gt_enc_counts_of(const gt_encoder *e)
{
    gt_enc_counts c = { .lines = e->lines_read };
    for (int i = 0; i < e->nw; i++) {
        const gt_enc_counts *n = &e->ws[i].n;
        c.records += n->records; c.bad += n->bad; c.shortened += n->shortened; c.dropped += n->dropped;
        c.tokens += n->tokens;
    }
    return c;
}

/* The length at quantile Q of N examples (H: the histogram). */
static uint64_t pct(const uint64_t *h, uint64_t n, double q, uint32_t maxlen)
{
    uint64_t want = (uint64_t)(q * (double)(n - 1)) + 1, acc = 0;
    for (uint32_t i = 0; i <= HIST_MAX; i++) {
        acc += h[i];
        if (acc >= want) return i == HIST_MAX ? maxlen : i;
    }
    return maxlen;
}

void gt_enc_print_stats(const gt_encoder *e)
{
    gt_enc_counts c = gt_enc_counts_of(e);
    if (c.records == 0) {
        gt_warn("0 examples");
    } else {
        uint32_t maxlen = 0;
        uint64_t *hist = gt_xcalloc(HIST_MAX + 1, sizeof *hist);
        for (int i = 0; i < e->nw; i++) {
            if (e->ws[i].maxlen > maxlen) maxlen = e->ws[i].maxlen;
            for (size_t k = 0; k <= HIST_MAX; k++) hist[k] += e->ws[i].hist[k];
        }
        uint32_t mn = 0;
        while (hist[mn] == 0) mn++;
        gt_warn("%llu examples, %llu tokens, mean %.1f; length min %u p50 %llu p90 %llu p95 %llu p99 %llu max %u",
                (unsigned long long)c.records, (unsigned long long)c.tokens, (double)c.tokens / (double)c.records, mn,
                (unsigned long long)pct(hist, c.records, 0.50, maxlen), (unsigned long long)pct(hist, c.records, 0.90, maxlen),
                (unsigned long long)pct(hist, c.records, 0.95, maxlen), (unsigned long long)pct(hist, c.records, 0.99, maxlen),
                maxlen);
        free(hist);
    }
    if (e->o.cutoff)
        gt_warn("--cutoff-len %ld: %llu inputs shortened, %llu examples left out", e->o.cutoff,
                (unsigned long long)c.shortened, (unsigned long long)c.dropped);
}
