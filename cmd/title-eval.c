/* title-eval - score generated titles against the real ones.
 *
 * title-eval --ref FILE [--hyp FILE] [OPTIONS]
 * ROUGE-1/2/L F1 x100 as Google's rouge-score computes them (lib/eval/rouge.h), with
 * bootstrap confidence intervals, mean lengths, the share of titles copied
 * verbatim from the abstract, a per-category breakdown, and three baselines
 * built from each abstract: its first sentence, its first 12 words, and its
 * best single sentence by ROUGE-L (an extractive oracle). */
#include "io/input.h"
#include "io/output.h"
#include "core/progress.h"
#include "eval/rouge.h"
#include "core/util.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static noreturn void usage(void)
{
    printf(
"Usage: %s --ref FILE [--hyp FILE] [OPTIONS]\n"
"       %s --tokenize [FILE]...\n"
"Score generated titles against the real ones: ROUGE-1/2/L F1 x100 as Google's\n"
"rouge-score computes them (lower-case, its tokenisation, Porter stemming), mean\n"
"of per-example F1 with 95%% bootstrap intervals, mean length in words, and the\n"
"share of titles found verbatim in the abstract. Baselines are always scored\n"
"beside the model: the abstract's first sentence, its first 12 words, and its\n"
"best single sentence by ROUGE-L (an extractive oracle).\n"
"\n"
"Options:\n"
"  -r, --ref FILE          references: pair-build pairs (output, input) or records\n"
"                          (title, abstract); plain or zstd\n"
"  -y, --hyp FILE          hypotheses: title-gen output (first of \"titles\"), or\n"
"                          lines with \"title\" or \"output\"; joined to the\n"
"                          references by \"id\" when both have ids, else by line\n"
"                          order. Without --hyp only the baselines are scored\n"
"  -n, --name NAME         the model's name in the report (default: model)\n"
"  -j, --json              one JSON object for scripts instead of the table\n"
"  -e, --per-example       one TSV line per example and system instead of the table\n"
"  -c, --by-category[=N]   add a breakdown by primary category, the N most\n"
"                          frequent (default 10)\n"
"  -b, --bootstrap N       bootstrap resamples for the intervals (default 1000;\n"
"                          0: no intervals)\n"
"      --seed N            bootstrap random seed (default 1)\n"
"      --no-stem           no Porter stemming (rouge-score's use_stemmer=False)\n"
"      --tokenize          print the ROUGE tokens of each line of the FILEs (or\n"
"                          standard input), and exit\n"
"      --strict            stop at the first malformed line\n"
"      --progress          show progress on standard error even when not a terminal\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage, 65 malformed lines or no examples, 66 unopenable\n"
"input, 74 I/O error.\n",
        gt_progname, gt_progname);
    exit(0);
}

enum { O_SEED = 256, O_NOSTEM, O_TOKENIZE, O_STRICT, O_PROGRESS, O_VERSION };

static const struct option longopts[] = {
    { "ref", required_argument, NULL, 'r' },
    { "hyp", required_argument, NULL, 'y' },
    { "name", required_argument, NULL, 'n' },
    { "json", no_argument, NULL, 'j' },
    { "per-example", no_argument, NULL, 'e' },
    { "by-category", optional_argument, NULL, 'c' },
    { "bootstrap", required_argument, NULL, 'b' },
    { "seed", required_argument, NULL, O_SEED },
    { "no-stem", no_argument, NULL, O_NOSTEM },
    { "tokenize", no_argument, NULL, O_TOKENIZE },
    { "strict", no_argument, NULL, O_STRICT },
    { "progress", no_argument, NULL, O_PROGRESS },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, O_VERSION },
    { NULL, 0, NULL, 0 }
};

#define MAX_LINE ((size_t)1 << 26)
#define NMET 3              /* ROUGE-1, ROUGE-2, ROUGE-L */
#define MAXSYS 4
#define LEAD_WORDS 12

static const char *const metric_name[NMET] = { "ROUGE-1", "ROUGE-2", "ROUGE-L" };
static const char *const metric_key[NMET] = { "rouge1", "rouge2", "rougeL" };

typedef struct {
    const char *ref, *hyp, *name;
    int json, per_example, by_cat, strict, progress, stem;
    long long bootstrap;
    unsigned long long seed;
} opts;

/* ---- growable byte buffer ---- */
typedef struct { char *p; size_t n, cap; } buf;

static void buf_reserve(buf *b, size_t n)
{
    if (n <= b->cap) return;
    b->cap = n > 2 * b->cap ? n : 2 * b->cap;
    b->p = gt_xrealloc(b->p, b->cap);
}

/* ---- JSON lines through yajl's tree parser (lines may nest) ---- */
static yajl_val obj_get(yajl_val o, const char *key)
{
    if (!YAJL_IS_OBJECT(o)) return NULL;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (strcmp(o->u.object.keys[i], key) == 0) return o->u.object.values[i];
    return NULL;
}

static const char *obj_str(yajl_val o, const char *key)
{
    yajl_val v = obj_get(o, key);
    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

/* "id": a string, or a number as written */
static const char *obj_id(yajl_val o)
{
    yajl_val v = obj_get(o, "id");
    if (YAJL_IS_STRING(v)) return v->u.string;
    if (YAJL_IS_NUMBER(v)) return YAJL_GET_NUMBER(v);
    return NULL;
}

/* Parse LINE into *V; on failure a reason in ERR. */
static int parse_line(buf *tmp, const char *line, size_t len, yajl_val *v, char *err, size_t errsz)
{
    buf_reserve(tmp, len + 1);
    memcpy(tmp->p, line, len);
    tmp->p[len] = 0;
    char ebuf[256];
    *v = yajl_tree_parse(tmp->p, ebuf, sizeof ebuf);
    if (!*v) {
        /* yajl's message spans lines; keep the first */
        ebuf[strcspn(ebuf, "\n")] = 0;
        snprintf(err, errsz, "invalid JSON: %s", ebuf[0] ? ebuf : "parse error");
        return -1;
    }
    if (!YAJL_IS_OBJECT(*v)) {
        yajl_tree_free(*v);
        *v = NULL;
        snprintf(err, errsz, "not a JSON object");
        return -1;
    }
    return 0;
}

/* ---- string table: id -> index (open addressing) ---- */
typedef struct {
    char **key; int *val; size_t cap, n;
} strmap;

static void map_grow(strmap *m);

static int *map_slot(strmap *m, const char *k, int insert)
{
    if (insert && (m->n + 1) * 2 > m->cap) map_grow(m);
    if (!m->cap) return NULL;
    size_t h = gt_hash64(k, strlen(k), 7) & (m->cap - 1);
    while (m->key[h]) {
        if (strcmp(m->key[h], k) == 0) return &m->val[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (!insert) return NULL;
    m->key[h] = gt_xstrdup(k);
    m->val[h] = -1;
    m->n++;
    return &m->val[h];
}

static void map_grow(strmap *m)
{
    strmap n = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
    n.key = gt_xcalloc(n.cap, sizeof *n.key);
    n.val = gt_xcalloc(n.cap, sizeof *n.val);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i]) continue;
        size_t h = gt_hash64(m->key[i], strlen(m->key[i]), 7) & (n.cap - 1);
        while (n.key[h]) h = (h + 1) & (n.cap - 1);
        n.key[h] = m->key[i];
        n.val[h] = m->val[i];
        n.n++;
    }
    free(m->key);
    free(m->val);
    *m = n;
}

static void map_free(strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->key[i]);
    free(m->key);
    free(m->val);
}

/* ---- hypotheses ---- */
typedef struct {
    char **title;       /* NULL: the line was malformed */
    char **id;          /* NULL entries when a line had no id */
    int n, cap, all_ids, used_any;
    unsigned char *used;
    strmap byid;
    long nbad, nread;
} hyps;

/* The hypothesis title of a parsed line: the first of "titles" (title-gen
 * output: strings or {"title": ...} objects), else "title", else "output".
 * Returns NULL when there is none. */
static const char *hyp_title(yajl_val v, char *err, size_t errsz)
{
    yajl_val t = obj_get(v, "titles");
    if (t && !YAJL_IS_NULL(t)) {
        if (!YAJL_IS_ARRAY(t)) { snprintf(err, errsz, "\"titles\" is not an array"); return NULL; }
        if (t->u.array.len == 0) return "";       /* the model gave nothing */
        yajl_val f = t->u.array.values[0];
        if (YAJL_IS_STRING(f)) return f->u.string;
        const char *s = obj_str(f, "title");
        if (s) return s;
        snprintf(err, errsz, "\"titles\"[0] has no \"title\" string");
        return NULL;
    }
    const char *s = obj_str(v, "title");
    if (!s) s = obj_str(v, "output");
    if (!s) snprintf(err, errsz, "no \"titles\", \"title\" or \"output\" field");
    return s;
}

static int load_hyps(hyps *h, const char *path, const opts *o)
{
    gt_reader *r = gt_reader_open(path, MAX_LINE);
    if (!r) exit(EX_NOINPUT);
    buf tmp = { 0 };
    const char *line;
    size_t len;
    int st;
    h->all_ids = 1;
    while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
        if (st == GT_READ_ERROR) {
            gt_warn("%s: %s", gt_reader_name(r), gt_reader_error(r));
            exit(gt_reader_error_code(r));
        }
        h->nread++;
        char err[320];
        yajl_val v = NULL;
        const char *title = NULL, *id = NULL;
        if (st == GT_READ_TOOLONG)
            snprintf(err, sizeof err, "line longer than %zu bytes", (size_t)MAX_LINE);
        else if (parse_line(&tmp, line, len, &v, err, sizeof err) == 0)
            title = hyp_title(v, err, sizeof err);
        if (title) id = obj_id(v);
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 1024;
            h->title = gt_xrealloc(h->title, (size_t)h->cap * sizeof *h->title);
            h->id = gt_xrealloc(h->id, (size_t)h->cap * sizeof *h->id);
        }
        int idx = h->n++;
        h->title[idx] = title ? gt_xstrdup(title) : NULL;
        h->id[idx] = id ? gt_xstrdup(id) : NULL;
        if (v) yajl_tree_free(v);
        if (!title) {
            h->nbad++;
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", err);
            if (o->strict) exit(EX_DATAERR);
            continue;
        }
        if (!id) { h->all_ids = 0; continue; }
        id = h->id[idx];                /* the tree is freed */
        int *slot = map_slot(&h->byid, id, 1);
        if (*slot >= 0)
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r),
                      "duplicate id \"%.100s\" (the first is kept)", id);
        else
            *slot = idx;
    }
    gt_reader_close(r);
    free(tmp.p);
    h->used = gt_xcalloc((size_t)h->n + 1, 1);
    return 0;
}

/* ---- per-example results ---- */
typedef struct {
    int nsys;
    const char *sys[MAXSYS];
    size_t n, cap;
    double *score;          /* n x nsys x NMET, F1 x 100 */
    double *words;          /* n x (nsys + 1): the last is the reference */
    unsigned char *verb;    /* n x (nsys + 1) */
    int *cat;
    strmap cats;
    char **catname; int ncat, catcap;
    long missing;
} results;

static int cat_index(results *R, const char *c)
{
    int *slot = map_slot(&R->cats, c, 1);
    if (*slot < 0) {
        if (R->ncat == R->catcap) {
            R->catcap = R->catcap ? R->catcap * 2 : 64;
            R->catname = gt_xrealloc(R->catname, (size_t)R->catcap * sizeof *R->catname);
        }
        R->catname[R->ncat] = gt_xstrdup(c);
        *slot = R->ncat++;
    }
    return *slot;
}

/* The primary category: "primary_category", else the first of "categories"
 * (an array, or a space-separated string as in the arXiv dump). */
static void primary_cat(yajl_val v, char *out, size_t outsz)
{
    const char *p = obj_str(v, "primary_category");
    yajl_val c = obj_get(v, "categories");
    size_t n = 0;
    if (!p || !*p) {
        p = NULL;
        if (YAJL_IS_ARRAY(c) && c->u.array.len > 0 && YAJL_IS_STRING(c->u.array.values[0]))
            p = c->u.array.values[0]->u.string;
        else if (YAJL_IS_STRING(c))
            p = c->u.string;
        if (p) {
            p += strspn(p, " ");
            n = strcspn(p, " ");
        }
    } else {
        n = strlen(p);
    }
    if (!p || n == 0) { p = "(none)"; n = 6; }
    if (n >= outsz) n = outsz - 1;
    memcpy(out, p, n);
    out[n] = 0;
}

/* ---- scoring one example ---- */
typedef struct {
    gt_rouge *g;
    gt_rouge_seq ref, hyp, best;
    buf abs, absl, h1, h2;
} scorer;

typedef struct { double f[NMET]; double words; int verbatim; } sysres;

/* Lower-cased squeezed TEXT is non-empty and inside the lower-cased abstract. */
static int verbatim(scorer *S, const char *text, size_t n)
{
    buf_reserve(&S->h2, n + 1);
    size_t k = gt_rouge_squeeze(text, n, S->h2.p, 1);
    return k > 0 && memmem(S->absl.p, S->absl.n, S->h2.p, k) != NULL;
}

static void score_text(scorer *S, const char *text, size_t n, sysres *out)
{
    gt_rouge_tokenize(S->g, text, n, &S->hyp);
    out->f[0] = 100 * gt_rouge_n(S->g, &S->ref, &S->hyp, 1).f;
    out->f[1] = 100 * gt_rouge_n(S->g, &S->ref, &S->hyp, 2).f;
    out->f[2] = 100 * gt_rouge_l(S->g, &S->ref, &S->hyp).f;
    buf_reserve(&S->h1, n + 1);
    size_t k = gt_rouge_squeeze(text, n, S->h1.p, 0);
    out->words = (double)gt_rouge_count_words(S->h1.p, k);
    out->verbatim = verbatim(S, text, n);
}

/* Baselines from the squeezed abstract in S->abs. */
static void baselines(scorer *S, sysres *first, sysres *lead, sysres *oracle)
{
    const char *a = S->abs.p;
    size_t n = S->abs.n;
    score_text(S, a, gt_rouge_sentence_end(a, n, 0), first);
    size_t w = 0, end = 0;
    for (size_t i = 0; i <= n; i++)
        if ((i == n || a[i] == ' ') && i > 0 && a[i - 1] != ' ') {
            end = i;
            if (++w == LEAD_WORDS) break;
        }
    score_text(S, a, end, lead);
    /* oracle: the sentence with the best ROUGE-L F1 (the first of equals) */
    size_t bs = 0, be = 0;
    double best = -1;
    for (size_t pos = 0; pos < n;) {
        size_t e = gt_rouge_sentence_end(a, n, pos);
        gt_rouge_tokenize(S->g, a + pos, e - pos, &S->hyp);
        double f = gt_rouge_l(S->g, &S->ref, &S->hyp).f;
        if (f > best) { best = f; bs = pos; be = e; }
        pos = e + 1;
    }
    score_text(S, a + bs, be - bs, oracle);
}

static void push_result(results *R, const sysres *s, int nsys, double refwords, int refverb, int cat)
{
    if (R->n == R->cap) {
        R->cap = R->cap ? R->cap * 2 : 1024;
        R->score = gt_xrealloc(R->score, R->cap * (size_t)nsys * NMET * sizeof *R->score);
        R->words = gt_xrealloc(R->words, R->cap * (size_t)(nsys + 1) * sizeof *R->words);
        R->verb = gt_xrealloc(R->verb, R->cap * (size_t)(nsys + 1));
        R->cat = gt_xrealloc(R->cat, R->cap * sizeof *R->cat);
    }
    size_t i = R->n++;
    for (int k = 0; k < nsys; k++) {
        for (int m = 0; m < NMET; m++) R->score[(i * (size_t)nsys + (size_t)k) * NMET + (size_t)m] = s[k].f[m];
        R->words[i * (size_t)(nsys + 1) + (size_t)k] = s[k].words;
        R->verb[i * (size_t)(nsys + 1) + (size_t)k] = (unsigned char)s[k].verbatim;
    }
    R->words[i * (size_t)(nsys + 1) + (size_t)nsys] = refwords;
    R->verb[i * (size_t)(nsys + 1) + (size_t)nsys] = (unsigned char)refverb;
    R->cat[i] = cat;
}

static void put_fmt(gt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(gt_out *o, const char *fmt, ...)
{
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    if (n > 0) gt_out_write(o, b, (size_t)n < sizeof b ? (size_t)n : sizeof b - 1);
}

/* TSV field: tabs and newlines would break the line; write them as spaces. */
static void put_field(gt_out *o, const char *s)
{
    for (; *s; s++) gt_out_putc(o, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

/* Read and score the references; returns the exit status so far. */
static int score_refs(gt_reader *r, const opts *o, hyps *H, results *R, gt_out *out)
{
    scorer S;
    memset(&S, 0, sizeof S);
    S.g = gt_rouge_new(o->stem);
    buf tmp = { 0 };
    int by_id = -1;         /* decided at the first reference */
    long nread = 0, nbad = 0, nhyp_next = 0;
    int status = 0;
    gt_progress pg;
    gt_progress_start(&pg, gt_progress_wanted(o->progress), gt_reader_size(r));
    if (o->per_example) gt_out_str(out, "id\tsystem\trouge1\trouge2\trougeL\twords\tverbatim\n");
    const char *line;
    size_t len;
    int st;
    while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
        if (st == GT_READ_ERROR) {
            gt_out_flush(out);
            gt_warn("%s: %s", gt_reader_name(r), gt_reader_error(r));
            status = gt_reader_error_code(r);
            break;
        }
        nread++;
        char err[320];
        yajl_val v = NULL;
        const char *title = NULL, *abs = NULL, *id = NULL;
        int bad = 1;
        if (st == GT_READ_TOOLONG) {
            snprintf(err, sizeof err, "line longer than %zu bytes", (size_t)MAX_LINE);
        } else if (parse_line(&tmp, line, len, &v, err, sizeof err) == 0) {
            title = obj_str(v, "title");
            if (!title) title = obj_str(v, "output");
            abs = obj_str(v, "abstract");
            if (!abs) abs = obj_str(v, "input");
            id = obj_id(v);
            if (!title) snprintf(err, sizeof err, "no \"title\" or \"output\" field");
            else if (!abs) snprintf(err, sizeof err, "no \"abstract\" or \"input\" field");
            else bad = 0;
            if (!bad && H) {
                if (by_id < 0) by_id = H->all_ids && id;
                if (by_id && !id) {
                    snprintf(err, sizeof err, "no \"id\" (hypotheses are joined by id)");
                    bad = 1;
                }
            }
        }
        if (bad) {
            if (v) yajl_tree_free(v);
            nbad++;
            if (o->strict) gt_out_flush(out);
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", err);
            if (o->strict) { status = EX_DATAERR; break; }
            continue;
        }
        /* the abstract, squeezed, and lower-cased for the verbatim test */
        size_t an = strlen(abs);
        buf_reserve(&S.abs, an + 1);
        buf_reserve(&S.absl, an + 1);
        S.abs.n = gt_rouge_squeeze(abs, an, S.abs.p, 0);
        S.absl.n = gt_rouge_squeeze(abs, an, S.absl.p, 1);
        size_t tn = strlen(title);
        gt_rouge_tokenize(S.g, title, tn, &S.ref);

        sysres res[MAXSYS];
        int k = 0;
        if (H) {
            const char *h = NULL;
            if (by_id) {
                int *slot = map_slot(&H->byid, id, 0);
                if (slot && *slot >= 0) { h = H->title[*slot]; H->used[*slot] = 1; }
            } else {
                /* line order: the next hypothesis line, malformed ones included */
                if (nhyp_next < H->n) h = H->title[nhyp_next];
                nhyp_next++;
            }
            if (!h) { R->missing++; h = ""; }
            score_text(&S, h, strlen(h), &res[k++]);
        }
        baselines(&S, &res[k], &res[k + 1], &res[k + 2]);
        k += 3;
        /* the reference title's own length and verbatim share */
        buf_reserve(&S.h1, tn + 1);
        size_t sq = gt_rouge_squeeze(title, tn, S.h1.p, 0);
        double refwords = (double)gt_rouge_count_words(S.h1.p, sq);
        int refverb = verbatim(&S, title, tn);
        char cat[128];
        primary_cat(v, cat, sizeof cat);
        push_result(R, res, k, refwords, refverb, cat_index(R, cat));
        if (o->per_example) {
            char idbuf[32];
            if (!id) { snprintf(idbuf, sizeof idbuf, "%ld", gt_reader_lineno(r)); id = idbuf; }
            for (int s = 0; s < k; s++) {
                put_field(out, id);
                gt_out_putc(out, '\t');
                put_field(out, R->sys[s]);
                put_fmt(out, "\t%.6f\t%.6f\t%.6f\t%.0f\t%d\n", res[s].f[0], res[s].f[1], res[s].f[2],
                        res[s].words, res[s].verbatim);
            }
        }
        yajl_tree_free(v);
        if ((nread & 255) == 0) gt_progress_update(&pg, gt_reader_bytes_in(r), (uint64_t)nread);
    }
    gt_progress_end(&pg, gt_reader_bytes_in(r), (uint64_t)nread);
    gt_reader_close(r);
    gt_rouge_seq_free(&S.ref); gt_rouge_seq_free(&S.hyp); gt_rouge_seq_free(&S.best);
    free(S.abs.p); free(S.absl.p); free(S.h1.p); free(S.h2.p); free(tmp.p);
    gt_rouge_free(S.g);
    if (status) return status;
    gt_out_flush(out);

    if (H) {
        if (R->missing)
            gt_warn("%ld of %zu references have no hypothesis (scored 0)", R->missing, R->n);
        if (by_id == 1) {
            long unused = 0;
            for (int i = 0; i < H->n; i++)
                if (H->title[i] && H->id[i] && !H->used[i]) {
                    int *slot = map_slot(&H->byid, H->id[i], 0);
                    if (slot && *slot == i) unused++;
                }
            if (unused) gt_warn("%ld hypotheses match no reference id (ignored)", unused);
        } else if (by_id == 0 && nhyp_next < H->n) {
            gt_warn("%ld hypotheses after the last reference (ignored)", (long)H->n - nhyp_next);
        }
    }
    if (nbad && !o->strict)
        gt_warn("%ld of %ld records skipped (malformed)", nbad, nread);
    if (nbad) return EX_DATAERR;
    return 0;
}

/* ---- statistics ---- */
static uint64_t rng_next(uint64_t s[4])    /* xoshiro256** */
{
    uint64_t r = s[1] * 5;
    r = ((r << 7) | (r >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return r;
}

static void rng_seed(uint64_t s[4], uint64_t seed)  /* splitmix64 */
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        s[i] = z ^ (z >> 31);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Percentile Q (0..1) of sorted V[0..n), interpolating linearly (numpy's default). */
static double percentile(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= n) return v[n - 1];
    return v[lo] + (v[lo + 1] - v[lo]) * (pos - (double)lo);
}

typedef struct {
    double mean[MAXSYS][NMET], lo[MAXSYS][NMET], hi[MAXSYS][NMET];
    double words[MAXSYS + 1], verb[MAXSYS + 1];
} summary;

static void summarize(const results *R, const opts *o, summary *sm)
{
    int ns = R->nsys;
    size_t n = R->n;
    memset(sm, 0, sizeof *sm);
    for (size_t i = 0; i < n; i++) {
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < NMET; m++) sm->mean[s][m] += R->score[(i * (size_t)ns + (size_t)s) * NMET + (size_t)m];
        for (int s = 0; s <= ns; s++) {
            sm->words[s] += R->words[i * (size_t)(ns + 1) + (size_t)s];
            sm->verb[s] += R->verb[i * (size_t)(ns + 1) + (size_t)s];
        }
    }
    for (int s = 0; s < ns; s++)
        for (int m = 0; m < NMET; m++) sm->mean[s][m] /= (double)n;
    for (int s = 0; s <= ns; s++) {
        sm->words[s] /= (double)n;
        sm->verb[s] = 100 * sm->verb[s] / (double)n;
    }
    if (o->bootstrap <= 0) return;
    /* paired bootstrap: the same resampled examples for every system */
    size_t B = (size_t)o->bootstrap, k = (size_t)ns * NMET;
    double *means = gt_xcalloc(B * k, sizeof *means), *acc = gt_xcalloc(k, sizeof *acc);
    uint64_t st[4];
    rng_seed(st, o->seed);
    for (size_t b = 0; b < B; b++) {
        memset(acc, 0, k * sizeof *acc);
        for (size_t j = 0; j < n; j++) {
            size_t i = (size_t)(((unsigned __int128)rng_next(st) * n) >> 64);
            const double *row = R->score + i * k;
            for (size_t c = 0; c < k; c++) acc[c] += row[c];
        }
        for (size_t c = 0; c < k; c++) means[c * B + b] = acc[c] / (double)n;
    }
    for (size_t c = 0; c < k; c++) {
        double *v = means + c * B;
        qsort(v, B, sizeof *v, cmp_double);
        sm->lo[c / NMET][c % NMET] = percentile(v, B, 0.025);
        sm->hi[c / NMET][c % NMET] = percentile(v, B, 0.975);
    }
    free(means);
    free(acc);
}

/* Categories by count (then name), the first LIMIT; per-category means. */
typedef struct { int cat; size_t n; double mean[MAXSYS][NMET]; } catsum;

static char **g_catname;    /* for cmp_catsum */
static int cmp_catsum(const void *a, const void *b)
{
    const catsum *x = a, *y = b;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    return strcmp(g_catname[x->cat], g_catname[y->cat]);
}

static catsum *by_category(const results *R, int *count)
{
    int ns = R->nsys;
    catsum *c = gt_xcalloc((size_t)R->ncat + 1, sizeof *c);
    for (int i = 0; i < R->ncat; i++) c[i].cat = i;
    for (size_t i = 0; i < R->n; i++) {
        catsum *e = &c[R->cat[i]];
        e->n++;
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < NMET; m++) e->mean[s][m] += R->score[(i * (size_t)ns + (size_t)s) * NMET + (size_t)m];
    }
    for (int i = 0; i < R->ncat; i++)
        for (int s = 0; s < ns; s++)
            for (int m = 0; m < NMET; m++) c[i].mean[s][m] /= (double)c[i].n;
    g_catname = R->catname;
    qsort(c, (size_t)R->ncat, sizeof *c, cmp_catsum);
    *count = R->ncat;
    return c;
}

static void report_table(gt_out *out, const opts *o, const results *R, const summary *sm)
{
    int ns = R->nsys;
    put_fmt(out, "references: %s (%zu examples)\n", o->ref, R->n);
    if (o->hyp) put_fmt(out, "hypotheses: %s (%ld missing, scored 0)\n", o->hyp, R->missing);
    else put_fmt(out, "hypotheses: none (baselines only)\n");
    put_fmt(out, "ROUGE F1 x100, mean over examples (rouge-score tokens%s)", o->stem ? ", Porter stemming" : "");
    if (o->bootstrap > 0)
        put_fmt(out, "; [95%% bootstrap interval, %lld resamples, seed %llu]", o->bootstrap, o->seed);
    put_fmt(out, "\n\n");
    int cw = o->bootstrap > 0 ? 21 : 8;
    size_t namew = 15;
    for (int s = 0; s < ns; s++) if (strlen(R->sys[s]) > namew) namew = strlen(R->sys[s]);
    put_fmt(out, "%-*s", (int)namew, "system");
    for (int m = 0; m < NMET; m++) put_fmt(out, "  %-*s", cw, metric_name[m]);
    put_fmt(out, "  %6s  %8s\n", "words", "verbatim");
    for (int s = 0; s <= ns; s++) {
        put_fmt(out, "%-*s", (int)namew, s < ns ? R->sys[s] : "reference");
        for (int m = 0; m < NMET; m++) {
            if (s == ns) put_fmt(out, "  %*s", cw, "-");
            else if (o->bootstrap > 0)
                put_fmt(out, "  %6.2f [%5.2f, %5.2f]", sm->mean[s][m], sm->lo[s][m], sm->hi[s][m]);
            else put_fmt(out, "  %*.2f", cw, sm->mean[s][m]);
        }
        put_fmt(out, "  %6.2f  %7.1f%%\n", sm->words[s], sm->verb[s]);
    }
    if (!o->by_cat) return;
    int nc;
    catsum *c = by_category(R, &nc);
    int show = nc < o->by_cat ? nc : o->by_cat;
    put_fmt(out, "\nby primary category (%d most frequent of %d), ROUGE F1 x100:\n\n", show, nc);
    size_t catw = 8;
    for (int i = 0; i < show; i++) if (strlen(R->catname[c[i].cat]) > catw) catw = strlen(R->catname[c[i].cat]);
    put_fmt(out, "%-*s  %6s  %-*s  %7s  %7s  %7s\n", (int)catw, "category", "n", (int)namew, "system",
            metric_name[0], metric_name[1], metric_name[2]);
    for (int i = 0; i < show; i++) {
        for (int s = 0; s < ns; s++) {
            if (s == 0) put_fmt(out, "%-*s  %6zu", (int)catw, R->catname[c[i].cat], c[i].n);
            else put_fmt(out, "%-*s  %6s", (int)catw, "", "");
            put_fmt(out, "  %-*s  %7.2f  %7.2f  %7.2f\n", (int)namew, R->sys[s], c[i].mean[s][0],
                    c[i].mean[s][1], c[i].mean[s][2]);
        }
    }
    free(c);
}

static void report_json(gt_out *out, const opts *o, const results *R, const summary *sm)
{
    int ns = R->nsys;
    gt_out_str(out, "{\"ref\":");
    gt_out_json_str(out, o->ref, strlen(o->ref));
    gt_out_str(out, ",\"hyp\":");
    if (o->hyp) gt_out_json_str(out, o->hyp, strlen(o->hyp));
    else gt_out_str(out, "null");
    put_fmt(out, ",\"examples\":%zu,\"missing\":%ld,\"stemming\":%s,\"bootstrap\":%lld,\"seed\":%llu,\"systems\":[",
            R->n, R->missing, o->stem ? "true" : "false", o->bootstrap > 0 ? o->bootstrap : 0, o->seed);
    for (int s = 0; s < ns; s++) {
        gt_out_str(out, s ? ",{\"name\":" : "{\"name\":");
        gt_out_json_str(out, R->sys[s], strlen(R->sys[s]));
        for (int m = 0; m < NMET; m++) {
            put_fmt(out, ",\"%s\":%.4f", metric_key[m], sm->mean[s][m]);
            if (o->bootstrap > 0)
                put_fmt(out, ",\"%s_ci\":[%.4f,%.4f]", metric_key[m], sm->lo[s][m], sm->hi[s][m]);
        }
        put_fmt(out, ",\"mean_words\":%.4f,\"verbatim_pct\":%.4f}", sm->words[s], sm->verb[s]);
    }
    put_fmt(out, "],\"reference\":{\"mean_words\":%.4f,\"verbatim_pct\":%.4f}", sm->words[ns], sm->verb[ns]);
    if (o->by_cat) {
        int nc;
        catsum *c = by_category(R, &nc);
        int show = nc < o->by_cat ? nc : o->by_cat;
        put_fmt(out, ",\"categories_total\":%d,\"categories\":[", nc);
        for (int i = 0; i < show; i++) {
            gt_out_str(out, i ? ",{\"category\":" : "{\"category\":");
            gt_out_json_str(out, R->catname[c[i].cat], strlen(R->catname[c[i].cat]));
            put_fmt(out, ",\"n\":%zu,\"systems\":[", c[i].n);
            for (int s = 0; s < ns; s++) {
                gt_out_str(out, s ? ",{\"name\":" : "{\"name\":");
                gt_out_json_str(out, R->sys[s], strlen(R->sys[s]));
                for (int m = 0; m < NMET; m++) put_fmt(out, ",\"%s\":%.4f", metric_key[m], c[i].mean[s][m]);
                gt_out_putc(out, '}');
            }
            gt_out_str(out, "]}");
        }
        gt_out_putc(out, ']');
        free(c);
    }
    gt_out_str(out, "}\n");
}

/* --tokenize: the ROUGE tokens of each input line. */
static int tokenize_files(gt_out *out, char **files, int nfiles, int stem)
{
    const char *dash = "-";
    if (nfiles == 0) { files = (char **)&dash; nfiles = 1; }
    gt_rouge *g = gt_rouge_new(stem);
    gt_rouge_seq seq = { 0 };
    int status = 0;
    for (int f = 0; f < nfiles && !status; f++) {
        gt_reader *r = gt_reader_open(files[f], MAX_LINE);
        if (!r) exit(EX_NOINPUT);
        const char *line;
        size_t len;
        int st;
        while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
            if (st == GT_READ_ERROR) {
                gt_out_flush(out);
                gt_warn("%s: %s", gt_reader_name(r), gt_reader_error(r));
                status = gt_reader_error_code(r);
                break;
            }
            if (st == GT_READ_TOOLONG) {
                gt_out_flush(out);
                gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "line longer than %zu bytes",
                          (size_t)MAX_LINE);
                status = EX_DATAERR;
                continue;
            }
            gt_rouge_tokenize(g, line, len, &seq);
            for (size_t i = 0; i < seq.n; i++) {
                size_t wl;
                const char *w = gt_rouge_word(g, seq.id[i], &wl);
                if (i) gt_out_putc(out, ' ');
                gt_out_write(out, w, wl);
            }
            gt_out_putc(out, '\n');
        }
        gt_reader_close(r);
    }
    gt_rouge_seq_free(&seq);
    gt_rouge_free(g);
    return status;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    opts o = { NULL, NULL, "model", 0, 0, 0, 0, 0, 1, 1000, 1 };
    int tokenize = 0;
    int c;
    while ((c = getopt_long(argc, argv, "r:y:n:jec::b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o.ref = optarg; break;
        case 'y': o.hyp = optarg; break;
        case 'n':
            if (!*optarg) gt_usage_error("--name: empty name");
            o.name = optarg;
            break;
        case 'j': o.json = 1; break;
        case 'e': o.per_example = 1; break;
        case 'c': o.by_cat = optarg ? (int)gt_parse_ll("--by-category", optarg, 1, 100000) : 10; break;
        case 'b': o.bootstrap = gt_parse_ll("--bootstrap", optarg, 0, 1000000); break;
        case O_SEED: o.seed = (unsigned long long)gt_parse_ll("--seed", optarg, 0, 0x7fffffffffffffffLL); break;
        case O_NOSTEM: o.stem = 0; break;
        case O_TOKENIZE: tokenize = 1; break;
        case O_STRICT: o.strict = 1; break;
        case O_PROGRESS: o.progress = 1; break;
        case 'h': usage();
        case O_VERSION: gt_print_version();
        default: gt_usage_error("bad option");
        }
    }
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    if (tokenize) {
        if (o.ref || o.hyp) gt_usage_error("--tokenize reads FILE arguments, not --ref/--hyp");
        int status = tokenize_files(&out, argv + optind, argc - optind, o.stem);
        gt_out_flush(&out);
        gt_out_free(&out);
        return status;
    }
    if (optind < argc) gt_usage_error("unexpected argument '%s' (use --ref and --hyp)", argv[optind]);
    if (!o.ref) gt_usage_error("no --ref file given");
    if (o.json && o.per_example) gt_usage_error("--json and --per-example exclude each other");

    /* open the references first: a missing file stops us before any work */
    gt_reader *ref = gt_reader_open(o.ref, MAX_LINE);
    if (!ref) exit(EX_NOINPUT);
    hyps H;
    memset(&H, 0, sizeof H);
    if (o.hyp) load_hyps(&H, o.hyp, &o);

    results R;
    memset(&R, 0, sizeof R);
    if (o.hyp) R.sys[R.nsys++] = o.name;
    R.sys[R.nsys++] = "first-sentence";
    R.sys[R.nsys++] = "first-12-words";
    R.sys[R.nsys++] = "oracle-sentence";
    int status = score_refs(ref, &o, o.hyp ? &H : NULL, &R, &out);
    if (H.nbad) {
        gt_warn("%ld of %ld hypotheses skipped (malformed)", H.nbad, H.nread);
        if (!status) status = EX_DATAERR;
    }
    if (!o.per_example && (status == 0 || status == EX_DATAERR)) {
        if (R.n == 0) {
            gt_warn("%s: no examples to score", o.ref);
            status = EX_DATAERR;
        } else if (!(o.strict && status)) {
            summary sm;
            summarize(&R, &o, &sm);
            if (o.json) report_json(&out, &o, &R, &sm);
            else report_table(&out, &o, &R, &sm);
        }
    }
    gt_out_flush(&out);
    gt_out_free(&out);
    for (int i = 0; i < H.n; i++) { free(H.title[i]); free(H.id[i]); }
    free(H.title); free(H.id); free(H.used);
    map_free(&H.byid);
    free(R.score); free(R.words); free(R.verb); free(R.cat);
    for (int i = 0; i < R.ncat; i++) free(R.catname[i]);
    free(R.catname);
    map_free(&R.cats);
    return status;
}
