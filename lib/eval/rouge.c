/* rouge.c - rouge-score compatible ROUGE-1/2/L (see rouge.h). */
#include "eval/rouge.h"
#include "eval/porter.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct { size_t off; uint32_t len; uint32_t hash; } word;

struct gt_rouge {
    int stem;
    /* vocabulary: words in an arena, open-addressing table of ids + 1 */
    char *arena; size_t alen, acap;
    word *w; uint32_t nw, wcap;
    uint32_t *stem_of;                    /* per word: id of its stem + 1, 0 unknown */
    uint32_t *tab; size_t tcap;           /* power of two; 0 = empty slot */
    /* scratch */
    char *tok; size_t tokcap;
    uint64_t *ka, *kb; size_t kcap;
    uint32_t *row; size_t rowcap;
    gt_rouge_seq s1, s2;
};

gt_rouge *gt_rouge_new(int stem)
{
    gt_rouge *g = gt_xcalloc(1, sizeof *g);
    g->stem = stem;
    g->tcap = 1024;
    g->tab = gt_xcalloc(g->tcap, sizeof *g->tab);
    return g;
}

void gt_rouge_free(gt_rouge *g)
{
    if (!g) return;
    free(g->arena); free(g->w); free(g->stem_of); free(g->tab); free(g->tok);
    free(g->ka); free(g->kb); free(g->row);
    gt_rouge_seq_free(&g->s1); gt_rouge_seq_free(&g->s2);
    free(g);
}

void gt_rouge_seq_free(gt_rouge_seq *seq)
{
    free(seq->id);
    seq->id = NULL; seq->n = seq->cap = 0;
}

const char *gt_rouge_word(const gt_rouge *g, uint32_t id, size_t *len)
{
    if (len) *len = g->w[id].len;
    return g->arena + g->w[id].off;
}

static void grow_table(gt_rouge *g)
{
    size_t cap = g->tcap * 2;
    uint32_t *t = gt_xcalloc(cap, sizeof *t);
    for (uint32_t i = 0; i < g->nw; i++) {
        size_t h = g->w[i].hash & (cap - 1);
        while (t[h]) h = (h + 1) & (cap - 1);
        t[h] = i + 1;
    }
    free(g->tab);
    g->tab = t;
    g->tcap = cap;
}

static uint32_t intern(gt_rouge *g, const char *s, size_t n)
{
    uint32_t hash = (uint32_t)gt_hash64(s, n, 0x9e3779b97f4a7c15ULL);
    size_t h = hash & (g->tcap - 1);
    for (;;) {
        uint32_t e = g->tab[h];
        if (!e) break;
        word *w = &g->w[e - 1];
        if (w->hash == hash && w->len == n && memcmp(g->arena + w->off, s, n) == 0) return e - 1;
        h = (h + 1) & (g->tcap - 1);
    }
    if (g->nw == g->wcap) {
        g->wcap = g->wcap ? g->wcap * 2 : 256;
        g->w = gt_xrealloc(g->w, g->wcap * sizeof *g->w);
        g->stem_of = gt_xrealloc(g->stem_of, g->wcap * sizeof *g->stem_of);
    }
    if (g->alen + n + 1 > g->acap) {
        while (g->alen + n + 1 > g->acap) g->acap = g->acap ? g->acap * 2 : 4096;
        g->arena = gt_xrealloc(g->arena, g->acap);
    }
    memcpy(g->arena + g->alen, s, n);
    g->arena[g->alen + n] = 0;
    uint32_t id = g->nw++;
    g->w[id] = (word){ g->alen, (uint32_t)n, hash };
    g->stem_of[id] = 0;
    g->alen += n + 1;
    g->tab[h] = id + 1;
    if ((size_t)g->nw * 2 > g->tcap) grow_table(g);
    return id;
}

/* Append the token in g->tok[0..n): stemmed when longer than 3 letters, each
 * distinct word stemmed once (its stem's id is kept beside it). */
static void push_tok(gt_rouge *g, gt_rouge_seq *seq, size_t n)
{
    uint32_t id = intern(g, g->tok, n);
    if (g->stem && n > 3) {
        if (!g->stem_of[id]) {
            size_t k = gt_porter_stem(g->tok, n);
            g->stem_of[id] = k ? intern(g, g->tok, k) + 1 : UINT32_MAX;
        }
        if (g->stem_of[id] == UINT32_MAX) return;     /* stemmed to nothing */
        id = g->stem_of[id] - 1;
    }
    if (seq->n == seq->cap) {
        seq->cap = seq->cap ? seq->cap * 2 : 32;
        seq->id = gt_xrealloc(seq->id, seq->cap * sizeof *seq->id);
    }
    seq->id[seq->n++] = id;
}

static void tok_put(gt_rouge *g, size_t *k, char c)
{
    if (*k == g->tokcap) {
        g->tokcap = g->tokcap ? g->tokcap * 2 : 64;
        g->tok = gt_xrealloc(g->tok, g->tokcap);
    }
    g->tok[(*k)++] = c;
}

size_t gt_rouge_tokenize(gt_rouge *g, const char *s, size_t n, gt_rouge_seq *seq)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    size_t k = 0;
    seq->n = 0;
    while (p < e) {
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) tok_put(g, &k, (char)c);
            else if (k) { push_tok(g, seq, k); k = 0; }
            continue;
        }
        /* non-ASCII: U+0130 lower-cases to "i" + U+0307, U+212A to "k";
         * everything else is a separator */
        if (c == 0xC4 && e - p >= 2 && p[1] == 0xB0) {
            tok_put(g, &k, 'i');
            push_tok(g, seq, k); k = 0;
            p += 2;
            continue;
        }
        if (c == 0xE2 && e - p >= 3 && p[1] == 0x84 && p[2] == 0xAA) {
            tok_put(g, &k, 'k');
            p += 3;
            continue;
        }
        if (k) { push_tok(g, seq, k); k = 0; }
        /* skip the rest of the character (or one stray byte) */
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        p++;
        for (size_t i = 1; i < len && p < e && (*p & 0xC0) == 0x80; i++) p++;
    }
    if (k) push_tok(g, seq, k);
    return seq->n;
}

static gt_prf prf(size_t hit, size_t nhyp, size_t nref)
{
    gt_prf r;
    /* the same operations, in the same order, as rouge-score */
    r.p = (double)hit / (double)(nhyp ? nhyp : 1);
    r.r = (double)hit / (double)(nref ? nref : 1);
    r.f = r.p + r.r > 0 ? 2 * r.p * r.r / (r.p + r.r) : 0.0;
    return r;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t ngram_keys(const gt_rouge_seq *s, int n, uint64_t *k)
{
    if (s->n < (size_t)n) return 0;
    size_t m = s->n - (size_t)n + 1;
    for (size_t i = 0; i < m; i++)
        k[i] = n == 1 ? s->id[i] : ((uint64_t)s->id[i] << 32) | s->id[i + 1];
    qsort(k, m, sizeof *k, cmp_u64);
    return m;
}

gt_prf gt_rouge_n(gt_rouge *g, const gt_rouge_seq *ref, const gt_rouge_seq *hyp, int n)
{
    size_t need = ref->n > hyp->n ? ref->n : hyp->n;
    if (need > g->kcap) {
        g->kcap = need * 2;
        g->ka = gt_xrealloc(g->ka, g->kcap * sizeof *g->ka);
        g->kb = gt_xrealloc(g->kb, g->kcap * sizeof *g->kb);
    }
    size_t na = ngram_keys(ref, n, g->ka), nb = ngram_keys(hyp, n, g->kb);
    /* sorted merge: each shared n-gram counts min(count in ref, count in hyp) */
    size_t i = 0, j = 0, hit = 0;
    while (i < na && j < nb) {
        if (g->ka[i] < g->kb[j]) i++;
        else if (g->ka[i] > g->kb[j]) j++;
        else { hit++; i++; j++; }
    }
    return prf(hit, nb, na);
}

gt_prf gt_rouge_l(gt_rouge *g, const gt_rouge_seq *ref, const gt_rouge_seq *hyp)
{
    if (!ref->n || !hyp->n) return (gt_prf){ 0, 0, 0 };
    size_t m = hyp->n;
    if (m + 1 > g->rowcap) {
        g->rowcap = (m + 1) * 2;
        g->row = gt_xrealloc(g->row, g->rowcap * sizeof *g->row);
    }
    uint32_t *row = g->row;                 /* row[j]: LCS of ref[0..i), hyp[0..j) */
    memset(row, 0, (m + 1) * sizeof *row);
    for (size_t i = 0; i < ref->n; i++) {
        uint32_t diag = 0, a = ref->id[i];
        for (size_t j = 1; j <= m; j++) {
            uint32_t up = row[j], v;
            if (hyp->id[j - 1] == a) v = diag + 1;
            else v = up > row[j - 1] ? up : row[j - 1];
            diag = up;
            row[j] = v;
        }
    }
    return prf(row[m], hyp->n, ref->n);
}

gt_rouge_scores gt_rouge_text(gt_rouge *g, const char *ref, size_t nref,
                              const char *hyp, size_t nhyp)
{
    gt_rouge_scores sc;
    gt_rouge_tokenize(g, ref, nref, &g->s1);
    gt_rouge_tokenize(g, hyp, nhyp, &g->s2);
    sc.r1 = gt_rouge_n(g, &g->s1, &g->s2, 1);
    sc.r2 = gt_rouge_n(g, &g->s1, &g->s2, 2);
    sc.rl = gt_rouge_l(g, &g->s1, &g->s2);
    return sc;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

size_t gt_rouge_squeeze(const char *s, size_t n, char *out, int lower)
{
    size_t k = 0;
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) { pending = k > 0; continue; }
        if (pending) { out[k++] = ' '; pending = 0; }
        if (lower && c >= 'A' && c <= 'Z') c += 'a' - 'A';
        out[k++] = (char)c;
    }
    out[k] = 0;
    return k;
}

size_t gt_rouge_count_words(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' ')) w++;
    return w;
}

/* Words before a '.' that do not end a sentence (compared without case). */
static const char *const abbrev[] = {
    "al", "approx", "ca", "cf", "ch", "chap", "co", "col", "cor", "def", "dept", "dr", "eq",
    "eqs", "esp", "fig", "figs", "inc", "jr", "lem", "ltd", "mr", "mrs", "ms", "no", "nos",
    "phys", "pp", "prof", "prop", "ref", "refs", "resp", "rev", "sec", "secs", "sect", "st",
    "tab", "thm", "viz", "vol", "vs",
};

/* Does the '.' at S[I] end an abbreviation, an initial or a dotted form? */
static int abbrev_dot(const char *s, size_t i)
{
    size_t b = i;
    while (b > 0 && s[b - 1] != ' ' && s[b - 1] != '(' && s[b - 1] != '"'
           && s[b - 1] != '\'' && s[b - 1] != '[')
        b--;
    size_t len = i - b;                     /* the word, without this '.' */
    if (len == 0) return 0;
    if (len == 1) return (s[b] >= 'A' && s[b] <= 'Z') || (s[b] >= 'a' && s[b] <= 'z');
    /* dotted forms: e.g  i.e  U.S  a.k.a  Ph.D (parts of 1-2 letters) */
    if (memchr(s + b, '.', len)) {
        size_t part = 0;
        for (size_t k = b; k < i; k++) {
            char c = s[k];
            if (c == '.') { if (part == 0) return 0; part = 0; continue; }
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return 0;
            if (++part > 2) return 0;
        }
        return part > 0;
    }
    for (size_t k = 0; k < sizeof abbrev / sizeof abbrev[0]; k++)
        if (strlen(abbrev[k]) == len && strncasecmp(abbrev[k], s + b, len) == 0) return 1;
    return 0;
}

size_t gt_rouge_sentence_end(const char *s, size_t n, size_t pos)
{
    for (size_t i = pos; i < n; i++) {
        char c = s[i];
        if (c != '.' && c != '!' && c != '?') continue;
        size_t j = i + 1;
        while (j < n && (s[j] == ')' || s[j] == ']' || s[j] == '"' || s[j] == '\'')) j++;
        if (j + 1 >= n || s[j] != ' ') continue;
        char d = s[j + 1];
        if (!((d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9'))) continue;
        if (c == '.' && abbrev_dot(s, i)) continue;
        return j;
    }
    return n;
}
