/* lines.c - see lines.h.
 *
 * Input lines are read in batches: up to 8 per worker, fewer when the next
 * line is not there yet; the output is flushed before waiting for one, so an
 * interactive pipe gets each abstract's titles at once. The
 * workers take the batch's lines as they come free, each writing its titles
 * (or why the line is skipped) into the line's own slot; then the slots go out
 * in input order. Each line's seed comes from its line number, so the titles
 * are the same whatever the number of workers. */
#include "gen/lines.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/input.h"
#include "io/output.h"
#include "io/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct {
    gt_titler *titler;      /* the caller's (worker 0), or OWN_TITLER */
    gt_titler own_titler;
    gt_gen *gen;
    gt_cleaner *cl;
    gt_rec rec;
    int own;                /* made here (else the caller's) */
} worker;

typedef struct {
    gt_buf line, name;      /* the line, and the file it came from */
    long lineno;
    int toolong;
    gt_out out;             /* its output line */
    char why[320];          /* or why it was skipped */
} slot;

/* Titles for slot S by worker W: its output line into S->out, or S->why */
static void run_slot(const gt_lines_opts *o, worker *w, slot *s)
{
    const char *line = s->line.p;
    size_t len = s->line.n;
    const char *why, *abs = NULL, *instr = o->instr ? o->instr : o->default_instr;
    char whybuf[300];
    size_t nabs = 0;
    const gt_cand *cands = NULL;
    int nc = 0;
    s->out.len = 0;
    s->why[0] = 0;
    if (s->toolong) {
        snprintf(whybuf, sizeof whybuf, "line longer than %zu bytes (see --max-line)", o->max_line);
        why = whybuf;
    } else {
        why = gt_titles_line_input(w->cl, o->text, o->instr != NULL, &w->rec, line, len, &abs, &nabs, &instr, whybuf,
                                   sizeof whybuf);
    }
    if (!why) {
        /* each line its own seed: the same titles whatever came before it */
        gt_gen_opts go = o->go;
        go.seed = o->go.seed ^ gt_hash64(&s->lineno, sizeof s->lineno, 0x7469746c65ULL);
        if (gt_titler_run(w->titler, &go, instr, strlen(instr), abs, nabs, &cands, &nc) != 0)
            why = gt_gen_error(w->gen);
    }
    if (why) {
        snprintf(s->why, sizeof s->why, "%s", why);
        if (!s->why[0]) snprintf(s->why, sizeof s->why, "generation failed");
        return;
    }
    if (o->text) gt_titles_write_text(&s->out, line, len, cands, nc, o->ids);
    else gt_titles_write_record(&s->out, &w->rec, cands, nc, o->ids);
}

static void worker_init(worker *w, const gt_lines_model *lm, int first)
{
    memset(w, 0, sizeof *w);
    gt_rec_init(&w->rec);
    gt_rec_keep_json(&w->rec);          /* any record with an abstract: its other fields pass through */
    if (first) {
        w->titler = lm->titler;
        w->gen = lm->titler->gen;
        w->cl = lm->cl;
        return;
    }
    char err[600];
    w->own = 1;
    if (!(w->gen = gt_gen_new(lm->model, lm->tok, err, sizeof err))) gt_die(EX_SOFTWARE, "%s", err);
    gt_titles_stop_at_eos(w->gen, lm->tok, lm->sp, lm->model);
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    w->cl = gt_cleaner_new(&co);
    w->own_titler = (gt_titler){ .tpl = lm->titler->tpl, .max_in = lm->titler->max_in,
                                 .tc = gt_tokctx_new_sized(lm->tok, 1), .gen = w->gen, .bos = lm->titler->bos };
    w->titler = &w->own_titler;
}

static void worker_free(worker *w)
{
    gt_rec_free(&w->rec);
    if (!w->own) return;
    gt_tokctx_free(w->own_titler.tc);
    gt_titler_free(&w->own_titler);
    gt_cleaner_free(w->cl);
    gt_gen_free(w->gen);
}

/* Fill up to CAP slots from IN with the lines of SHARD: at least one (0 at
 * the end), more while they are there without waiting. */
static int fill(gt_lines *in, gt_shard *shard, slot *sl, int cap)
{
    int n = 0;
    const char *line;
    size_t len;
    while (n < cap && (n == 0 || gt_lines_ready(in))) {
        int st = gt_lines_next(in, &line, &len);
        if (st == GT_READ_EOF) break;
        if (!gt_shard_take(shard)) continue;
        slot *s = &sl[n++];
        s->toolong = st == GT_READ_TOOLONG;
        s->lineno = gt_lines_lineno(in);
        s->line.n = s->name.n = 0;
        if (!s->toolong) gt_buf_add(&s->line, line, len);
        gt_buf_nul(&s->line);
        gt_buf_adds(&s->name, gt_lines_name(in));
        gt_buf_nul(&s->name);
    }
    return n;
}

int gt_lines_titles(const gt_lines_opts *o, const gt_lines_model *lm, char **files, int nfiles)
{
    int nw = o->workers > 1 ? o->workers : 1, cap = nw > 1 ? 8 * nw : 1;
    worker *w = gt_xcalloc((size_t)nw, sizeof *w);
    for (int i = 0; i < nw; i++) worker_init(&w[i], lm, i == 0);
    slot *sl = gt_xcalloc((size_t)cap, sizeof *sl);
    for (int i = 0; i < cap; i++) gt_out_init_mem(&sl[i].out);
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    int status = 0, stop = 0;
    uint64_t total = 0, bad = 0;
    double t_start = gt_now();
    gt_lines in;
    gt_lines_open(&in, files, nfiles, o->max_line, gt_progress_wanted(o->progress), &out);
    in.progress_mask = 0;                /* slow records: look at the clock after each */
    int n;
    gt_shard_begin_lines(o->shard, &out);
    while (!stop && (n = fill(&in, o->shard, sl, cap)) > 0) {
        int team = n < nw ? n : nw;
        if (team <= 1) {
            for (int i = 0; i < n; i++) run_slot(o, &w[0], &sl[i]);
        } else {
#ifdef _OPENMP
            /* the threads shared among the workers: a worker's inner products
             * get its share (a nested team, when that is more than one) */
            int per = o->threads / team > 1 ? o->threads / team : 1;
            if (per > 1 && omp_get_max_active_levels() < 2) omp_set_max_active_levels(2);
#pragma omp parallel for schedule(dynamic, 1) num_threads(team)
            for (int i = 0; i < n; i++) {
                omp_set_num_threads(per);
                run_slot(o, &w[omp_get_thread_num()], &sl[i]);
            }
#else
            for (int i = 0; i < n; i++) run_slot(o, &w[0], &sl[i]);
#endif
        }
        for (int i = 0; i < n && !stop; i++) {
            slot *s = &sl[i];
            total++;
            if (s->why[0]) {
                gt_out_flush(&out);
                gt_warnat(s->name.p, s->lineno, "%s", s->why);
                bad++;
                if (o->strict) { status = EX_DATAERR; stop = 1; }
                else gt_shard_skip_line(o->shard, &out);
                continue;
            }
            gt_out_write(&out, s->out.buf, s->out.len);
            gt_lines_progress(&in, total);
        }
        if (!gt_lines_ready(&in)) gt_out_flush(&out);     /* the titles out before waiting for more */
    }
    gt_lines_close(&in, total);
    if (!status) status = in.status;
    gt_out_flush(&out);
    gt_out_free(&out);
    for (int i = 1; i < nw; i++) gt_gen_add_totals(w[0].gen, w[i].gen);
    if (o->stats)
        gt_titles_stats(w[0].gen, total, "records", t_start, lm->quant, lm->model, lm->sp, lm->titler->bos);
    if (bad && !o->strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)bad, (unsigned long long)total);
        if (status == 0) status = EX_DATAERR;
    }
    for (int i = 0; i < cap; i++) {
        gt_buf_free(&sl[i].line);
        gt_buf_free(&sl[i].name);
        gt_out_free(&sl[i].out);
    }
    free(sl);
    for (int i = 0; i < nw; i++) worker_free(&w[i]);
    free(w);
    return status;
}
