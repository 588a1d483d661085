/* taxonomy.c - arXiv category taxonomy: TSV loading, selectors, matching. */
#include "arxiv/taxonomy.h"
#include "core/util.h"
#include "io/file.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gt_taxonomy {
    char *text;             /* copy of the TSV, fields NUL-terminated in place */
    gt_category *cat;
    int n;
    int *hash;              /* open addressing: category index + 1, 0 = empty */
    size_t hmask;
    const char **names;     /* distinct codes, archives and groups (suggestions) */
    unsigned char *nkind;   /* per name: N_CODE | N_ARCHIVE | N_GROUP */
    int nnames;
};

static uint32_t hash_str(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 16777619u; }
    return h;
}

int gt_tax_find(const gt_taxonomy *t, const char *code, size_t n)
{
    size_t i = hash_str(code, n) & t->hmask;
    for (;;) {
        int v = t->hash[i];
        if (!v) return -1;
        const char *c = t->cat[v - 1].code;
        if (memcmp(c, code, n) == 0 && strlen(c) == n) return v - 1;
        i = (i + 1) & t->hmask;
    }
}

int gt_tax_count(const gt_taxonomy *t) { return t->n; }
const gt_category *gt_tax_cat(const gt_taxonomy *t, int i) { return &t->cat[i]; }

int gt_tax_is_archive(const gt_taxonomy *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->cat[i].archive, name) == 0) return 1;
    return 0;
}

int gt_tax_is_group(const gt_taxonomy *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->cat[i].group, name) == 0) return 1;
    return 0;
}

void gt_tax_free(gt_taxonomy *t)
{
    if (!t) return;
    free(t->text); free(t->cat); free(t->hash); free(t->names); free(t->nkind);
    free(t);
}

/* Split LINE at tabs into at most MAX fields; returns the field count. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    for (;;) {
        if (n < max) f[n] = line;
        n++;
        char *tab = strchr(line, '\t');
        if (!tab) break;
        *tab = 0;
        line = tab + 1;
    }
    return n;
}

static int uf_find(int *p, int i)
{
    while (p[i] != i) { p[i] = p[p[i]]; i = p[i]; }
    return i;
}

enum { N_CODE = 1, N_ARCHIVE = 2, N_GROUP = 4, N_ANY = 7 };

static void add_name(gt_taxonomy *t, const char *s, int kind)
{
    for (int i = 0; i < t->nnames; i++)
        if (strcmp(t->names[i], s) == 0) { t->nkind[i] |= (unsigned char)kind; return; }
    t->nkind[t->nnames] = (unsigned char)kind;
    t->names[t->nnames++] = s;
}

enum { C_CODE, C_NAME, C_ARCHIVE, C_GROUP, C_ACTIVE, C_ALIAS, C_SUBS, C_N };
#define MAXCOLS 64

gt_taxonomy *gt_tax_parse(const char *text, size_t len, const char *name, char *err, size_t errsz)
{
    static const char *colname[C_N] = { "code", "name", "archive", "group", "is_active",
                                         "alias_of", "subsumed_by" };
    gt_taxonomy *t = gt_xcalloc(1, sizeof *t);
    t->text = gt_xmalloc(len + 1);
    memcpy(t->text, text, len);
    t->text[len] = 0;
    if (memchr(t->text, 0, len)) {
        snprintf(err, errsz, "%s: contains a NUL byte", name);
        gt_tax_free(t);
        return NULL;
    }
    size_t nlines = 1;
    for (size_t i = 0; i < len; i++) nlines += t->text[i] == '\n';
    t->cat = gt_xcalloc(nlines, sizeof *t->cat);

    int col[C_N];
    for (int c = 0; c < C_N; c++) col[c] = -1;
    int ncols = 0;
    long lineno = 0;
    char *p = t->text, *end = t->text + len;
    static char empty[1];
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        lineno++;
        if (le > p && le[-1] == '\r') le--;
        *le = 0;
        char *line = p;
        p = next;
        if (*line == 0) continue;
        char *f[MAXCOLS];
        int nf = split_tabs(line, f, MAXCOLS);
        if (nf > MAXCOLS) nf = MAXCOLS;
        if (ncols == 0) {               /* header */
            ncols = nf;
            for (int i = 0; i < nf; i++)
                for (int c = 0; c < C_N; c++)
                    if (strcmp(f[i], colname[c]) == 0 && col[c] < 0) col[c] = i;
            const char *missing = col[C_CODE] < 0 ? "code" : col[C_ARCHIVE] < 0 ? "archive"
                                : col[C_GROUP] < 0 ? "group" : NULL;
            if (missing) {
                snprintf(err, errsz, "%s:%ld: header lacks the '%s' column", name, lineno, missing);
                gt_tax_free(t);
                return NULL;
            }
            continue;
        }
        const char *v[C_N];
        for (int c = 0; c < C_N; c++) v[c] = (col[c] >= 0 && col[c] < nf) ? f[col[c]] : empty;
        const char *bad = NULL;
        if (!*v[C_CODE]) bad = "empty code";
        else if (strpbrk(v[C_CODE], " \"\\")) bad = "code contains a space, quote or backslash";
        else if (!*v[C_ARCHIVE]) bad = "empty archive";
        else if (!*v[C_GROUP]) bad = "empty group";
        if (bad) {
            snprintf(err, errsz, "%s:%ld: %s", name, lineno, bad);
            gt_tax_free(t);
            return NULL;
        }
        gt_category *k = &t->cat[t->n];
        k->code = v[C_CODE]; k->name = v[C_NAME]; k->archive = v[C_ARCHIVE];
        k->group = v[C_GROUP]; k->alias_of = v[C_ALIAS]; k->subsumed_by = v[C_SUBS];
        k->active = col[C_ACTIVE] < 0 || strcasecmp(v[C_ACTIVE], "true") == 0
                    || strcmp(v[C_ACTIVE], "1") == 0;
        /* remember the line for messages about links below */
        k->cls = (int)lineno;
        t->n++;
    }
    if (ncols == 0 || t->n == 0) {
        snprintf(err, errsz, "%s: no categories", name);
        gt_tax_free(t);
        return NULL;
    }

    /* hash table */
    size_t hs = 16;
    while (hs < (size_t)t->n * 2) hs *= 2;
    t->hash = gt_xcalloc(hs, sizeof *t->hash);
    t->hmask = hs - 1;
    for (int i = 0; i < t->n; i++) {
        const char *c = t->cat[i].code;
        size_t h = hash_str(c, strlen(c)) & t->hmask;
        while (t->hash[h]) {
            if (strcmp(t->cat[t->hash[h] - 1].code, c) == 0) {
                snprintf(err, errsz, "%s:%d: duplicate code '%s'", name, t->cat[i].cls, c);
                gt_tax_free(t);
                return NULL;
            }
            h = (h + 1) & t->hmask;
        }
        t->hash[h] = i + 1;
    }

    /* equivalence classes over alias_of and subsumed_by */
    int *uf = gt_xmalloc(sizeof *uf * (size_t)t->n);
    for (int i = 0; i < t->n; i++) uf[i] = i;
    for (int i = 0; i < t->n; i++) {
        const char *link[2] = { t->cat[i].alias_of, t->cat[i].subsumed_by };
        for (int l = 0; l < 2; l++) {
            if (!*link[l]) continue;
            int j = gt_tax_find(t, link[l], strlen(link[l]));
            if (j < 0) {
                snprintf(err, errsz, "%s:%d: %s '%s' is not a category code", name,
                         t->cat[i].cls, l ? "subsumed_by" : "alias_of", link[l]);
                free(uf);
                gt_tax_free(t);
                return NULL;
            }
            int a = uf_find(uf, i), b = uf_find(uf, j);
            if (a != b) { if (a < b) uf[b] = a; else uf[a] = b; }
        }
    }
    for (int i = 0; i < t->n; i++) t->cat[i].cls = uf_find(uf, i);
    free(uf);

    t->names = gt_xmalloc(sizeof *t->names * (size_t)t->n * 3);
    t->nkind = gt_xmalloc((size_t)t->n * 3);
    for (int i = 0; i < t->n; i++) add_name(t, t->cat[i].code, N_CODE);
    for (int i = 0; i < t->n; i++) add_name(t, t->cat[i].archive, N_ARCHIVE);
    for (int i = 0; i < t->n; i++) add_name(t, t->cat[i].group, N_GROUP);
    return t;
}

gt_taxonomy *gt_tax_load_file(const char *path, char *err, size_t errsz)
{
    char why[256];
    size_t len;
    char *buf = gt_read_file(path, 0, &len, why, sizeof why);
    if (!buf) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));   /* errno from the failing call, as before */
        return NULL;
    }
    gt_taxonomy *t = gt_tax_parse(buf, len, path, err, errsz);
    free(buf);
    return t;
}

gt_taxonomy *gt_tax_load_default(void)
{
    char err[256];
    gt_taxonomy *t = gt_tax_parse(gt_taxonomy_tsv, gt_taxonomy_tsv_len, "<embedded taxonomy>",
                                  err, sizeof err);
    if (!t) gt_die(EX_SOFTWARE, "%s", err);
    return t;
}

/* ---- suggestions ---- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + !same;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *suggest(const gt_taxonomy *t, const char *s, int kinds)
{
    for (int i = 0; i < t->nnames; i++)
        if ((t->nkind[i] & kinds) && strcasecmp(t->names[i], s) == 0) return t->names[i];
    size_t len = strlen(s), best = (size_t)-1;
    const char *bs = NULL;
    for (int i = 0; i < t->nnames; i++) {
        if (!(t->nkind[i] & kinds)) continue;
        size_t d = edit_distance(s, t->names[i]);
        if (d < best) { best = d; bs = t->names[i]; }
    }
    if (bs && (best == 1 || (best == 2 && len >= 8)) && best < len) return bs;
    return NULL;
}

const char *gt_tax_suggest(const gt_taxonomy *t, const char *s)
{
    return suggest(t, s, N_ANY);
}

/* ---- category sets ---- */

void gt_catset_init(gt_catset *s, const gt_taxonomy *t, int literal)
{
    memset(s, 0, sizeof *s);
    s->tax = t;
    s->in = gt_xcalloc((size_t)t->n + 1, 1);
    s->literal = literal;
}

void gt_catset_free(gt_catset *s)
{
    for (int i = 0; i < s->nglobs; i++) free(s->globs[i]);
    free(s->globs);
    free(s->in);
    memset(s, 0, sizeof *s);
}

static int is_glob(const char *s) { return strpbrk(s, "*?[") != NULL; }

int gt_catset_add(gt_catset *s, const char *sel, char *err, size_t errsz)
{
    const gt_taxonomy *t = s->tax;
    unsigned char *mark = gt_xcalloc((size_t)t->n + 1, 1);
    int nmark = 0;
    enum { K_ANY, K_GROUP, K_ARCHIVE } kind = K_ANY;
    const char *name = sel;
    if (strncmp(sel, "group:", 6) == 0) { kind = K_GROUP; name = sel + 6; }
    else if (strncmp(sel, "archive:", 8) == 0) { kind = K_ARCHIVE; name = sel + 8; }

    int use_group = (kind == K_GROUP) || (kind == K_ANY && gt_tax_is_group(t, name));
    int use_archive = !use_group && (kind == K_ARCHIVE || kind == K_ANY) && gt_tax_is_archive(t, name);
    if (use_group || use_archive) {
        for (int i = 0; i < t->n; i++)
            if (strcmp(use_group ? t->cat[i].group : t->cat[i].archive, name) == 0) {
                mark[i] = 1; nmark++;
            }
    } else if (kind == K_ANY) {
        int i = gt_tax_find(t, name, strlen(name));
        if (i >= 0) { mark[i] = 1; nmark++; }
        else if (is_glob(name)) {
            for (int j = 0; j < t->n; j++)
                if (fnmatch(name, t->cat[j].code, 0) == 0) { mark[j] = 1; nmark++; }
            if (nmark) {
                s->globs = gt_xrealloc(s->globs, sizeof *s->globs * (size_t)(s->nglobs + 1));
                s->globs[s->nglobs++] = gt_xstrdup(name);
            }
        }
    }
    if (nmark == 0) {
        free(mark);
        const char *what = kind == K_GROUP ? "group" : kind == K_ARCHIVE ? "archive" : "category";
        if (kind == K_ANY && is_glob(name)) {
            snprintf(err, errsz, "no category matches '%s'", sel);
            return -1;
        }
        const char *sug = suggest(t, name, kind == K_GROUP ? N_GROUP : kind == K_ARCHIVE ? N_ARCHIVE : N_ANY);
        if (sug)
            snprintf(err, errsz, "unknown %s '%s' (did you mean '%s%s'?)", what, name,
                     kind == K_GROUP ? "group:" : kind == K_ARCHIVE ? "archive:" : "", sug);
        else
            snprintf(err, errsz, "unknown %s '%s'", what, name);
        return -1;
    }
    if (!s->literal) {
        /* closure: take every class touched */
        unsigned char *cls = gt_xcalloc((size_t)t->n + 1, 1);
        for (int i = 0; i < t->n; i++) if (mark[i]) cls[t->cat[i].cls] = 1;
        for (int i = 0; i < t->n; i++) if (cls[t->cat[i].cls]) s->in[i] = 1;
        free(cls);
    } else {
        for (int i = 0; i < t->n; i++) if (mark[i]) s->in[i] = 1;
    }
    free(mark);
    s->nsel++;
    return 0;
}

int gt_catset_match(const gt_catset *s, const char *code, size_t n)
{
    int i = gt_tax_find(s->tax, code, n);
    if (i >= 0) return s->in[i];
    if (s->nglobs == 0 || n >= 128) return 0;
    char buf[128];
    memcpy(buf, code, n);
    buf[n] = 0;
    for (int g = 0; g < s->nglobs; g++)
        if (fnmatch(s->globs[g], buf, 0) == 0) return 1;
    return 0;
}
