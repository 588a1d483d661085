/* run.c - one training run (see run.h). */
#include "train/run.h"
#include "train/checkpoint.h"
#include "train/dist.h"
#include "train/export.h"
#include "nn/gguf.h"
#include "nn/gguf_tok.h"
#include "nn/safetensors.h"
#include "tok/tokenizer.h"
#include "core/rand.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CKPT_FILE "checkpoint.safetensors"

/* ---------------------------------------------------------------- signals */

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
    if (g_stop) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_stop = sig;
}

void gt_run_catch_signals(void)
{
    gt_catch_signals(on_stop, 0);
}

/* ---------------------------------------------------------------- setting up */

static void hp_add(gt_run *r, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void hp_add(gt_run *r, const char *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(r->hp.key[r->hp.n], sizeof r->hp.key[0], "%s", k);
    vsnprintf(r->hp.val[r->hp.n], sizeof r->hp.val[0], fmt, ap);
    va_end(ap);
    r->hp.n++;
}

static void mkdir_or_die(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
}

static void load_stream(gt_dataset *d, const char *path, const gt_model *m, int limit, const char *what,
                        const uint64_t *fp)
{
    char err[600];
    if (strcmp(path, "-") == 0 && gt_dist_size() > 1)
        gt_die(EX_USAGE, "-: under MPI every rank reads the stream from a file (the same one), not standard input");
    if (strcmp(path, "-") != 0 && access(path, R_OK) != 0)
        gt_die(EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (gt_dataset_load(d, path, m->c.vocab_size, limit, what, fp, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
}

/* The fingerprint of the model's tokenizer (a GGUF file's metadata, or the
 * folder's tokenizer file) into *FP: 1, or 0 when it has none. */
static int model_tokenizer(const char *model, uint64_t *fp)
{
    if (gt_is_gguf(model)) {
        char err[600];
        gt_tok *tk = gt_model_tok(model, err, sizeof err);
        if (!tk) gt_die(EX_DATAERR, "%s", err);
        *fp = gt_tok_fingerprint(tk);
        gt_tok_free(tk);
        return 1;
    }
    const char *names[] = { "tokenizer.model", "tokenizer.json" };
    for (int i = 0; i < 2; i++) {
        char p[4200], err[600];
        snprintf(p, sizeof p, "%s/%s", model, names[i]);
        if (access(p, R_OK) != 0) continue;
        gt_tok *tk = gt_tok_load(p, err, sizeof err);
        if (!tk) gt_die(EX_DATAERR, "%s: %s", p, err);
        *fp = gt_tok_fingerprint(tk);
        gt_tok_free(tk);
        return 1;
    }
    return 0;
}

/* The settings a resumed run must share. */
static void record_settings(gt_run *r, size_t n_all, uint64_t hash_all)
{
    const gt_run_opts *o = r->o;
    const gt_config *mc = &r->m->c;
    hp_add(r, "model", "dim %d hidden %d layers %d heads %d/%d vocab %d", mc->dim, mc->hidden_dim, mc->n_layers,
           mc->n_heads, mc->n_kv_heads, mc->vocab_size);
    hp_add(r, "train", "%zu examples, hash %016llx", n_all, (unsigned long long)hash_all);
    hp_add(r, "val-set-size", "%ld", o->val_size);
    hp_add(r, "full", "%d", o->full);
    hp_add(r, "load-8bit", "%d", o->load_8bit);
    hp_add(r, "exact", "%d", o->exact);
    if (!o->full) {
        hp_add(r, "lora-r", "%d", o->lora.r);
        hp_add(r, "lora-alpha", "%.7g", (double)o->lora.alpha);
        hp_add(r, "lora-dropout", "%.7g", (double)o->lora.dropout);
        char tl[256] = "";
        for (int w = 0; w < GT_PROJ_N; w++)
            if (o->lora.targets >> w & 1)
                snprintf(tl + strlen(tl), sizeof tl - strlen(tl), "%s%s", tl[0] ? "," : "", gt_projs[w].name);
        hp_add(r, "lora-target", "%s", tl);
    }
    hp_add(r, "batch-size", "%d", o->batch);
    hp_add(r, "micro-batch-size", "%d", o->micro);
    hp_add(r, "num-epochs", "%d", o->epochs);
    hp_add(r, "max-steps", "%ld", o->max_steps);
    hp_add(r, "learning-rate", "%.9g", o->lr);
    hp_add(r, "cutoff-len", "%d", o->cutoff);
    hp_add(r, "warmup-steps", "%d", o->warmup);
    hp_add(r, "lr-schedule", "%s",
           o->sched == GT_SCHED_LINEAR ? "linear" : o->sched == GT_SCHED_COSINE ? "cosine" : "constant");
    hp_add(r, "weight-decay", "%.9g", o->wd);
    hp_add(r, "max-grad-norm", "%.9g", o->max_norm);
    hp_add(r, "seed", "%llu", (unsigned long long)o->seed);
    hp_add(r, "group-window", "%d", o->group_window);
}

/* Are V[2] (a count and a hash) rank 0's on this rank? (Every rank asks.) */
static int same_as_rank0(const uint64_t v[2], uint64_t rank0[2])
{
    int n = gt_dist_size(), me = gt_dist_rank();
    uint64_t *all = gt_xmalloc(sizeof(uint64_t) * 2 * (size_t)n);
    gt_dist_allgather_u64(v, 2, all);
    rank0[0] = all[0], rank0[1] = all[1];
    int same = all[2 * me] == all[0] && all[2 * me + 1] == all[1];
    free(all);
    return same;
}

/* Every rank reads the same examples: stream NAME's count and hash (of its
 * ids) equal rank 0's, else the rank that differs ends the run. */
static void same_stream(const char *name, const gt_dataset *d)
{
    if (gt_dist_size() == 1) return;
    uint64_t mine[2] = { d->n, d->hash }, r0[2];
    if (!same_as_rank0(mine, r0))
        gt_die(EX_DATAERR, "%s: not the stream rank 0 reads (%llu examples, hash %016llx; rank 0: %llu, %016llx): "
               "every rank must read the same file (a shared file system)", name, (unsigned long long)mine[0],
               (unsigned long long)mine[1], (unsigned long long)r0[0], (unsigned long long)r0[1]);
    gt_dist_barrier();      /* a rank that differs ends them all before any goes on */
}

/* Every rank holds rank 0's weights (each took the same steps on the same
 * summed gradients), checked before rank 0 writes them: else the run ends. */
static void same_weights(const gt_run *r)
{
    if (r->nproc == 1) return;
    uint64_t mine[2] = { (uint64_t)r->step, gt_hash64(r->t.params, sizeof(float) * r->t.n_params, 0) }, r0[2];
    if (!same_as_rank0(mine, r0))
        gt_die(EX_SOFTWARE, "step %ld: the trained weights differ from rank 0's (the ranks' all-reduced gradients "
               "were not the same)", r->step);
    gt_dist_barrier();
}

void gt_run_prepare(gt_run *r, const gt_run_opts *o, gt_model *m, int show)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    r->m = m;
    r->rank = gt_dist_rank();
    r->nproc = gt_dist_size();
    r->show = show && r->rank == 0;
    /* the model's tokenizer, when it has one: the streams must come from it */
    uint64_t fp = 0;
    int have_fp = model_tokenizer(o->model, &fp);
    int limit = o->cutoff;
    char what[96];
    snprintf(what, sizeof what, "--cutoff-len %d", o->cutoff);
    if (m->c.max_pos < limit) {
        limit = m->c.max_pos;
        snprintf(what, sizeof what, "the model's max_position_embeddings %d", limit);
    }
    load_stream(&r->tr, o->train, m, limit, what, have_fp ? &fp : NULL);
    if (o->val) load_stream(&r->va, o->val, m, limit, what, have_fp ? &fp : NULL);
    same_stream(o->train, &r->tr);
    if (o->val) same_stream(o->val, &r->va);
    r->val_name = o->val ? o->val : o->train;
    size_t n_all = r->tr.n;
    uint64_t hash_all = r->tr.hash;
    if (o->val_size > 0) {
        if ((size_t)o->val_size >= r->tr.n)
            gt_die(EX_DATAERR, "--val-set-size %ld: %s has only %zu examples (at least one must be left to train on)",
                   o->val_size, o->train, r->tr.n);
        gt_dataset all = r->tr;
        gt_dataset_split(&all, (size_t)o->val_size, o->seed, &r->tr, &r->va);
        gt_dataset_free(&all);
    }
    r->accum = o->batch / o->micro;
    r->nb = (r->tr.n + (size_t)o->micro - 1) / (size_t)o->micro;
    r->spe = (long)((r->nb + (size_t)r->accum - 1) / (size_t)r->accum);
    r->total = o->max_steps > 0 ? o->max_steps : (long)o->epochs * r->spe;
    if (r->nproc > r->accum && r->rank == 0)
        gt_warn("%d micro-batches a step (--batch-size / --micro-batch-size) for %d processes: %d of them idle",
                r->accum, r->nproc, r->nproc - r->accum);
    record_settings(r, n_all, hash_all);
}

/* ---------------------------------------------------------------- checkpoints */

/* OUT/checkpoint-STEP: the trained weights as written at the end, and
 * checkpoint.safetensors with them, the AdamW moments and the run's state. */
static void save_checkpoint(gt_run *r, char *dirout, size_t dn)
{
    const gt_run_opts *o = r->o;
    gt_train *t = &r->t;
    snprintf(dirout, dn, "%s/checkpoint-%ld", o->out, r->step);
    same_weights(r);
    gt_dist_gather_shares_f32(r->adam.m, t->n_params);     /* each rank updated its share */
    gt_dist_gather_shares_f32(r->adam.v, t->n_params);
    if (r->rank != 0) return;       /* the others' state is the same */
    mkdir_or_die(dirout);
    gt_export(t, dirout, o->model, o->config, o->dtype, o->adapter_dt);
    int nt = t->ntp * 3;
    gt_stw_tensor *ts = gt_xcalloc((size_t)nt, sizeof *ts);
    char (*names)[128] = gt_xcalloc((size_t)nt, sizeof *names);
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        const float *src[3] = { t->params + p->off, r->adam.m + p->off, r->adam.v + p->off };
        const char *pre[3] = { "param.", "adam.exp_avg.", "adam.exp_avg_sq." };
        for (int k = 0; k < 3; k++) {
            gt_stw_tensor *x = &ts[k * t->ntp + i];
            snprintf(names[k * t->ntp + i], sizeof names[0], "%s%s", pre[k], p->name);
            x->name = names[k * t->ntp + i];
            x->data = src[k];
            x->ndim = p->cols ? 2 : 1;
            x->shape[0] = p->rows;
            x->shape[1] = p->cols;
        }
    }
    const char *keys[GT_RUN_MAXHP + 16], *vals[GT_RUN_MAXHP + 16];
    char sv[8][64];
    int nm = 0;
    keys[nm] = "format"; vals[nm++] = "pt";
    keys[nm] = "gentitle.format"; vals[nm++] = "gentitle-checkpoint 1";
    snprintf(sv[0], sizeof sv[0], "%ld", r->step);
    keys[nm] = "step"; vals[nm++] = sv[0];
    snprintf(sv[1], sizeof sv[1], "%ld", r->adam.step);
    keys[nm] = "adam.step"; vals[nm++] = sv[1];
    snprintf(sv[2], sizeof sv[2], "%ld", r->step / r->spe);
    keys[nm] = "data.epoch"; vals[nm++] = sv[2];
    snprintf(sv[3], sizeof sv[3], "%ld", (r->step % r->spe) * r->accum);
    keys[nm] = "data.micro_batch"; vals[nm++] = sv[3];
    snprintf(sv[4], sizeof sv[4], "splitmix64 seed %llu", (unsigned long long)o->seed);
    keys[nm] = "rng"; vals[nm++] = sv[4];
    snprintf(sv[5], sizeof sv[5], "%ld", r->total);
    keys[nm] = "total_steps"; vals[nm++] = sv[5];
    static char hk[GT_RUN_MAXHP][48];
    for (int i = 0; i < r->hp.n; i++) {
        snprintf(hk[i], sizeof hk[i], "hp.%s", r->hp.key[i]);
        keys[nm] = hk[i];
        vals[nm++] = r->hp.val[i];
    }
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/" CKPT_FILE, dirout);
    if (gt_st_write(path, ts, nt, keys, vals, nm, 1, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    free(ts);
    free(names);
    gt_run_catch_signals();     /* gt_atomic_open installs its own on first use */
}

/* Is the checkpoint's value V of setting K (NULL: absent) the run's? Ends the
 * process when not. */
static void check_setting(const char *path, const char *k, const char *v, const char *now)
{
    if (!v && (strcmp(k, "val-set-size") == 0 || strcmp(k, "load-8bit") == 0))
        v = "0";    /* checkpoints made before these options */
    if (!v) gt_die(EX_DATAERR, "%s: lacks setting '%s'", path, k);
    if (strcmp(v, now) == 0) return;
    if (strcmp(k, "train") == 0 || strcmp(k, "model") == 0)
        gt_die(EX_DATAERR, "--resume: the checkpoint was made with another %s (%s, now %s)",
               k[0] == 't' ? "training stream" : "model", v, now);
    gt_die(EX_DATAERR, "--resume: the checkpoint was made with --%s %s, not %s (hyperparameters must not change)", k,
           v, now);
}

/* The state of checkpoint folder O->resume, made with the same settings. */
static void load_checkpoint(gt_run *r)
{
    const gt_run_opts *o = r->o;
    gt_train *t = &r->t;
    char path[4200], err[600];
    snprintf(path, sizeof path, "%s/" CKPT_FILE, o->resume);
    if (access(path, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    gt_ckpt c;
    if (gt_ckpt_read(path, &c, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    const char *f = gt_ckpt_meta(&c, "gentitle.format");
    if (!f || strcmp(f, "gentitle-checkpoint 1") != 0) gt_die(EX_DATAERR, "%s: not a gentitle checkpoint", path);
    for (int i = 0; i < r->hp.n; i++) {
        char k[64];
        snprintf(k, sizeof k, "hp.%s", r->hp.key[i]);
        check_setting(path, r->hp.key[i], gt_ckpt_meta(&c, k), r->hp.val[i]);
    }
    const char *s = gt_ckpt_meta(&c, "step"), *as = gt_ckpt_meta(&c, "adam.step");
    if (!s || !as) gt_die(EX_DATAERR, "%s: lacks the step", path);
    r->step = atol(s);
    r->adam.step = atol(as);
    if (r->step < 0 || r->step > r->total) gt_die(EX_DATAERR, "%s: bad step %s", path, s);
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        float *dst[3] = { t->params + p->off, r->adam.m + p->off, r->adam.v + p->off };
        const char *pre[3] = { "param.", "adam.exp_avg.", "adam.exp_avg_sq." };
        for (int k = 0; k < 3; k++) {
            char nm[160];
            snprintf(nm, sizeof nm, "%s%s", pre[k], p->name);
            const gt_ck_tensor *x = gt_ckpt_tensor(&c, nm);
            if (!x) gt_die(EX_DATAERR, "%s: lacks tensor '%s'", path, nm);
            if (x->numel != p->numel) gt_die(EX_DATAERR, "%s: tensor '%s' has the wrong size", path, nm);
            memcpy(dst[k], x->data, sizeof(float) * p->numel);
        }
    }
    gt_ckpt_free(&c);
}

void gt_run_start(gt_run *r)
{
    const gt_run_opts *o = r->o;
    char err[600];
    int maxT = r->tr.maxlen > r->va.maxlen ? r->tr.maxlen : r->va.maxlen;
    if (maxT < 2) maxT = 2;
    gt_train_opts to = { .full = o->full, .lora = o->lora, .seed = o->seed, .exact = o->exact,
                           .checkpoint = o->checkpoint };
    if (gt_train_init(&r->t, r->m, &to, o->micro, maxT, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    if (gt_adamw_init(&r->adam, r->t.n_params, 0.9f, 0.999f, 1e-8f) != 0) gt_die(EX_SOFTWARE, "out of memory for AdamW");
    if (o->resume) load_checkpoint(r);     /* before anything is written */
    if (r->rank == 0) mkdir_or_die(o->out);
    if (o->log && r->rank == 0) {
        int fd = open(o->log, O_WRONLY | O_CREAT | (o->resume ? O_APPEND : O_TRUNC), 0644);
        if (fd < 0) gt_die(EX_IOERR, "%s: cannot create: %s", o->log, strerror(errno));
        gt_out_init(&r->log, fd, o->log);
        r->log_on = 1;
    }
    gt_run_catch_signals();
    size_t cap = (size_t)o->micro * (size_t)maxT;
    r->tok = gt_xmalloc(sizeof(int32_t) * cap);
    r->mask = gt_xmalloc(cap);
}

/* ---------------------------------------------------------------- progress */

static void fmt_time(char *b, size_t n, double s)
{
    if (!(s >= 0) || s > 1e8) { snprintf(b, n, "?"); return; }
    long x = (long)(s + 0.5);
    snprintf(b, n, "%ld:%02ld:%02ld", x / 3600, x / 60 % 60, x % 60);
}

static void log_num(gt_out *o, const char *k, double v)
{
    char b[64];
    if (isfinite(v)) snprintf(b, sizeof b, ",\"%s\":%.7g", k, v);
    else snprintf(b, sizeof b, ",\"%s\":null", k);
    gt_out_str(o, b);
}

/* A log entry of TYPE at the current step: its start ({"type", "step",
 * "epoch"}), then the caller's log_num fields, then log_end. */
static void log_begin(gt_run *r, const char *type)
{
    char b[128];
    snprintf(b, sizeof b, "{\"type\":\"%s\",\"step\":%ld", type, r->step);
    gt_out_str(&r->log, b);
    log_num(&r->log, "epoch", (double)r->step / (double)r->spe);
    log_num(&r->log, "world_size", r->nproc);
}

static void log_end(gt_run *r)
{
    gt_out_str(&r->log, "}\n");
    gt_out_flush(&r->log);
}

/* Validation loss: mean over every counted token of the set, no dropout
 * (micro-batch b on rank b mod N, the sums summed over the ranks). */
static double evaluate(gt_run *r, double *ntok)
{
    gt_epoch e;
    gt_epoch_plan(&e, &r->va, r->o->micro, 0, 0, 0);
    double sum = 0, cnt = 0;
    for (size_t b = (size_t)r->rank; b < e.nb; b += (size_t)r->nproc) {
        int nseq;
        int T = gt_batch_fill(&r->va, &e, b, r->tok, r->mask, 0, &nseq);
        double loss;
        int c = gt_train_step(&r->t, r->tok, r->mask, nseq, T, 0, 0, 1.0f, &loss);
        if (c < 0) gt_die(EX_DATAERR, "%s: %s", r->val_name, r->t.err);
        sum += loss * c;
        cnt += c;
    }
    gt_epoch_free(&e);
    double s2[2] = { sum, cnt };
    gt_dist_sum_f64(s2, 2);
    sum = s2[0], cnt = s2[1];
    *ntok = cnt;
    return cnt > 0 ? sum / cnt : NAN;
}

static void do_eval(gt_run *r)
{
    double n, vl = evaluate(r, &n);
    if (r->show) fprintf(stderr, "%s: step %ld/%ld val_loss %.4f (%.0f tokens)\n", gt_progname, r->step, r->total, vl, n);
    if (r->log_on) {
        log_begin(r, "eval");
        log_num(&r->log, "val_loss", vl);
        log_num(&r->log, "val_tokens", n);
        log_end(r);
    }
}

/* ---------------------------------------------------------------- the loop */

/* This rank's micro-batches of B0..B1 of epoch plan EP (b - B0 = rank mod
 * N), gradients accumulated (each scaled by 1 / (B1 - B0)): the sum of their
 * losses; *NTOK gets the counted label tokens, *NIN the tokens read. */
static double accumulate(gt_run *r, const gt_epoch *ep, size_t b0, size_t b1, long *ntok, long *nin)
{
    const gt_run_opts *o = r->o;
    double lsum = 0;
    float scale = 1.0f / (float)(b1 - b0);
    for (size_t b = b0 + (size_t)r->rank; b < b1; b += (size_t)r->nproc) {
        int nseq;
        int T = gt_batch_fill(&r->tr, ep, b, r->tok, r->mask, 0, &nseq);
        uint64_t ds = 0;
        if (!o->full && o->lora.dropout > 0) {
            uint64_t st = o->seed ^ (uint64_t)r->step * GT_GOLDEN64 ^ (uint64_t)(b - b0 + 1) * 0xd6e8feb86659fd93ull;
            ds = gt_splitmix64(&st) | 1;
        }
        double loss;
        int cnt = gt_train_step(&r->t, r->tok, r->mask, nseq, T, 1, ds, scale, &loss);
        if (cnt < 0) gt_die(EX_DATAERR, "%s: %s", o->train, r->t.err);
        lsum += loss;
        *ntok += cnt;
        for (int i = 0; i < nseq; i++)
            *nin += (long)(r->tr.off[ep->ex[ep->start[b] + (size_t)i] + 1] - r->tr.off[ep->ex[ep->start[b] + (size_t)i]]);
    }
    return lsum;
}

/* The step's gradients summed over the ranks, each rank's share of them
 * (the reduce-scatter half of an all-reduce: optimizer_step needs no more),
 * and its numbers: *LOSS the mean over the step's B1 - B0 micro-batches; the
 * signal that stops the run when any rank got one. */
static int reduce_step(gt_run *r, size_t nmb, double *loss, long *ntok, long *nin)
{
    int sig = g_stop;
    if (r->nproc == 1) { *loss /= (double)nmb; return sig; }
    double t0 = gt_now();
    gt_dist_sum_shares_f32(r->t.grads, r->t.n_params);    /* each rank updates its share */
    r->reduce_s = gt_now() - t0;
    double s[4] = { *loss, (double)*ntok, (double)*nin, (double)sig };
    gt_dist_sum_f64(s, 4);
    *loss = s[0] / (double)nmb;
    *ntok = (long)s[1];
    *nin = (long)s[2];
    return s[3] > 0 ? SIGTERM : 0;
}

/* The optimizer step on the summed gradients, at learning rate LR, split over
 * the ranks (ZeRO stage 1's split): each clips and updates its share of the
 * parameters (train/dist.h's gt_dist_share; the gradient norm from the
 * shares' sums of squares), then every rank gets every share. Its AdamW
 * moments are kept for its share only, gathered for a checkpoint. The update
 * is the one process's: per parameter, the same numbers. Returns the
 * gradients' norm before clipping. */
static double optimizer_step(gt_run *r, double lr)
{
    gt_train *t = &r->t;
    size_t lo, hi;
    gt_dist_share(t->n_params, r->rank, r->nproc, &lo, &hi);
    double ss = gt_grad_sumsq(t->grads + lo, hi - lo);
    gt_dist_sum_f64(&ss, 1);
    double norm = sqrt(ss);
    if (r->o->max_norm > 0) gt_grad_clip(t->grads + lo, hi - lo, norm, r->o->max_norm);
    gt_adamw_begin(&r->adam);
    gt_train_adamw_range(t, &r->adam, (float)lr, (float)r->o->wd, lo, hi);
    double t0 = gt_now();
    gt_dist_gather_shares_f32(t->params, t->n_params);
    r->reduce_s += gt_now() - t0;
    return norm;
}

/* The progress line and the log entry of the step just taken. */
static void report_step(gt_run *r, double loss, double lr, double gnorm, long ntok, long nin)
{
    double el = gt_now() - r->t0;
    double tps = el > 0 ? r->tokens_done / el : 0;
    double eta = (double)(r->total - r->step) * el / (double)(r->step - r->step0);
    if (r->show) {
        char es[32];
        fmt_time(es, sizeof es, eta);
        fprintf(stderr, "%s: step %ld/%ld epoch %.2f loss %.4f lr %.3g grad_norm %.3g tok/s %.0f eta %s\n",
                gt_progname, r->step, r->total, (double)r->step / (double)r->spe, loss, lr, gnorm, tps, es);
    }
    if (r->log_on) {
        log_begin(r, "train");
        log_num(&r->log, "loss", loss);
        log_num(&r->log, "lr", lr);
        log_num(&r->log, "grad_norm", gnorm);
        log_num(&r->log, "label_tokens", (double)ntok);
        log_num(&r->log, "tokens", (double)nin);
        log_num(&r->log, "tokens_per_s", tps);
        log_num(&r->log, "elapsed_s", el);
        log_num(&r->log, "eta_s", eta);
        log_num(&r->log, "allreduce_s", r->reduce_s);
        log_end(r);
    }
}

int gt_run_train(gt_run *r, char *ckdir, size_t n)
{
    const gt_run_opts *o = r->o;
    gt_epoch ep = { 0 };
    long cur_epoch = -1;
    r->t0 = gt_now();
    r->step0 = r->step;
    if (r->show)
        fprintf(stderr, "%s: %zu examples, %ld steps (%ld per epoch, %d x %d examples), %zu trained parameters%s\n",
                gt_progname, r->tr.n, r->total, r->spe, r->accum, o->micro, r->t.n_params, r->step ? " (resumed)" : "");
    int stopped = 0;
    while (r->step < r->total) {
        long epoch = r->step / r->spe, k = r->step % r->spe;
        if (epoch != cur_epoch) {
            gt_epoch_free(&ep);
            gt_epoch_plan(&ep, &r->tr, o->micro, o->group_window, o->seed, epoch);
            cur_epoch = epoch;
        }
        size_t b0 = (size_t)k * (size_t)r->accum, b1 = b0 + (size_t)r->accum;
        if (b1 > ep.nb) b1 = ep.nb;
        gt_train_zero_grad(&r->t);
        long ntok = 0, nin = 0;
        double loss = accumulate(r, &ep, b0, b1, &ntok, &nin);
        int sig = reduce_step(r, b1 - b0, &loss, &ntok, &nin);
        double lr = o->lr * gt_lr_factor(o->sched, r->step, o->warmup, r->total);
        double gnorm = optimizer_step(r, lr);
        r->step++;
        r->tokens_done += (double)nin;
        report_step(r, loss, lr, gnorm, ntok, nin);
        if (r->va.n && r->step < r->total && o->eval_steps > 0 && r->step % o->eval_steps == 0) do_eval(r);
        if (r->nproc == 1) sig = g_stop;     /* one process: a signal up to now */
        if (r->step < r->total && (sig || (o->stop_after && r->step - r->step0 >= o->stop_after))) {
            save_checkpoint(r, ckdir, n);
            stopped = sig ? 130 : 1;
            break;
        }
        if (o->save_steps > 0 && r->step % o->save_steps == 0 && r->step < r->total) save_checkpoint(r, ckdir, n);
    }
    gt_epoch_free(&ep);
    if (stopped) return stopped;
    if (r->va.n) do_eval(r);
    same_weights(r);
    if (r->rank == 0) gt_export(&r->t, o->out, o->model, o->config, o->dtype, o->adapter_dt);
    return 0;
}

void gt_run_free(gt_run *r)
{
    if (r->log_on) {
        gt_out_flush(&r->log);
        if (close(r->log.fd) != 0) gt_die(EX_IOERR, "%s: close: %s", r->o->log, strerror(errno));
        gt_out_free(&r->log);
    }
    free(r->tok);
    free(r->mask);
    gt_adamw_free(&r->adam);
    gt_train_free(&r->t);
    gt_dataset_free(&r->tr);
    gt_dataset_free(&r->va);
}
