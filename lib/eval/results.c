/* results.c - see results.h. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "eval/bootstrap.h"
#include "eval/results.h"

void gt_results_free(gt_results *r)
{
    free(r->score);
    free(r->words);
    free(r->verb);
    free(r->cat);
    for (int i = 0; i < r->ncat; i++) free(r->catname[i]);
    free(r->catname);
    gt_strmap_free(&r->cats);
}

int gt_results_cat(gt_results *r, const char *name)
{
    int *slot = gt_strmap_slot(&r->cats, name, 1);
    if (*slot < 0) {
        if (r->ncat == r->catcap) {
            r->catcap = r->catcap ? r->catcap * 2 : 64;
            r->catname = gt_xrealloc(r->catname, (size_t)r->catcap * sizeof *r->catname);
        }
        r->catname[r->ncat] = gt_xstrdup(name);
        *slot = r->ncat++;
    }
    return *slot;
}

void gt_results_push(gt_results *r, const gt_sysres *s, double refwords, int refverb, int refdegen, int cat)
{
    size_t ns = (size_t)r->nsys;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 1024;
        r->score = gt_xrealloc(r->score, r->cap * ns * GT_NMET * sizeof *r->score);
        r->words = gt_xrealloc(r->words, r->cap * (ns + 1) * sizeof *r->words);
        r->verb = gt_xrealloc(r->verb, r->cap * (ns + 1));
        r->cat = gt_xrealloc(r->cat, r->cap * sizeof *r->cat);
    }
    size_t i = r->n++;
    for (size_t k = 0; k < ns; k++) {
        memcpy(r->score + (i * ns + k) * GT_NMET, s[k].f, sizeof s[k].f);
        r->words[i * (ns + 1) + k] = s[k].words;
        r->verb[i * (ns + 1) + k] = (unsigned char)((s[k].verbatim ? 1 : 0) | s[k].degen << 1);
    }
    r->words[i * (ns + 1) + ns] = refwords;
    r->verb[i * (ns + 1) + ns] = (unsigned char)((refverb ? 1 : 0) | refdegen << 1);
    r->cat[i] = cat;
}

/* Example I's score of system S, metric M. */
static double score_at(const gt_results *r, size_t i, int s, int m)
{
    return r->score[(i * (size_t)r->nsys + (size_t)s) * GT_NMET + (size_t)m];
}

void gt_results_summarize(const gt_results *r, long long bootstrap, uint64_t seed, gt_summary *sm)
{
    int ns = r->nsys;
    size_t n = r->n;
    memset(sm, 0, sizeof *sm);
    for (size_t i = 0; i < n; i++) {
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < GT_NMET; m++) sm->mean[s][m] += score_at(r, i, s, m);
        for (int s = 0; s <= ns; s++) {
            sm->words[s] += r->words[i * (size_t)(ns + 1) + (size_t)s];
            unsigned v = r->verb[i * (size_t)(ns + 1) + (size_t)s];
            sm->verb[s] += v & 1;
            sm->empty[s] += (v >> 1 & GT_DEGEN_EMPTY) != 0;
            sm->longer[s] += (v >> 1 & GT_DEGEN_LONG) != 0;
            sm->repeat[s] += (v >> 1 & GT_DEGEN_REPEAT) != 0;
        }
    }
    for (int s = 0; s < ns; s++)
        for (int m = 0; m < GT_NMET; m++) sm->mean[s][m] /= (double)n;
    for (int s = 0; s <= ns; s++) {
        sm->words[s] /= (double)n;
        sm->verb[s] = 100 * sm->verb[s] / (double)n;
        sm->empty[s] = 100 * sm->empty[s] / (double)n;
        sm->longer[s] = 100 * sm->longer[s] / (double)n;
        sm->repeat[s] = 100 * sm->repeat[s] / (double)n;
    }
    if (bootstrap <= 0) return;
    /* the columns of a row are system-major, as lo and hi are laid out */
    size_t k = (size_t)ns * GT_NMET;
    double lo[GT_MAXSYS * GT_NMET], hi[GT_MAXSYS * GT_NMET];
    gt_bootstrap(r->score, n, k, (size_t)bootstrap, seed, 0.025, 0.975, lo, hi);
    for (size_t c = 0; c < k; c++) {
        sm->lo[c / GT_NMET][c % GT_NMET] = lo[c];
        sm->hi[c / GT_NMET][c % GT_NMET] = hi[c];
    }
}

static int cmp_catsum(const void *a, const void *b)
{
    const gt_catsum *x = a, *y = b;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    return strcmp(x->name, y->name);
}

gt_catsum *gt_results_by_category(const gt_results *r, int *count)
{
    int ns = r->nsys;
    gt_catsum *c = gt_xcalloc((size_t)r->ncat + 1, sizeof *c);
    for (int i = 0; i < r->ncat; i++) {
        c[i].cat = i;
        c[i].name = r->catname[i];
    }
    for (size_t i = 0; i < r->n; i++) {
        gt_catsum *e = &c[r->cat[i]];
        e->n++;
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < GT_NMET; m++) e->mean[s][m] += score_at(r, i, s, m);
    }
    for (int i = 0; i < r->ncat; i++)
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < GT_NMET; m++) c[i].mean[s][m] /= (double)c[i].n;
    qsort(c, (size_t)r->ncat, sizeof *c, cmp_catsum);
    *count = r->ncat;
    return c;
}
