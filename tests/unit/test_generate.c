/* test_generate.c - greedy decoding, sampling and beam search on the tiny
 * random fixture models of tests/data/model-* (their forward pass is checked
 * against PyTorch by test_model.c).
 *
 * - greedy: each token is the argmax of the logits of a full (uncached)
 *   forward over prompt + the tokens before it, and the reported log-prob sum
 *   is the one recomputed from those logits;
 * - beam search with one beam (the beam code itself) equals greedy;
 * - beam search with 4 beams: every candidate's score recomputed with a full
 *   forward, candidates distinct and ranked, the best no worse than greedy's
 *   score when both run to max_new_tokens without stop tokens;
 * - sampling: the same seed gives the same tokens; top_k 1 and a tiny top_p
 *   give greedy; stop tokens end a candidate;
 * - 8-bit weights (quant.c): the int8 matmul of every kernel path equals an
 *   F32 matmul by the dequantised weights, quantisation error per weight is
 *   at most half a step, and the logits of each quantised fixture stay within
 *   5% (max |diff| / max |ref|) of the full-precision ones; the error is printed;
 * - no_repeat_ngram, encoder_repetition_penalty and repetition_penalty against
 *   their definitions. */
#include "t.h"
#include "gen/generate.h"
#include "nn/kernels.h"
#include "nn/model.h"
#include "nn/quant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *FIXTURES[] = { "model-gqa-f32", "model-tied-mqa-f32", "model-gqa-bf16", "model-llama3-f16-sharded" };
static const int32_t PROMPT[] = { 1, 200, 17, 3, 255, 42, 42, 0, 128 };
#define NP ((int)(sizeof PROMPT / sizeof PROMPT[0]))

/* Log-prob sum of IDS after PROMPT by one full forward; ARGMAX_OK: each id
 * was the argmax. */
static double recompute(const gt_model *m, const int32_t *ids, int n, int *argmax_ok)
{
    char err[256];
    int V = m->c.vocab_size, T = NP + n;
    int32_t *seq = malloc(sizeof(int32_t) * (size_t)T);
    memcpy(seq, PROMPT, sizeof PROMPT);
    memcpy(seq + NP, ids, sizeof(int32_t) * (size_t)n);
    float *lg = malloc(sizeof(float) * (size_t)T * V), *lp = malloc(sizeof(float) * (size_t)V);
    gt_state *s = gt_state_new(m, T, T, err, sizeof err);
    gt_model_forward(m, s, seq, T, 0, lg, 1);
    double sum = 0;
    *argmax_ok = 1;
    for (int i = 0; i < n; i++) {
        const float *row = lg + (size_t)(NP - 1 + i) * V;
        gt_log_softmax(lp, row, V);
        sum += lp[ids[i]];
        for (int j = 0; j < V; j++)
            if (row[j] > row[ids[i]] || (row[j] == row[ids[i]] && j < ids[i])) *argmax_ok = 0;
    }
    gt_state_free(s);
    free(seq); free(lg); free(lp);
    return sum;
}

static int same_ids(const gt_cand *a, const gt_cand *b)
{
    return a->nids == b->nids && memcmp(a->ids, b->ids, sizeof(int32_t) * (size_t)a->nids) == 0;
}

static gt_cand copy_cand(const gt_cand *c)
{
    gt_cand r = *c;
    r.ids = malloc(sizeof(int32_t) * (size_t)c->nids);
    memcpy(r.ids, c->ids, sizeof(int32_t) * (size_t)c->nids);
    r.text = NULL;
    return r;
}

static void check_fixture(const char *name)
{
    char dir[256], err[512], cn[300];
    snprintf(dir, sizeof dir, "tests/data/%s", name);
    gt_model m;
    if (gt_model_load(&m, dir, err, sizeof err) != 0) {
        CHECK(0, name);
        printf("  %s\n", err);
        return;
    }
    gt_gen *g = gt_gen_new(&m, NULL, err, sizeof err);
    for (int i = 0; i < m.c.n_eos; i++) gt_gen_set_stop(g, m.c.eos_ids[i], GT_STOP_NONE);
    gt_gen_opts o;
    gt_gen_opts_default(&o);
    o.max_new_tokens = 12;
    const gt_cand *c;
    int nc, ok;

    /* greedy */
    o.beams = 1;
    int rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: greedy runs, 12 tokens", name);
    CHECK(rc == 0 && nc == 1 && c[0].nids == 12 && c[0].stop == GT_STOP_NONE, cn);
    if (rc != 0 || nc != 1) { gt_gen_free(g); gt_model_free(&m); return; }
    gt_cand greedy = copy_cand(&c[0]);
    double ref = recompute(&m, greedy.ids, greedy.nids, &ok);
    snprintf(cn, sizeof cn, "%s: greedy tokens are the argmax of full-forward logits", name);
    CHECK(ok, cn);
    snprintf(cn, sizeof cn, "%s: greedy log-prob %.6f = recomputed %.6f", name, greedy.logprob, ref);
    CHECK(fabs(greedy.logprob - ref) < 1e-3, cn);
    snprintf(cn, sizeof cn, "%s: greedy score = logprob / length", name);
    CHECK(fabs(greedy.score - greedy.logprob / 12) < 1e-12, cn);

    /* the beam code with one beam */
    o.force_beam = 1;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: beam search with 1 beam = greedy", name);
    CHECK(rc == 0 && nc == 1 && same_ids(&c[0], &greedy) && fabs(c[0].logprob - greedy.logprob) < 1e-6, cn);
    o.force_beam = 0;

    /* 4 beams, 4 candidates */
    o.beams = 4;
    o.n = 4;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: beam search returns 4 candidates", name);
    CHECK(rc == 0 && nc == 4, cn);
    int scores_ok = 1, ranked = 1, distinct = 1;
    for (int i = 0; i < nc; i++) {
        double r = recompute(&m, c[i].ids, c[i].nids, &ok);
        if (fabs(r - c[i].logprob) > 1e-3 || fabs(c[i].score - c[i].logprob / c[i].nids) > 1e-9) {
            scores_ok = 0;
            printf("  cand %d: logprob %.6f recomputed %.6f\n", i, c[i].logprob, r);
        }
        if (i && c[i].score > c[i - 1].score) ranked = 0;
        for (int j = 0; j < i; j++)
            if (same_ids(&c[i], &c[j])) distinct = 0;
    }
    snprintf(cn, sizeof cn, "%s: beam scores match a full forward", name);
    CHECK(scores_ok, cn);
    snprintf(cn, sizeof cn, "%s: beam candidates ranked and distinct", name);
    CHECK(ranked && distinct, cn);
    snprintf(cn, sizeof cn, "%s: best beam %.4f >= greedy %.4f", name, nc ? c[0].score : 0.0, greedy.score);
    CHECK(nc && c[0].score >= greedy.score - 1e-9, cn);

    /* stop tokens: greedy's third token as EOS ends generation there */
    gt_gen_set_stop(g, greedy.ids[2], GT_STOP_EOS);
    o.beams = 1;
    o.n = 1;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    int first = 0;
    while (greedy.ids[first] != greedy.ids[2]) first++;
    snprintf(cn, sizeof cn, "%s: greedy stops at an EOS token", name);
    CHECK(rc == 0 && nc == 1 && c[0].nids == first + 1 && c[0].stop == GT_STOP_EOS, cn);
    o.beams = 3;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    int ends = rc == 0 && nc == 1;
    for (int i = 0; ends && i < c[0].nids - 1; i++)
        if (c[0].ids[i] == greedy.ids[2]) ends = 0;
    snprintf(cn, sizeof cn, "%s: beam hypotheses end at their first stop token", name);
    CHECK(ends, cn);
    gt_gen_set_stop(g, greedy.ids[2], GT_STOP_NONE);

    /* sampling */
    o.temperature = 5;      /* the tied fixtures are very sure of themselves */
    o.seed = 42;
    o.beams = 1;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    gt_cand s1 = copy_cand(&c[0]);
    rc |= gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: sampling with the same seed repeats", name);
    CHECK(rc == 0 && same_ids(&c[0], &s1), cn);
    int differs = 0;
    for (uint64_t seed = 1; seed < 10 && !differs; seed++) {
        o.seed = seed;
        gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
        differs = !same_ids(&c[0], &s1);
    }
    snprintf(cn, sizeof cn, "%s: other seeds sample other tokens", name);
    CHECK(differs, cn);
    double rs = recompute(&m, s1.ids, s1.nids, &ok);
    snprintf(cn, sizeof cn, "%s: sampled log-prob is the model's (untempered)", name);
    CHECK(fabs(rs - s1.logprob) < 1e-3, cn);
    o.top_k = 1;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: top_k 1 samples greedily", name);
    CHECK(rc == 0 && same_ids(&c[0], &greedy), cn);
    o.top_k = 0;
    o.top_p = 1e-6f;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: a tiny top_p samples greedily", name);
    CHECK(rc == 0 && same_ids(&c[0], &greedy), cn);
    o.top_p = 0.9f;
    o.top_k = 20;
    o.n = 3;
    rc = gt_gen_run(g, &o, PROMPT, NP, &c, &nc);
    snprintf(cn, sizeof cn, "%s: 3 distinct samples with top_k 20 top_p 0.9", name);
    CHECK(rc == 0 && nc == 3 && !same_ids(&c[0], &c[1]) && !same_ids(&c[1], &c[2]) && c[0].score >= c[1].score, cn);

    /* errors */
    int32_t *longp = calloc((size_t)m.c.max_pos, sizeof(int32_t));
    rc = gt_gen_run(g, &o, longp, m.c.max_pos, &c, &nc);
    snprintf(cn, sizeof cn, "%s: a prompt as long as the context is refused", name);
    CHECK(rc == -1 && strstr(gt_gen_error(g), "context"), cn);
    int32_t bad[2] = { 1, m.c.vocab_size };
    rc = gt_gen_run(g, &o, bad, 2, &c, &nc);
    snprintf(cn, sizeof cn, "%s: a token id past the vocabulary is refused", name);
    CHECK(rc == -1 && strstr(gt_gen_error(g), "vocabulary"), cn);
    free(longp);
    free(greedy.ids);
    free(s1.ids);
    gt_gen_free(g);
    gt_model_free(&m);
}

static void check_q8_kernels(void)
{
    char cn[200];
    int shapes[][3] = { { 1, 7, 45 }, { 5, 37, 109 }, { 9, 64, 256 }, { 4, 3, 32 }, { 2, 5, 8 } };
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        int n = shapes[si][0], d = shapes[si][1], k = shapes[si][2];
        float *x = malloc(sizeof(float) * (size_t)n * k), *w = malloc(sizeof(float) * (size_t)d * k);
        float *wd = malloc(sizeof(float) * (size_t)d * k), *o1 = malloc(sizeof(float) * (size_t)n * d);
        float *o2 = malloc(sizeof(float) * (size_t)n * d);
        uint64_t r = 12345 + si;
        for (int i = 0; i < n * k; i++) { r = r * 6364136223846793005ULL + 1; x[i] = (float)((r >> 40) % 2001) / 1000.0f - 1; }
        for (int i = 0; i < d * k; i++) { r = r * 6364136223846793005ULL + 1; w[i] = (float)((r >> 40) % 2001) / 1000.0f - 1; }
        w[3] = 0;       /* zero blocks must not divide by zero */
        gt_q8mat q;
        gt_q8_quantize(&q, w, GT_DT_F32, d, k);
        double werr = 0;
        int halfstep = 1;
        for (int j = 0; j < d; j++) {
            gt_row_to_f32(wd + (size_t)j * k, &q, GT_DT_Q8, (size_t)j, k);
            for (int t = 0; t < k; t++) {
                double e = fabs(wd[(size_t)j * k + t] - w[(size_t)j * k + t]);
                werr = fmax(werr, e);
                if (e > 0.5 * q.s[(size_t)j * q.nblk + t / GT_Q8_BLOCK] * 1.0001 + 1e-9) halfstep = 0;
            }
        }
        snprintf(cn, sizeof cn, "q8 %dx%dx%d: weight error within half a step (max %.2g)", n, d, k, werr);
        CHECK(halfstep, cn);
        gt_matmul_path(GT_K_PORTABLE, o1, (size_t)d, x, wd, GT_DT_F32, n, d, k);
        for (int p = GT_K_PORTABLE; p <= GT_K_AVX512; p++) {
            if (!gt_kernels_supported((gt_kpath)p)) continue;
            gt_matmul_path((gt_kpath)p, o2, (size_t)d, x, &q, GT_DT_Q8, n, d, k);
            double e = 0;
            for (int i = 0; i < n * d; i++) e = fmax(e, fabs(o1[i] - o2[i]) / (1 + fabs(o1[i])));
            snprintf(cn, sizeof cn, "q8 %dx%dx%d %s matmul = F32 matmul by dequantised weights (%.2g)", n, d, k,
                     gt_kernels_name((gt_kpath)p), e);
            CHECK(e < 1e-5, cn);
        }
        gt_q8_free(&q);
        free(x); free(w); free(wd); free(o1); free(o2);
    }
}

static void check_q8_model(const char *name)
{
    char dir[256], err[256], cn[300];
    snprintf(dir, sizeof dir, "tests/data/%s", name);
    gt_model m;
    if (gt_model_load(&m, dir, err, sizeof err) != 0) { CHECK(0, err); return; }
    int V = m.c.vocab_size, T = 12;
    int32_t tok[12] = { 1, 200, 17, 3, 255, 42, 42, 0, 128, 7, 99, 250 };
    float *a = malloc(sizeof(float) * (size_t)T * V), *b = malloc(sizeof(float) * (size_t)T * V);
    gt_state *s = gt_state_new(&m, 32, 0, err, sizeof err);
    gt_model_forward(&m, s, tok, T, 0, a, 1);
    size_t before = m.weight_bytes;
    gt_quant *q = gt_quant_model(&m, err, sizeof err);
    gt_model_forward(&m, s, tok, T, 0, b, 1);
    double w = 0, kl = 0;
    float *la = malloc(sizeof(float) * (size_t)V), *lb = malloc(sizeof(float) * (size_t)V);
    for (int i = 0; i < T; i++) {
        double d = 0, mx = 0;
        for (int j = 0; j < V; j++) {
            d = fmax(d, fabs(a[(size_t)i * V + j] - b[(size_t)i * V + j]));
            mx = fmax(mx, fabs(a[(size_t)i * V + j]));
        }
        w = fmax(w, d / mx);
        gt_log_softmax(la, a + (size_t)i * V, V);
        gt_log_softmax(lb, b + (size_t)i * V, V);
        for (int j = 0; j < V; j++) kl += exp(la[j]) * (la[j] - lb[j]);
    }
    snprintf(cn, sizeof cn, "%s 8-bit: logits max rel err %.3g, mean KL %.2g nats, %zu -> %zu weight bytes", name, w,
             kl / T, before, gt_quant_bytes(q));
    CHECK(w < 0.05 && gt_quant_bytes(q) < before, cn);
    gt_quant_free(q);
    gt_state_free(s);
    free(a); free(b); free(la); free(lb);
    gt_model_free(&m);
}

/* gt_model_decode_multi: three sequences with different histories (their own
 * caches), one batched step at the same position; each row's logits equal a
 * full forward over that sequence's whole history (no cache). */
static void check_decode_multi(const char *name)
{
    char dir[256], err[512], cn[300];
    snprintf(dir, sizeof dir, "tests/data/%s", name);
    gt_model m;
    if (gt_model_load(&m, dir, err, sizeof err) != 0) { CHECK(0, name); return; }
    int V = m.c.vocab_size, T = NP + 1;
    gt_state *st[3];
    int32_t hist[3][NP + 1];
    float *lg = malloc(sizeof(float) * 3 * (size_t)V), *ref = malloc(sizeof(float) * (size_t)T * V);
    float *lo[3];
    int32_t next[3];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < NP; j++) hist[i][j] = (int32_t)((PROMPT[j] + 37 * i * j) % V);
        next[i] = hist[i][NP] = (int32_t)((11 + 97 * i) % V);
        st[i] = gt_state_new(&m, 64, 16, err, sizeof err);
        gt_model_forward(&m, st[i], hist[i], NP, 0, NULL, 0);
        lo[i] = lg + (size_t)(2 - i) * V;          /* rows in reverse order: not contiguous */
    }
    int rc = gt_model_decode_multi(&m, st, next, 3, NP, lo);
    double worst = 0;
    for (int i = 0; i < 3 && rc == 0; i++) {
        gt_state *s = gt_state_new(&m, T, T, err, sizeof err);
        gt_model_forward(&m, s, hist[i], T, 0, ref, 1);
        double mx = 0, d = 0;
        for (int j = 0; j < V; j++) {
            double r = ref[(size_t)NP * V + j];
            if (fabs(r) > mx) mx = fabs(r);
            if (fabs(lo[i][j] - r) > d) d = fabs(lo[i][j] - r);
        }
        if (d / mx > worst) worst = d / mx;
        CHECK(st[i]->len == T, "decode_multi: cache length");
        gt_state_free(s);
    }
    snprintf(cn, sizeof cn, "%s: decode_multi rows = full forward of each history (rel %.2g)", name, worst);
    CHECK(rc == 0 && worst < 1e-5, cn);
    for (int i = 0; i < 3; i++) gt_state_free(st[i]);
    free(lg); free(ref);
    gt_model_free(&m);
}

/* no_repeat_ngram: no n-gram twice among the generated tokens, for greedy,
 * sampling and beam search; the scores stay the model's log-probabilities. */
static int has_repeat(const int32_t *x, int n, int N)
{
    for (int i = 0; i + N <= n; i++)
        for (int j = i + 1; j + N <= n; j++)
            if (memcmp(x + i, x + j, sizeof(int32_t) * (size_t)N) == 0) return 1;
    return 0;
}

/* Fixture NAME loaded into M and a generator over it that never stops early
 * (its EOS ids are no stop tokens); NULL when the fixture does not load. */
static gt_gen *open_gen(const char *name, gt_model *m)
{
    char dir[256], err[512];
    snprintf(dir, sizeof dir, "tests/data/%s", name);
    if (gt_model_load(m, dir, err, sizeof err) != 0) { CHECK(0, name); return NULL; }
    gt_gen *g = gt_gen_new(m, NULL, err, sizeof err);
    for (int i = 0; i < m->c.n_eos; i++) gt_gen_set_stop(g, m->c.eos_ids[i], GT_STOP_NONE);
    return g;
}

static void check_no_repeat(const char *name)
{
    char cn[300];
    gt_model m;
    gt_gen *g = open_gen(name, &m);
    if (!g) return;
    gt_gen_opts o;
    gt_gen_opts_default(&o);
    o.max_new_tokens = 40;
    const gt_cand *c;
    int nc, repeats_without = 0, bad = 0, scores_ok = 1;
    for (int mode = 0; mode < 3; mode++) {
        o.beams = mode == 2 ? 3 : 1;
        o.n = mode == 2 ? 3 : 1;
        o.temperature = mode == 1 ? 1.5f : 0;
        o.seed = 7;
        o.no_repeat_ngram = 0;
        if (gt_gen_run(g, &o, PROMPT, NP, &c, &nc) == 0)
            for (int i = 0; i < nc; i++) repeats_without += has_repeat(c[i].ids, c[i].nids, 2);
        o.no_repeat_ngram = 2;
        if (gt_gen_run(g, &o, PROMPT, NP, &c, &nc) != 0 || nc < 1) { bad++; continue; }
        for (int i = 0; i < nc; i++) {
            bad += has_repeat(c[i].ids, c[i].nids, 2);
            int ok;
            double re = recompute(&m, c[i].ids, c[i].nids, &ok);
            if (fabs(re - c[i].logprob) > 1e-3 * (1 + fabs(re))) scores_ok = 0;
        }
    }
    snprintf(cn, sizeof cn, "%s: no_repeat_ngram 2: no bigram twice (greedy, sampling, beams; %d repeats without)",
             name, repeats_without);
    CHECK(bad == 0, cn);
    snprintf(cn, sizeof cn, "%s: no_repeat_ngram keeps the model's log-probabilities as scores", name);
    CHECK(scores_ok, cn);
    gt_gen_free(g);
    gt_model_free(&m);
}

/* encoder_repetition_penalty as Hugging Face's EncoderRepetitionPenaltyLogitsProcessor:
 * greedy tokens are the argmax of full-forward logits with each distinct prompt
 * token's logit multiplied by 1/P when negative and by P otherwise; beam
 * search applies it to log-probabilities, and its scores are the sums of the
 * penalised ones; P = 1 changes nothing. */
static int in_prompt(int32_t t)
{
    for (int i = 0; i < NP; i++)
        if (PROMPT[i] == t) return 1;
    return 0;
}

/* Logits of a full forward over PROMPT + IDS: [NP + n][vocab], malloc'd. */
static float *full_logits(const gt_model *m, const int32_t *ids, int n)
{
    char err[256];
    int V = m->c.vocab_size, T = NP + n;
    int32_t *seq = malloc(sizeof(int32_t) * (size_t)T);
    memcpy(seq, PROMPT, sizeof PROMPT);
    memcpy(seq + NP, ids, sizeof(int32_t) * (size_t)n);
    float *lg = malloc(sizeof(float) * (size_t)T * V);
    gt_state *s = gt_state_new(m, T, T, err, sizeof err);
    gt_model_forward(m, s, seq, T, 0, lg, 1);
    gt_state_free(s);
    free(seq);
    return lg;
}

static int penalised_argmax_ok(const gt_model *m, const int32_t *ids, int n, float P)
{
    int V = m->c.vocab_size, ok = 1;
    float *lg = full_logits(m, ids, n);
    for (int i = 0; i < n && ok; i++) {
        float *row = lg + (size_t)(NP - 1 + i) * V;
        for (int j = 0; j < V; j++)
            if (in_prompt(j)) row[j] = row[j] < 0 ? row[j] / P : row[j] * P;
        int best = 0;
        for (int j = 1; j < V; j++)
            if (row[j] > row[best]) best = j;
        if (best != ids[i]) ok = 0;
    }
    free(lg);
    return ok;
}

/* The sum of penalised log-probabilities of IDS after PROMPT (full forward):
 * the score beam search accumulates. */
static double penalised_logprob(const gt_model *m, const int32_t *ids, int n, float P)
{
    int V = m->c.vocab_size;
    float *lg = full_logits(m, ids, n), *lp = malloc(sizeof(float) * (size_t)V);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        gt_log_softmax(lp, lg + (size_t)(NP - 1 + i) * V, V);
        float v = lp[ids[i]];
        sum += in_prompt(ids[i]) ? (v < 0 ? v / P : v * P) : v;
    }
    free(lg); free(lp);
    return sum;
}

static void check_encoder_penalty(const char *name)
{
    char cn[300];
    gt_model m;
    gt_gen *g = open_gen(name, &m);
    if (!g) return;
    gt_gen_opts o;
    gt_gen_opts_default(&o);
    o.max_new_tokens = 16;
    o.beams = 1;
    const gt_cand *c;
    int nc, ok = 1, copied = 0;
    static const float Ps[] = { 3, 0.5f };
    for (size_t k = 0; k < 2; k++) {
        o.encoder_repetition_penalty = Ps[k];
        if (gt_gen_run(g, &o, PROMPT, NP, &c, &nc) != 0 || nc != 1) { ok = 0; continue; }
        ok &= penalised_argmax_ok(&m, c[0].ids, c[0].nids, Ps[k]);
        if (k == 0)
            for (int i = 0; i < c[0].nids; i++) copied += in_prompt(c[0].ids[i]);
    }
    snprintf(cn, sizeof cn, "%s: encoder_repetition_penalty 3 and 0.5: greedy = argmax of penalised full-forward "
             "logits (%d of 16 tokens from the prompt at 3)", name, copied);
    CHECK(ok, cn);
    o.beams = 3;
    o.n = 3;
    o.encoder_repetition_penalty = 4;
    int sc_ok = gt_gen_run(g, &o, PROMPT, NP, &c, &nc) == 0 && nc == 3;
    int pc = 0;
    for (int i = 0; sc_ok && i < nc; i++) {
        double re = penalised_logprob(&m, c[i].ids, c[i].nids, 4);
        sc_ok &= fabs(re - c[i].logprob) <= 1e-3 * (1 + fabs(re));
        for (int j = 0; j < c[i].nids; j++) pc += in_prompt(c[i].ids[j]);
    }
    snprintf(cn, sizeof cn, "%s: encoder_repetition_penalty 4, 3 beams: scores are sums of penalised log-probabilities "
             "(%d of 48 tokens from the prompt)", name, pc);
    CHECK(sc_ok, cn);
    o.encoder_repetition_penalty = 1;
    gt_cand a = { 0 };
    int same = gt_gen_run(g, &o, PROMPT, NP, &c, &nc) == 0 && nc == 3;
    if (same) a = copy_cand(&c[0]);
    gt_gen_opts d;
    gt_gen_opts_default(&d);
    d.max_new_tokens = 16;
    d.beams = 3;
    d.n = 3;
    same = same && gt_gen_run(g, &d, PROMPT, NP, &c, &nc) == 0 && nc == 3 && same_ids(&a, &c[0]);
    free(a.ids);
    snprintf(cn, sizeof cn, "%s: encoder_repetition_penalty 1 is the default search", name);
    CHECK(same, cn);
    gt_gen_free(g);
    gt_model_free(&m);
}

/* repetition_penalty as Hugging Face's RepetitionPenaltyLogitsProcessor: at
 * each step, every distinct token of the sequence so far (the prompt's and
 * the ones generated before) has its score divided by P when positive and
 * multiplied by P when negative; greedy tokens are the argmax of full-forward
 * logits so changed, beam scores the sums of the changed log-probabilities. */
static int in_sequence(int32_t t, const int32_t *ids, int n)
{
    if (in_prompt(t)) return 1;
    for (int i = 0; i < n; i++)
        if (ids[i] == t) return 1;
    return 0;
}

static float repeat_penalised(float v, float P) { return v < 0 ? v * P : v / P; }

static void check_repetition_penalty(const char *name)
{
    char cn[300];
    gt_model m;
    gt_gen *g = open_gen(name, &m);
    if (!g) return;
    int V;
    gt_gen_opts o;
    gt_gen_opts_default(&o);
    o.max_new_tokens = 16;
    o.beams = 1;
    const gt_cand *c;
    int nc, ok = 1, moved = 0;
    static const float Ps[] = { 1.8f, 0.6f };
    for (size_t k = 0; k < 2; k++) {
        o.repetition_penalty = Ps[k];
        if (gt_gen_run(g, &o, PROMPT, NP, &c, &nc) != 0 || nc != 1) { ok = 0; continue; }
        V = m.c.vocab_size;
        float *lg = full_logits(&m, c[0].ids, c[0].nids);
        for (int i = 0; i < c[0].nids && ok; i++) {
            float *row = lg + (size_t)(NP - 1 + i) * V;
            int raw = 0, best = 0;
            for (int j = 1; j < V; j++)
                if (row[j] > row[raw]) raw = j;
            for (int j = 0; j < V; j++)
                if (in_sequence(j, c[0].ids, i)) row[j] = repeat_penalised(row[j], Ps[k]);
            for (int j = 1; j < V; j++)
                if (row[j] > row[best]) best = j;
            if (best != c[0].ids[i]) ok = 0;
            moved += best != raw;
        }
        free(lg);
    }
    snprintf(cn, sizeof cn, "%s: repetition_penalty 1.8 and 0.6: greedy = argmax of full-forward logits with the "
             "sequence's tokens penalised (%d steps moved)", name, moved);
    CHECK(ok && moved > 0, cn);
    o.beams = 3;
    o.n = 3;
    o.repetition_penalty = 2;
    int sc_ok = gt_gen_run(g, &o, PROMPT, NP, &c, &nc) == 0 && nc == 3;
    V = m.c.vocab_size;
    float *lp = malloc(sizeof(float) * (size_t)V);
    for (int i = 0; sc_ok && i < nc; i++) {
        float *lg = full_logits(&m, c[i].ids, c[i].nids);
        double re = 0;
        for (int t = 0; t < c[i].nids; t++) {
            gt_log_softmax(lp, lg + (size_t)(NP - 1 + t) * V, V);
            float v = lp[c[i].ids[t]];
            re += in_sequence(c[i].ids[t], c[i].ids, t) ? repeat_penalised(v, 2) : v;
        }
        free(lg);
        sc_ok &= fabs(re - c[i].logprob) <= 1e-3 * (1 + fabs(re));
    }
    free(lp);
    snprintf(cn, sizeof cn, "%s: repetition_penalty 2, 3 beams: scores are sums of penalised log-probabilities", name);
    CHECK(sc_ok, cn);
    gt_gen_free(g);
    gt_model_free(&m);
}

int main(void)
{
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_repetition_penalty(FIXTURES[i]);
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_encoder_penalty(FIXTURES[i]);
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_no_repeat(FIXTURES[i]);
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_decode_multi(FIXTURES[i]);
    check_q8_kernels();
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_q8_model(FIXTURES[i]);
    for (size_t i = 0; i < sizeof FIXTURES / sizeof FIXTURES[0]; i++) check_fixture(FIXTURES[i]);
    T_END();
}
