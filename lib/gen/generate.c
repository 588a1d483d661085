/* generate.c - greedy decoding, sampling and beam search (see generate.h). */
#include "gen/generate.h"
#include "core/rand.h"
#include "core/util.h"
#include "eval/scorer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gt_gen {
    const gt_model *m;
    const gt_tok *tok;
    int vocab;
    unsigned char *stop;        /* [vocab] GT_STOP_* */
    gt_state **st;              /* one per beam */
    int nst, st_seq;            /* states allocated, their capacity */
    int *has_prompt;            /* [nst] the prompt is in state i's cache */
    float *logits, *logp;       /* [nbuf][vocab] */
    int nbuf;
    float *prompt_logits;       /* [vocab] after the prompt */
    /* sampling scratch */
    int32_t *idx;
    double *prob;
    /* results */
    gt_cand *cands;
    int ncands, capcands;
    gt_cand *out;
    int nout;
    gt_gen_stats stats;
    int32_t *pids;              /* the prompt's distinct token ids (encoder_repetition_penalty) */
    int npids;
    unsigned char *seen;        /* [vocab] scratch for them */
    gt_scorer words;            /* max_word_repeats: words counted as title-eval counts them */
    int words_ready;
    int32_t *wids;              /* scratch: a hypothesis's ids */
    char *wtext;                /* scratch: its text */
    size_t wcap;
    char err[256];
};

void gt_gen_opts_default(gt_gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->beams = 4;
    o->n = 1;
    o->temperature = 0;
    o->top_k = 0;
    o->top_p = 1;
    o->encoder_repetition_penalty = 1;
    o->repetition_penalty = 1;
    o->seed = 0;
    o->max_new_tokens = 64;
}

static int gfail(gt_gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int gfail(gt_gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->err, sizeof g->err, fmt, ap);
    va_end(ap);
    return -1;
}

const char *gt_gen_error(const gt_gen *g) { return g->err; }
const gt_gen_stats *gt_gen_totals(const gt_gen *g) { return &g->stats; }

void gt_gen_add_totals(gt_gen *g, const gt_gen *from)
{
    g->stats.prefill_tokens += from->stats.prefill_tokens;
    g->stats.decode_tokens += from->stats.decode_tokens;
    g->stats.prefill_s += from->stats.prefill_s;
    g->stats.decode_s += from->stats.decode_s;
    g->stats.kv_bytes_peak += from->stats.kv_bytes_peak;
}

gt_gen *gt_gen_new(const gt_model *m, const gt_tok *tok, char *err, size_t errsz)
{
    int v = m->c.vocab_size;
    if (tok && gt_tok_vocab_size(tok) > v) {
        snprintf(err, errsz, "the tokenizer has %d ids but the model's vocab_size is %d", gt_tok_vocab_size(tok), v);
        return NULL;
    }
    gt_gen *g = gt_xcalloc(1, sizeof *g);
    g->m = m;
    g->tok = tok;
    g->vocab = v;
    g->stop = gt_xcalloc((size_t)v, 1);
    g->prompt_logits = gt_xmalloc(sizeof(float) * (size_t)v);
    g->idx = gt_xmalloc(sizeof(int32_t) * (size_t)v);
    g->prob = gt_xmalloc(sizeof(double) * (size_t)v);
    g->seen = gt_xcalloc((size_t)v, 1);
    if (tok) {
        char *buf = NULL;
        size_t cap = 0;
        int nt = gt_tok_vocab_size(tok);
        for (int id = 0; id < nt; id++) {
            size_t len = 0;
            int32_t x = id;
            len = gt_tok_decode(tok, &x, 1, &buf, &len, &cap, NULL);
            if (len && memchr(buf, '\n', len)) g->stop[id] = GT_STOP_NEWLINE;
        }
        free(buf);
        if (gt_tok_eos(tok) >= 0 && gt_tok_eos(tok) < v) g->stop[gt_tok_eos(tok)] = GT_STOP_EOS;
    }
    for (int i = 0; i < m->c.n_eos; i++) g->stop[m->c.eos_ids[i]] = GT_STOP_EOS;
    return g;
}

void gt_gen_set_stop(gt_gen *g, int id, int kind)
{
    if (id >= 0 && id < g->vocab) g->stop[id] = (unsigned char)kind;
}

static void free_cands(gt_gen *g)
{
    for (int i = 0; i < g->ncands; i++) {
        free(g->cands[i].ids);
        free(g->cands[i].text);
    }
    g->ncands = 0;
}

void gt_gen_free(gt_gen *g)
{
    if (!g) return;
    for (int i = 0; i < g->nst; i++) gt_state_free(g->st[i]);
    free(g->st);
    free(g->has_prompt);
    free(g->logits);
    free(g->logp);
    free(g->prompt_logits);
    free(g->idx);
    free(g->prob);
    free(g->pids);
    free(g->seen);
    if (g->words_ready) gt_scorer_free(&g->words);
    free(g->wids);
    free(g->wtext);
    free_cands(g);
    free(g->cands);
    free(g->out);
    free(g->stop);
    free(g);
}

/* ---------------------------------------------------------------- helpers */

void gt_log_softmax(float *out, const float *x, int n)
{
    float mx = x[0];
    for (int i = 1; i < n; i++)
        if (x[i] > mx) mx = x[i];
    double s = 0;
    for (int i = 0; i < n; i++) s += exp((double)(x[i] - mx));
    float lse = mx + (float)log(s);
    for (int i = 0; i < n; i++) out[i] = x[i] - lse;
}

/* Prompt tokens per batched prefill pass: each pass streams every weight once,
 * so more rows per pass is faster (64 -> 128 rows: +6 to +12% on a 40M model),
 * but each row holds activations (about 5 dim + 2 hidden floats): as many rows
 * as fit in 1% of the weights' bytes, 64 to 256 (a 7B model gets 256, the
 * bundled 6M one 64). */
static int gen_chunk(const gt_model *m)
{
    const gt_config *c = &m->c;
    size_t row = sizeof(float) * ((size_t)5 * c->dim + 2 * (size_t)c->hidden_dim);
    size_t n = m->weight_bytes / 100 / (row ? row : 1);
    if (n < 64) n = 64;
    if (n > 256) n = 256;
    return (int)(n & ~(size_t)15);
}

/* NB states able to hold SEQ tokens each, and NB logit buffers. */

static int ensure(gt_gen *g, int nb, int seq)
{
    if (seq > g->st_seq) {
        for (int i = 0; i < g->nst; i++) gt_state_free(g->st[i]);
        g->nst = 0;
        g->st_seq = seq + 64 < g->m->c.max_pos ? seq + 64 : g->m->c.max_pos;
        if (g->st_seq < seq) g->st_seq = seq;
    }
    if (nb > g->nst) {
        g->st = gt_xrealloc(g->st, sizeof *g->st * (size_t)nb);
        g->has_prompt = gt_xrealloc(g->has_prompt, sizeof *g->has_prompt * (size_t)nb);
        for (int i = g->nst; i < nb; i++) {
            char e[200];
            g->st[i] = gt_state_new(g->m, g->st_seq, i == 0 ? gen_chunk(g->m) : 1, e, sizeof e);   /* only state 0 prefills */
            if (!g->st[i]) {
                g->nst = i;
                return gfail(g, "%s", e);
            }
        }
        g->nst = nb;
    }
    size_t kv = 0;
    for (int i = 0; i < g->nst; i++) kv += g->st[i]->kv_bytes;
    if (kv > g->stats.kv_bytes_peak) g->stats.kv_bytes_peak = kv;
    if (nb > g->nbuf) {
        size_t v = (size_t)g->vocab;
        free(g->logits);
        free(g->logp);
        g->logits = gt_xmalloc(sizeof(float) * v * (size_t)nb);
        g->logp = gt_xmalloc(sizeof(float) * v * (size_t)nb);
        g->nbuf = nb;
    }
    return 0;
}

static int fwd(gt_gen *g, gt_state *s, const int32_t *tok, int n, int pos, float *logits)
{
    double t0 = gt_now();
    if (gt_model_forward(g->m, s, tok, n, pos, logits, 0) != 0) return gfail(g, "%s", s->err);
    double dt = gt_now() - t0;
    if (n > 1 || pos == 0) { g->stats.prefill_tokens += n; g->stats.prefill_s += dt; }
    else { g->stats.decode_tokens += n; g->stats.decode_s += dt; }
    return 0;
}

static int argmax(const float *x, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

static const float *g_sort_vals;
static int cmp_desc(const void *a, const void *b)
{
    int32_t i = *(const int32_t *)a, j = *(const int32_t *)b;
    float x = g_sort_vals[i], y = g_sort_vals[j];
    if (x != y) return x > y ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Move the K largest of idx[0..n) (by VALS) to the front, unsorted. */
static void select_top(int32_t *idx, int n, int k, const float *vals)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float piv = vals[idx[(lo + hi) / 2]];
        int i = lo, j = hi;
        while (i <= j) {
            while (vals[idx[i]] > piv) i++;
            while (vals[idx[j]] < piv) j--;
            if (i <= j) { int32_t t = idx[i]; idx[i] = idx[j]; idx[j] = t; i++; j--; }
        }
        if (k - 1 <= j) hi = j;
        else if (k - 1 >= i) lo = i;
        else break;
    }
}

/* Sample a token from LOGITS as Hugging Face's warpers do: logits / T, keep
 * the top_k, softmax, keep the smallest prefix (by probability) whose mass
 * reaches top_p (at least one token), renormalise, draw. */
static int sample(gt_gen *g, const gt_gen_opts *o, const float *logits, uint64_t *rng)
{
    int v = g->vocab, n = v;
    for (int i = 0; i < v; i++) g->idx[i] = i;
    g_sort_vals = logits;
    int sorted = 0;
    if (o->top_k > 0 && o->top_k < v) {
        select_top(g->idx, v, o->top_k, logits);
        n = o->top_k;
        qsort(g->idx, (size_t)n, sizeof *g->idx, cmp_desc);
        sorted = 1;
    }
    if (o->top_p < 1 && !sorted) {
        qsort(g->idx, (size_t)n, sizeof *g->idx, cmp_desc);
        sorted = 1;
    }
    float mx = logits[g->idx[0]];
    for (int i = 1; i < n; i++)
        if (logits[g->idx[i]] > mx) mx = logits[g->idx[i]];
    double sum = 0, inv_t = 1.0 / o->temperature;
    for (int i = 0; i < n; i++) {
        g->prob[i] = exp(((double)logits[g->idx[i]] - mx) * inv_t);
        sum += g->prob[i];
    }
    if (o->top_p < 1) {
        double acc = 0;
        int keep = 0;
        while (keep < n) {
            acc += g->prob[keep] / sum;
            keep++;
            if (acc >= o->top_p) break;
        }
        n = keep;
        sum = 0;
        for (int i = 0; i < n; i++) sum += g->prob[i];
    }
    double u = gt_unit53(gt_splitmix64(rng)) * sum, acc = 0;
    for (int i = 0; i < n; i++) {
        acc += g->prob[i];
        if (u < acc) return g->idx[i];
    }
    return g->idx[n - 1];
}

/* ---------------------------------------------------------------- candidates */

static gt_cand *new_cand(gt_gen *g, const int32_t *ids, int n, int32_t last, double lp, int stop)
{
    if (g->ncands == g->capcands) {
        g->capcands = g->capcands ? 2 * g->capcands : 16;
        g->cands = gt_xrealloc(g->cands, sizeof *g->cands * (size_t)g->capcands);
    }
    gt_cand *c = &g->cands[g->ncands++];
    memset(c, 0, sizeof *c);
    int tot = n + (last >= 0);
    c->ids = gt_xmalloc(sizeof(int32_t) * (size_t)(tot ? tot : 1));
    if (n) memcpy(c->ids, ids, sizeof(int32_t) * (size_t)n);
    if (last >= 0) c->ids[n] = last;
    c->nids = tot;
    c->logprob = lp;
    c->score = tot ? lp / tot : 0;
    c->stop = stop;
    return c;
}

static void cand_text(gt_gen *g, gt_cand *c)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (g->tok) {
        /* ids past the tokenizer's vocabulary (padded embeddings) decode to nothing */
        len = gt_tok_decode(g->tok, c->ids, (size_t)c->nids, &buf, &len, &cap, NULL);
    }
    if (!buf) buf = gt_xmalloc(1);
    char *nl = memchr(buf, '\n', len);
    if (nl) len = (size_t)(nl - buf);
    size_t a = 0;
    while (a < len && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r')) a++;
    while (len > a && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r')) len--;
    memmove(buf, buf + a, len - a);
    len -= a;
    buf[len] = 0;
    c->text = buf;
    c->len = len;
}

static int cmp_cand(const void *a, const void *b)
{
    const gt_cand *x = *(const gt_cand *const *)a, *y = *(const gt_cand *const *)b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x < y ? -1 : x > y;     /* first found first */
}

static int same(const gt_gen *g, const gt_cand *a, const gt_cand *b)
{
    if (g->tok) return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
    return a->nids == b->nids && memcmp(a->ids, b->ids, sizeof(int32_t) * (size_t)a->nids) == 0;
}

/* Rank every candidate found and keep the best N distinct ones in g->out. */
static void finish(gt_gen *g, int n)
{
    gt_cand **p = gt_xmalloc(sizeof *p * (size_t)(g->ncands ? g->ncands : 1));
    for (int i = 0; i < g->ncands; i++) {
        cand_text(g, &g->cands[i]);
        p[i] = &g->cands[i];
    }
    qsort(p, (size_t)g->ncands, sizeof *p, cmp_cand);
    free(g->out);
    g->out = gt_xmalloc(sizeof *g->out * (size_t)(n > 0 ? n : 1));
    g->nout = 0;
    for (int i = 0; i < g->ncands && g->nout < n; i++) {
        int dup = 0;
        for (int j = 0; j < g->nout && !dup; j++) dup = same(g, p[i], &g->out[j]);
        if (!dup) g->out[g->nout++] = *p[i];
    }
    free(p);
}

/* ---------------------------------------------------------------- decoding */

/* Tokens that would repeat an N-gram of the N-1 last of GEN[0..n): their
 * values in X set to -INFINITY (both logits and log-probabilities). */
static void ban_repeats(float *x, const int32_t *gen, int n, int N)
{
    if (N <= 0 || n < N - 1) return;
    if (N == 1) { for (int i = 0; i < n; i++) x[gen[i]] = -INFINITY; return; }
    const int32_t *tail = gen + n - (N - 1);
    for (int i = 0; i + N - 1 < n; i++)
        if (memcmp(gen + i, tail, sizeof(int32_t) * (size_t)(N - 1)) == 0) x[gen[i + N - 1]] = -INFINITY;
}

/* Hugging Face's EncoderRepetitionPenaltyLogitsProcessor over the prompt's
 * tokens (for a decoder-only model its "encoder input" is the prompt): each
 * distinct one's score times 1/P when negative, divided by 1/P otherwise. */
static void prompt_penalty(const gt_gen *g, float *x, float P)
{
    if (P == 1) return;
    float inv = 1.0f / P;
    for (int i = 0; i < g->npids; i++) {
        float *v = &x[g->pids[i]];
        *v = *v < 0 ? *v * inv : *v / inv;
    }
}

/* Hugging Face's repetition_penalty P on scores X: each distinct token of the
 * prompt and of GEN (N generated tokens) divided by P when positive,
 * multiplied by P when negative. */
static void repeat_penalty(gt_gen *g, float *x, float P, const int32_t *gen, int n)
{
    if (P == 1) return;
    for (int i = 0; i < g->npids; i++) g->seen[g->pids[i]] = 1;
    for (int i = 0; i < n; i++) g->seen[gen[i]] = 1;
    for (int pass = 0; pass < 2; pass++) {
        const int32_t *v = pass ? gen : g->pids;
        for (int i = 0, m = pass ? n : g->npids; i < m; i++) {
            if (!g->seen[v[i]]) continue;
            g->seen[v[i]] = 0;              /* each token once */
            float *s = &x[v[i]];
            *s = *s < 0 ? *s * P : *s / P;
        }
    }
}

/* One sequence, greedy (RNG NULL) or sampled, from the prompt in state 0
 * (its logits in g->prompt_logits). */
static int run_one(gt_gen *g, const gt_gen_opts *o, int np, int max_new, uint64_t *rng, int32_t *ids)
{
    gt_state *s = g->st[0];
    float *lg = g->logits, *lp = g->logp;
    memcpy(lg, g->prompt_logits, sizeof(float) * (size_t)g->vocab);
    double sum = 0;
    int n = 0, stop = GT_STOP_NONE;
    for (;;) {
        gt_log_softmax(lp, lg, g->vocab);
        prompt_penalty(g, lg, o->encoder_repetition_penalty);
        repeat_penalty(g, lg, o->repetition_penalty, ids, n);
        ban_repeats(lg, ids, n, o->no_repeat_ngram);
        int32_t t = rng ? sample(g, o, lg, rng) : argmax(lg, g->vocab);
        sum += lp[t];
        ids[n++] = t;
        if (g->stop[t]) { stop = g->stop[t]; break; }
        if (n == max_new) break;
        if (fwd(g, s, &t, 1, np + n - 1, lg) != 0) return -1;
    }
    new_cand(g, ids, n, -1, sum, stop);
    return 0;
}

typedef struct { double sum; int beam; int32_t tok; } bcand;

/* Whether the title of IDS (N of them) then LAST repeats a word more than MAX
 * times: words as title-eval's rep3+ counts them (stemmed ROUGE tokens, function
 * words left out). Unless FINAL, a word still being written (the text's last
 * run of letters and digits) is not counted yet: its next token may extend it. */
static int too_repetitive(gt_gen *g, const int32_t *ids, int n, int32_t last, int final, int max)
{
    if (!g->tok) return 0;
    if (!g->words_ready) {
        gt_scorer_init(&g->words, 1);
        g->words_ready = 1;
    }
    g->wids = gt_xrealloc(g->wids, sizeof(int32_t) * (size_t)(n + 1));
    if (n) memcpy(g->wids, ids, sizeof(int32_t) * (size_t)n);
    g->wids[n] = last;
    size_t len = 0;
    len = gt_tok_decode(g->tok, g->wids, (size_t)n + 1, &g->wtext, &len, &g->wcap, NULL);
    if (!g->wtext) return 0;
    char *nl = memchr(g->wtext, '\n', len);
    if (nl) len = (size_t)(nl - g->wtext);
    if (!final)
        while (len > 0 && ((unsigned char)g->wtext[len - 1] >= 0x80 || (g->wtext[len - 1] >= '0' && g->wtext[len - 1] <= '9') ||
                           ((g->wtext[len - 1] | 0x20) >= 'a' && (g->wtext[len - 1] | 0x20) <= 'z')))
            len--;
    return gt_scorer_repeats(&g->words, g->wtext, len) > max;
}

static int beam_search(gt_gen *g, int B, int np, int max_new, int nrep, float penalty, float rpen, int mwr)
{
    const gt_model *m = g->m;
    int V = g->vocab, K = 2 * B;
    int32_t *ids = gt_xmalloc(sizeof(int32_t) * (size_t)B * max_new);      /* live beams' tokens */
    int32_t *nids = gt_xmalloc(sizeof(int32_t) * (size_t)B * max_new);
    double *sum = gt_xcalloc((size_t)B, sizeof(double)), *nsum = gt_xcalloc((size_t)B, sizeof(double));
    int *slot = gt_xmalloc(sizeof(int) * (size_t)B), *nslot = gt_xmalloc(sizeof(int) * (size_t)B);
    int *parent = gt_xmalloc(sizeof(int) * (size_t)B), *used = gt_xmalloc(sizeof(int) * (size_t)B);
    int32_t *ntok = gt_xmalloc(sizeof(int32_t) * (size_t)B);
    bcand *top = gt_xmalloc(sizeof(bcand) * (size_t)K);
    double *fin = gt_xmalloc(sizeof(double) * (size_t)B);   /* best B finished scores, descending */
    gt_state **sts = gt_xmalloc(sizeof *sts * (size_t)B);
    float **lo = gt_xmalloc(sizeof *lo * (size_t)B);
    int nfin = 0, rc = -1;
    int nlive = 1;
    slot[0] = 0;
    memcpy(g->logits, g->prompt_logits, sizeof(float) * (size_t)V);
    for (int i = 0; i < B; i++) g->has_prompt[i] = i == 0;
    for (int t = 1;; t++) {           /* t: generated length after this step */
        /* the 2B best continuations */
        int ntop = 0;
        for (int b = 0; b < nlive; b++) {
            float *lp = g->logp + (size_t)slot[b] * V;
            gt_log_softmax(lp, g->logits + (size_t)slot[b] * V, V);
            prompt_penalty(g, lp, penalty);         /* on log-probabilities, as Hugging Face's beam search */
            repeat_penalty(g, lp, rpen, ids + (size_t)b * max_new, t - 1);
            ban_repeats(lp, ids + (size_t)b * max_new, t - 1, nrep);
            for (int j = 0; j < V; j++) {
                double s = sum[b] + lp[j];
                if (ntop == K && !(s > top[K - 1].sum)) continue;
                int at = ntop < K ? ntop++ : K - 1;
                while (at > 0 && s > top[at - 1].sum) { top[at] = top[at - 1]; at--; }
                top[at] = (bcand){ s, b, j };
            }
        }
        int nnew = 0;
        for (int r = 0; r < ntop && nnew < B; r++) {
            bcand c = top[r];
            if (mwr > 0 && too_repetitive(g, ids + (size_t)c.beam * max_new, t - 1, c.tok, g->stop[c.tok] != 0, mwr))
                continue;
            if (g->stop[c.tok]) {
                if (r >= B) continue;
                gt_cand *h = new_cand(g, ids + (size_t)c.beam * max_new, t - 1, c.tok, c.sum, g->stop[c.tok]);
                int at = nfin < B ? nfin++ : B;
                if (at == B && !(h->score > fin[B - 1])) continue;
                if (at == B) at = B - 1;
                while (at > 0 && h->score > fin[at - 1]) { fin[at] = fin[at - 1]; at--; }
                fin[at] = h->score;
                continue;
            }
            parent[nnew] = c.beam;
            ntok[nnew] = c.tok;
            nsum[nnew] = c.sum;
            memcpy(nids + (size_t)nnew * max_new, ids + (size_t)c.beam * max_new, sizeof(int32_t) * (size_t)(t - 1));
            nids[(size_t)nnew * max_new + t - 1] = c.tok;
            nnew++;
        }
        if (nnew == 0) break;
        if (t == max_new) {
            for (int i = 0; i < nnew; i++) new_cand(g, nids + (size_t)i * max_new, t, -1, nsum[i], GT_STOP_NONE);
            break;
        }
        if (nfin >= B && fin[B - 1] >= nsum[0] / t) break;
        /* give each new beam a cache: its parent's when free, else a copy */
        for (int i = 0; i < B; i++) used[i] = 0;
        for (int i = 0; i < nnew; i++) {
            int s = slot[parent[i]];
            nslot[i] = used[s] ? -1 : s;
            used[s] = 1;
        }
        for (int i = 0; i < nnew; i++) {
            if (nslot[i] >= 0) continue;
            int f = 0;
            while (used[f]) f++;
            used[f] = 1;
            nslot[i] = f;
            gt_state *src = g->st[slot[parent[i]]], *dst = g->st[f];
            gt_state_copy(m, dst, src, g->has_prompt[f] ? np : 0, np + t - 1);
            g->has_prompt[f] = 1;
            dst->len = np + t - 1;
        }
        /* one batched step for every live beam (the weights read once), logits into
         * g->logp (free until the next step's log-softmax), then to each beam's slot */
        for (int i = 0; i < nnew; i++) {
            sts[i] = g->st[nslot[i]];
            lo[i] = g->logp + (size_t)i * V;
        }
        double t0 = gt_now();
        if (gt_model_decode_multi(m, sts, ntok, nnew, np + t - 1, lo) != 0) {
            gfail(g, "%s", sts[0]->err);
            goto out;
        }
        g->stats.decode_tokens += nnew;
        g->stats.decode_s += gt_now() - t0;
        for (int i = 0; i < nnew; i++) {
            memcpy(g->logits + (size_t)nslot[i] * V, lo[i], sizeof(float) * (size_t)V);
            slot[i] = nslot[i];
            sum[i] = nsum[i];
        }
        int32_t *tmp = ids; ids = nids; nids = tmp;
        nlive = nnew;
    }
    rc = 0;
out:
    free(ids); free(nids); free(sum); free(nsum); free(slot); free(nslot); free(parent); free(used);
    free(ntok); free(top); free(fin); free(sts); free(lo);
    return rc;
}

int gt_gen_run(gt_gen *g, const gt_gen_opts *o, const int32_t *prompt, int np, const gt_cand **out, int *nout)
{
    free_cands(g);
    g->nout = 0;
    *out = NULL;
    *nout = 0;
    int maxpos = g->m->c.max_pos;
    if (np < 1) return gfail(g, "empty prompt");
    if (np >= maxpos)
        return gfail(g, "the prompt has %d tokens, the model's context is %d (max_position_embeddings)", np, maxpos);
    int max_new = o->max_new_tokens;
    if (max_new > maxpos - np) max_new = maxpos - np;
    if (max_new < 1) max_new = 1;
    int n = o->n > 0 ? o->n : 1;
    int sampling = o->temperature > 0;
    int B = sampling ? 1 : (o->beams > n ? o->beams : n);
    if (B < 1) B = 1;
    if (ensure(g, B, np + max_new) != 0) return -1;
    if (fwd(g, g->st[0], prompt, np, 0, g->prompt_logits) != 0) return -1;
    g->pids = gt_xrealloc(g->pids, sizeof(int32_t) * (size_t)np);
    g->npids = 0;
    for (int i = 0; i < np; i++)
        if (!g->seen[prompt[i]]) { g->seen[prompt[i]] = 1; g->pids[g->npids++] = prompt[i]; }
    for (int i = 0; i < g->npids; i++) g->seen[g->pids[i]] = 0;
    int32_t *ids = gt_xmalloc(sizeof(int32_t) * (size_t)max_new);
    int rc = 0;
    if (sampling) {
        uint64_t rng = o->seed;
        int found = 0;
        for (int tries = 0; tries < 4 * n && found < n && rc == 0; tries++) {
            rc = run_one(g, o, np, max_new, &rng, ids);
            if (rc == 0) {
                gt_cand *c = &g->cands[g->ncands - 1];
                cand_text(g, c);
                found++;
                for (int j = 0; j < g->ncands - 1; j++)
                    if (same(g, c, &g->cands[j])) { found--; break; }
            }
        }
        /* texts were needed to compare draws; finish() decodes them again */
        for (int j = 0; j < g->ncands; j++) {
            free(g->cands[j].text);
            g->cands[j].text = NULL;
        }
    } else if (B == 1 && !o->force_beam) {
        rc = run_one(g, o, np, max_new, NULL, ids);
    } else {
        rc = beam_search(g, B, np, max_new, o->no_repeat_ngram, o->encoder_repetition_penalty, o->repetition_penalty,
                         o->max_word_repeats);
    }
    free(ids);
    if (rc != 0) return -1;
    finish(g, n);
    *out = g->out;
    *nout = g->nout;
    return 0;
}
