/* scorer.c - see scorer.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/scorer.h"

/* Empty B and give it room for N bytes. */
static char *room(gt_buf *b, size_t n)
{
    b->n = 0;
    gt_buf_reserve(b, n);
    return b->p;
}

void gt_scorer_init(gt_scorer *s, int stem)
{
    memset(s, 0, sizeof *s);
    s->g = gt_rouge_new(stem);
}

void gt_scorer_free(gt_scorer *s)
{
    gt_rouge_seq_free(&s->ref);
    gt_rouge_seq_free(&s->hyp);
    gt_rouge_seq_free(&s->tmp);
    gt_buf_free(&s->abs);
    gt_buf_free(&s->absl);
    gt_buf_free(&s->h1);
    gt_buf_free(&s->h2);
    gt_rouge_free(s->g);
}

void gt_scorer_example(gt_scorer *s, const char *title, const char *abstract)
{
    size_t an = strlen(abstract);
    /* the squeezed abstract for the baselines, lower-cased for the verbatim test */
    size_t n = gt_rouge_squeeze(abstract, an, room(&s->abs, an + 1), 0);
    s->abs.n = n;
    n = gt_rouge_squeeze(abstract, an, room(&s->absl, an + 1), 1);
    s->absl.n = n;
    gt_rouge_tokenize(s->g, title, strlen(title), &s->ref);
}

int gt_scorer_verbatim(gt_scorer *s, const char *text, size_t n)
{
    size_t k = gt_rouge_squeeze(text, n, room(&s->h2, n + 1), 1);
    return k > 0 && memmem(s->absl.p, s->absl.n, s->h2.p, k) != NULL;
}

double gt_scorer_words(gt_scorer *s, const char *text, size_t n)
{
    size_t k = gt_rouge_squeeze(text, n, room(&s->h1, n + 1), 0);
    return (double)gt_rouge_count_words(s->h1.p, k);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int gt_scorer_repeats(gt_scorer *s, const char *text, size_t n)
{
    gt_rouge_tokenize(s->g, text, n, &s->tmp);
    /* function words repeat in good titles ("The evolution of the Earth-Moon
     * system based on the ..."): left out, in their (stemmed) token forms */
    static const char *const fw[] = { "a", "an", "the", "of", "and", "or", "in", "on", "for", "to", "with", "by",
                                      "from", "at", "as", "via", "into", "is", "are", "it", "its", "we", "our",
                                      "be", "thi", "this", "that", "their", "than", "not", "no" };
    size_t m = 0;
    for (size_t i = 0; i < s->tmp.n; i++) {
        size_t len;
        const char *w = gt_rouge_word(s->g, s->tmp.id[i], &len);
        int skip = 0;
        for (size_t f = 0; f < sizeof fw / sizeof *fw && !skip; f++) skip = strcmp(w, fw[f]) == 0;
        if (!skip) s->tmp.id[m++] = s->tmp.id[i];
    }
    if (m > 1) qsort(s->tmp.id, m, sizeof *s->tmp.id, cmp_u32);      /* an empty title: no tokens, maybe no array */
    int most = m > 0, run = 1;
    for (size_t i = 1; i < m; i++) {
        run = s->tmp.id[i] == s->tmp.id[i - 1] ? run + 1 : 1;
        if (run > most) most = run;
    }
    return most;
}

int gt_scorer_degen(gt_scorer *s, const char *text, size_t n, double words)
{
    int d = 0;
    if (words == 0) d |= GT_DEGEN_EMPTY;
    if (words > GT_LONG_WORDS) d |= GT_DEGEN_LONG;
    if (gt_scorer_repeats(s, text, n) >= 3) d |= GT_DEGEN_REPEAT;
    return d;
}

void gt_scorer_score(gt_scorer *s, const char *text, size_t n, gt_sysres *out)
{
    gt_rouge_tokenize(s->g, text, n, &s->hyp);
    out->f[0] = 100 * gt_rouge_n(s->g, &s->ref, &s->hyp, 1).f;
    out->f[1] = 100 * gt_rouge_n(s->g, &s->ref, &s->hyp, 2).f;
    out->f[2] = 100 * gt_rouge_l(s->g, &s->ref, &s->hyp).f;
    out->words = gt_scorer_words(s, text, n);
    out->verbatim = gt_scorer_verbatim(s, text, n);
    out->degen = gt_scorer_degen(s, text, n, out->words);
}

/* The end of the first GT_LEAD_WORDS words of the squeezed text A (N bytes). */
static size_t lead_end(const char *a, size_t n)
{
    size_t w = 0, end = 0;
    for (size_t i = 0; i <= n; i++)
        if ((i == n || a[i] == ' ') && i > 0 && a[i - 1] != ' ') {
            end = i;
            if (++w == GT_LEAD_WORDS) break;
        }
    return end;
}

/* The sentence of A (N bytes) with the best ROUGE-L F1 against the
 * reference, the first of equals: [*START, *END). */
static void oracle_sentence(gt_scorer *s, const char *a, size_t n, size_t *start, size_t *end)
{
    double best = -1;
    *start = *end = 0;
    for (size_t pos = 0; pos < n;) {
        size_t e = gt_rouge_sentence_end(a, n, pos);
        gt_rouge_tokenize(s->g, a + pos, e - pos, &s->hyp);
        double f = gt_rouge_l(s->g, &s->ref, &s->hyp).f;
        if (f > best) { best = f; *start = pos; *end = e; }
        pos = e + 1;
    }
}

void gt_scorer_baselines(gt_scorer *s, gt_sysres *first, gt_sysres *lead, gt_sysres *oracle)
{
    const char *a = s->abs.p;
    size_t n = s->abs.n, bs, be;
    gt_scorer_score(s, a, gt_rouge_sentence_end(a, n, 0), first);
    gt_scorer_score(s, a, lead_end(a, n), lead);
    oracle_sentence(s, a, n, &bs, &be);
    gt_scorer_score(s, a + bs, be - bs, oracle);
}
