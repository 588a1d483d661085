/* arxiv.c - the arXiv dump schema over yajl's callback parser.
 *
 * One dump line is one JSON object with 14 keys; nested values are `versions`
 * (array of {version, created}) and `authors_parsed` (array of arrays), which we
 * walk without storing. Strings we keep are copied into one arena that is reused
 * from line to line, so the steady state allocates nothing but yajl's handle. */
#include "arxiv/arxiv.h"
#include "io/jsonscan.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

const char *const gt_arxiv_field_names[GT_F_COUNT] = {
    "id", "title", "abstract", "categories", "primary_category", "authors",
    "v1_date", "update_date", "doi", "journal_ref",
    "submitter", "comments", "report_no", "license",
};

/* dump keys we read */
enum { K_NONE = -1, K_ID, K_TITLE, K_ABSTRACT, K_CATEGORIES, K_AUTHORS, K_UPDATE_DATE,
       K_DOI, K_JOURNAL_REF, K_SUBMITTER, K_COMMENTS, K_REPORT_NO, K_LICENSE, K_VERSIONS,
       K_AUTHORS_PARSED, K_COUNT };
static const char *const dump_keys[K_COUNT] = {
    "id", "title", "abstract", "categories", "authors", "update_date", "doi", "journal-ref",
    "submitter", "comments", "report-no", "license", "versions", "authors_parsed",
};
/* The dump key named by K (N bytes), or K_NONE. */
static int dump_key(const char *k, size_t n)
{
    static size_t len[K_COUNT];
    if (!len[0])
        for (int i = 0; i < K_COUNT; i++) len[i] = strlen(dump_keys[i]);
    for (int i = 0; i < K_COUNT; i++)
        if (len[i] == n && memcmp(dump_keys[i], k, n) == 0) return i;
    return K_NONE;
}

/* keys whose text is only copied to the output (no checks on the decoded
 * value but blankness): kept as raw JSON text when it is canonical */
static const unsigned char key_raw[K_COUNT] = {
    [K_TITLE] = 1, [K_ABSTRACT] = 1, [K_AUTHORS] = 1, [K_DOI] = 1, [K_JOURNAL_REF] = 1, [K_SUBMITTER] = 1,
    [K_COMMENTS] = 1, [K_REPORT_NO] = 1, [K_LICENSE] = 1,
};

/* which output field each string key feeds */
static const int key_field[K_COUNT] = {
    GT_F_ID, GT_F_TITLE, GT_F_ABSTRACT, GT_F_CATEGORIES, GT_F_AUTHORS, GT_F_UPDATE_DATE,
    GT_F_DOI, GT_F_JOURNAL_REF, GT_F_SUBMITTER, GT_F_COMMENTS, GT_F_REPORT_NO, GT_F_LICENSE, -1, -1,
};

/* A string value: decoded in the arena (raw 0), or, when its JSON text is
 * exactly what gt_out_json_str would write for it, that text in the line
 * itself (raw 1: off is relative to a->line; written back as is). */
typedef struct { size_t off, len; int set, raw; } span;

struct gt_arxiv {
    char *arena; size_t alen, acap;
    const char *line;           /* the line parsed last (raw spans point into it) */
    span val[K_COUNT];          /* string values (set=1), null (set=2) */
    char v1[11];
    int has_v1;
    /* parse state */
    int depth;                  /* 0 outside, 1 in the top object */
    int key;                    /* current top-level key */
    int nested;                 /* depth inside a nested value of the top object */
    int ver_idx;                /* index of the version object being read */
    int ver_key;                /* 0 none, 1 "version", 2 "created" */
    int ver_is_v1;
    span ver_created;
    char err[200];
    int err_set;
};

gt_arxiv *gt_arxiv_new(void)
{
    gt_arxiv *a = gt_xcalloc(1, sizeof *a);
    a->acap = 1 << 16;
    a->arena = gt_xmalloc(a->acap);
    return a;
}

void gt_arxiv_free(gt_arxiv *a)
{
    if (!a) return;
    free(a->arena);
    free(a);
}

const char *gt_arxiv_error(const gt_arxiv *a) { return a->err; }
int gt_arxiv_has_v1(const gt_arxiv *a) { return a->has_v1; }

static span keep(gt_arxiv *a, const char *s, size_t n)
{
    if (a->acap - a->alen < n + 1) {
        while (a->acap - a->alen < n + 1) a->acap *= 2;
        a->arena = gt_xrealloc(a->arena, a->acap);
    }
    memcpy(a->arena + a->alen, s, n);
    a->arena[a->alen + n] = 0;
    span sp = { a->alen, n, 1, 0 };
    a->alen += n + 1;
    return sp;
}

static int fail(gt_arxiv *a, const char *fmt, const char *arg)
{
    if (!a->err_set) {
        snprintf(a->err, sizeof a->err, fmt, arg);
        a->err_set = 1;
    }
    return 0;
}

static int type_error(gt_arxiv *a, const char *what)
{
    char m[120];
    snprintf(m, sizeof m, "key \"%s\" is %s", dump_keys[a->key], what);
    return fail(a, "%s", m);
}

/* ---- callbacks ---- */

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
    gt_arxiv *a = ctx;
    if (a->depth != 1) return fail(a, "%s", "not a JSON object");
    if (a->nested) {
        if (a->key == K_VERSIONS && a->nested == 2) {
            if (a->ver_key == 1) a->ver_is_v1 = (n == 2 && s[0] == 'v' && s[1] == '1');
            else if (a->ver_key == 2 && (a->ver_idx == 0 || a->ver_is_v1))
                a->ver_created = keep(a, (const char *)s, n);
        }
        return 1;
    }
    if (a->key == K_NONE) return 1;
    if (a->key == K_VERSIONS || a->key == K_AUTHORS_PARSED) return 1; /* tolerated */
    a->val[a->key] = keep(a, (const char *)s, n);
    return 1;
}

static int on_null(void *ctx)
{
    gt_arxiv *a = ctx;
    if (a->depth == 1 && !a->nested && a->key != K_NONE) a->val[a->key].set = 2;
    return 1;
}

static int on_scalar(gt_arxiv *a)
{
    if (a->depth != 1) return fail(a, "%s", "not a JSON object");
    if (a->depth == 1 && !a->nested && a->key != K_NONE && a->key != K_VERSIONS &&
        a->key != K_AUTHORS_PARSED)
        return type_error(a, "not a string");
    return 1;
}
static int on_bool(void *ctx, int b) { (void)b; return on_scalar(ctx); }
static int on_number(void *ctx, const char *s, size_t n) { (void)s; (void)n; return on_scalar(ctx); }

static int on_start_map(void *ctx)
{
    gt_arxiv *a = ctx;
    if (a->depth == 0) { a->depth = 1; a->key = K_NONE; return 1; }
    if (!a->nested) {
        if (a->key != K_NONE) return type_error(a, "an object, expected a string");
        a->nested = 1;
        return 1;
    }
    a->nested++;
    if (a->key == K_VERSIONS && a->nested == 2) { a->ver_key = 0; a->ver_is_v1 = 0; }
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *k, size_t n)
{
    gt_arxiv *a = ctx;
    if (a->nested) {
        if (a->key == K_VERSIONS && a->nested == 2) {
            if (n == 7 && memcmp(k, "version", 7) == 0) a->ver_key = 1;
            else if (n == 7 && memcmp(k, "created", 7) == 0) a->ver_key = 2;
            else a->ver_key = 0;
        }
        return 1;
    }
    a->key = K_NONE;
    int i = dump_key((const char *)k, n);
    if (i != K_NONE) {
        if (a->val[i].set) return fail(a, "duplicate key \"%s\"", dump_keys[i]);
        a->key = i;
        if (i == K_VERSIONS || i == K_AUTHORS_PARSED) a->val[i].set = 3;
    }
    return 1;
}

static int on_end_map(void *ctx)
{
    gt_arxiv *a = ctx;
    if (a->nested) {
        if (a->key == K_VERSIONS && a->nested == 2) a->ver_idx++;
        a->nested--;
        return 1;
    }
    a->depth = 0;
    return 1;
}

static int on_start_array(void *ctx)
{
    gt_arxiv *a = ctx;
    if (a->depth != 1) return fail(a, "%s", "not a JSON object");
    if (!a->nested && a->key != K_NONE && a->key != K_VERSIONS && a->key != K_AUTHORS_PARSED)
        return type_error(a, "an array, expected a string");
    a->nested++;
    return 1;
}

static int on_end_array(void *ctx)
{
    gt_arxiv *a = ctx;
    a->nested--;
    return 1;
}

static const yajl_callbacks cbs = {
    on_null, on_bool, NULL, NULL, on_number, on_string,
    on_start_map, on_map_key, on_end_map, on_start_array, on_end_array
};

/* ---- validation helpers ---- */

static int isdig(char c) { return c >= '0' && c <= '9'; }
static int islow(char c) { return c >= 'a' && c <= 'z'; }
static int isupp(char c) { return c >= 'A' && c <= 'Z'; }

int gt_arxiv_valid_id(const char *s, size_t n)
{
    /* new style: YYMM.NNNN or YYMM.NNNNN */
    if ((n == 9 || n == 10) && s[4] == '.') {
        for (size_t i = 0; i < n; i++)
            if (i != 4 && !isdig(s[i])) return 0;
        return 1;
    }
    /* old style: archive[.XX]/YYMMNNN */
    const char *slash = memchr(s, '/', n);
    if (!slash) return 0;
    size_t an = (size_t)(slash - s), rest = n - an - 1;
    if (an == 0 || rest != 7) return 0;
    for (size_t i = 0; i < rest; i++)
        if (!isdig(slash[1 + i])) return 0;
    size_t i = 0;
    while (i < an && (islow(s[i]) || s[i] == '-')) i++;
    if (i == 0) return 0;
    if (i == an) return 1;
    if (s[i] != '.' || an - i != 3 || !isupp(s[i + 1]) || !isupp(s[i + 2])) return 0;
    return 1;
}

int gt_arxiv_valid_category(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (islow(s[i]) || s[i] == '-')) i++;
    if (i == 0) return 0;
    if (i == n) return 1;
    if (s[i] != '.' || i + 1 == n) return 0;
    for (i++; i < n; i++)
        if (!(isupp(s[i]) || islow(s[i]) || s[i] == '-')) return 0;
    return 1;
}

int gt_arxiv_rfc822_date(const char *s, size_t n, char out[11])
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    size_t i = 0;
    const char *comma = memchr(s, ',', n);
    if (comma) i = (size_t)(comma - s) + 1;
    while (i < n && s[i] == ' ') i++;
    int day = 0, nd = 0;
    while (i < n && isdig(s[i]) && nd < 2) { day = day * 10 + (s[i++] - '0'); nd++; }
    if (nd == 0 || day < 1 || day > 31 || i >= n || s[i] != ' ') return -1;
    i++;
    if (i + 3 > n) return -1;
    int mon = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(s + i, months + 3 * m, 3) == 0) { mon = m + 1; break; }
    if (!mon) return -1;
    i += 3;
    if (i >= n || s[i] != ' ') return -1;
    i++;
    if (i + 4 > n) return -1;
    for (int k = 0; k < 4; k++)
        if (!isdig(s[i + k])) return -1;
    if (i + 4 < n && isdig(s[i + 4])) return -1;
    memcpy(out, s + i, 4);
    out[4] = '-';
    out[5] = (char)('0' + mon / 10); out[6] = (char)('0' + mon % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10); out[9] = (char)('0' + day % 10);
    out[10] = 0;
    return 0;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

/* Is the value of S blank: in the arena, or as raw JSON text (\n \t \r escaped)? */
static int blank_span(const gt_arxiv *a, span s)
{
    if (!s.raw) return blank(a->arena + s.off, s.len);
    const char *p = a->line + s.off;
    for (size_t i = 0; i < s.len; i++) {
        if (p[i] == ' ') continue;
        if (p[i] == '\\' && i + 1 < s.len && (p[i + 1] == 'n' || p[i + 1] == 't' || p[i + 1] == 'r')) { i++; continue; }
        return 0;
    }
    return 1;
}

static int validate(gt_arxiv *a, const char *line, size_t len);

/* ---- fast path: the dump's shape, read with jsonscan; anything else goes to yajl ---- */

static int fast_str(gt_arxiv *a, const unsigned char **pp, const unsigned char *e, span *out)
{
    size_t need = (size_t)(e - *pp) + 1, n;
    if (a->acap - a->alen < need) {
        while (a->acap - a->alen < need) a->acap *= 2;
        a->arena = gt_xrealloc(a->arena, a->acap);
    }
    if (!gt_js_string(pp, e, a->arena + a->alen, &n)) return 0;
    a->arena[a->alen + n] = 0;
    out->off = a->alen;
    out->len = n;
    out->set = 1;
    out->raw = 0;
    a->alen += n + 1;
    return 1;
}

/* versions: [{"version":"v1","created":"..."}, ...]; the same choice as the
 * callbacks make: the first entry's date, or the entry named v1. */
static int fast_versions(gt_arxiv *a, const unsigned char **pp, const unsigned char *e)
{
    const unsigned char *p = *pp;
    if (*p != '[') return 0;
    p = gt_js_ws(p + 1, e);
    int idx = 0;
    if (p < e && *p == ']') { *pp = p + 1; return 1; }
    for (;;) {
        if (p >= e || *p != '{') return 0;
        p = gt_js_ws(p + 1, e);
        int is_v1 = 0;
        if (p < e && *p == '}') p++;
        else for (;;) {
            span k, v;
            size_t mark = a->alen;
            if (p >= e || *p != '"' || !fast_str(a, &p, e, &k)) return 0;
            a->alen = mark;                       /* key text not kept */
            const char *ks = a->arena + k.off;
            int which = (k.len == 7 && memcmp(ks, "version", 7) == 0) ? 1
                      : (k.len == 7 && memcmp(ks, "created", 7) == 0) ? 2 : 0;
            p = gt_js_ws(p, e);
            if (p >= e || *p != ':') return 0;
            p = gt_js_ws(p + 1, e);
            if (which && p < e && *p == '"') {
                if (!fast_str(a, &p, e, &v)) return 0;
                if (which == 1) {
                    is_v1 = v.len == 2 && a->arena[v.off] == 'v' && a->arena[v.off + 1] == '1';
                    a->alen = mark;
                } else if (idx == 0 || is_v1) {
                    a->ver_created = v;
                } else {
                    a->alen = mark;
                }
            } else if (which) {
                return 0;                         /* unusual: let yajl decide */
            } else if (!gt_js_skip(&p, e, 0)) {
                return 0;
            }
            p = gt_js_ws(p, e);
            if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
            if (p < e && *p == '}') { p++; break; }
            return 0;
        }
        idx++;
        p = gt_js_ws(p, e);
        if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
        if (p < e && *p == ']') { p++; break; }
        return 0;
    }
    *pp = p;
    return 1;
}

static int fast_dump(gt_arxiv *a, const char *line, size_t len)
{
    const unsigned char *p = (const unsigned char *)line, *e = p + len;
    p = gt_js_ws(p, e);
    if (p >= e || *p != '{') return 0;
    p = gt_js_ws(p + 1, e);
    if (p < e && *p == '}') { p++; goto end; }
    for (;;) {
        span k;
        size_t mark = a->alen;
        if (p >= e || *p != '"' || !fast_str(a, &p, e, &k)) return 0;
        a->alen = mark;
        int key = dump_key(a->arena + k.off, k.len);
        if (key != K_NONE && a->val[key].set) return 0;       /* duplicate: yajl reports it */
        p = gt_js_ws(p, e);
        if (p >= e || *p != ':') return 0;
        p = gt_js_ws(p + 1, e);
        if (p >= e) return 0;
        if (key == K_VERSIONS) {
            a->val[key].set = 3;
            if (!fast_versions(a, &p, e)) return 0;
        } else if (key == K_AUTHORS_PARSED || key == K_NONE) {
            if (key != K_NONE) a->val[key].set = 3;
            if (!gt_js_skip(&p, e, 0)) return 0;
        } else if (*p == '"') {
            size_t rn;
            const unsigned char *q = p;
            if (key_raw[key] && gt_js_string_canonical(&q, e, &rn)) {
                a->val[key] = (span){ (size_t)(p + 1 - (const unsigned char *)line), rn, 1, 1 };
                p = q;
            } else if (!fast_str(a, &p, e, &a->val[key])) {
                return 0;
            }
        } else if (e - p >= 4 && memcmp(p, "null", 4) == 0) {
            a->val[key].set = 2;
            p += 4;
        } else {
            return 0;                                         /* wrong type: yajl's message */
        }
        p = gt_js_ws(p, e);
        if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
        if (p < e && *p == '}') { p++; break; }
        return 0;
    }
end:
    return gt_js_ws(p, e) == e;
}

static void reset(gt_arxiv *a)
{
    a->alen = 0;
    memset(a->val, 0, sizeof a->val);
    a->depth = 0; a->key = K_NONE; a->nested = 0;
    a->ver_idx = 0; a->ver_key = 0; a->ver_is_v1 = 0;
    a->ver_created.set = 0;
    a->has_v1 = 0;
    a->err_set = 0; a->err[0] = 0;
}

int gt_arxiv_parse(gt_arxiv *a, const char *line, size_t len)
{
    reset(a);
    a->line = line;
    if (fast_dump(a, line, len)) return validate(a, line, len);
    reset(a);
    return gt_arxiv_parse_yajl(a, line, len);
}

int gt_arxiv_parse_yajl(gt_arxiv *a, const char *line, size_t len)
{
    reset(a);

    yajl_handle h = yajl_alloc(&cbs, NULL, a);
    if (!h) gt_die(EX_OSERR, "out of memory (yajl)");
    yajl_status st = yajl_parse(h, (const unsigned char *)line, len);
    if (st == yajl_status_ok) st = yajl_complete_parse(h);
    if (st != yajl_status_ok) {
        if (!a->err_set) {
            unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)line, len);
            const char *ms = (const char *)m;
            if (strstr(ms, "UTF8"))
                snprintf(a->err, sizeof a->err, "invalid UTF-8 in a string (near byte %zu)",
                         yajl_get_bytes_consumed(h));
            else if (strstr(ms, "premature EOF"))
                snprintf(a->err, sizeof a->err, "invalid JSON: truncated record");
            else {
                snprintf(a->err, sizeof a->err, "invalid JSON: %s", ms);
                char *nl = strchr(a->err, '\n');
                if (nl) *nl = 0;
            }
            yajl_free_error(h, m);
        }
        yajl_free(h);
        return -1;
    }
    yajl_free(h);
    if (a->err_set) return -1;
    return validate(a, line, len);
}

/* Checks shared by both parsers, on the values they collected. */
static int validate(gt_arxiv *a, const char *line, size_t len)
{
    if (a->val[K_ID].set == 0 && a->val[K_TITLE].set == 0 && a->val[K_ABSTRACT].set == 0 &&
        (len == 0 || line[0] != '{'))
        return fail(a, "%s", "not a JSON object"), -1;

    static const int required[] = { K_ID, K_TITLE, K_ABSTRACT, K_CATEGORIES };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        int k = required[i];
        if (a->val[k].set != 1) {
            fail(a, a->val[k].set == 2 ? "\"%s\" is null" : "missing \"%s\"", dump_keys[k]);
            return -1;
        }
    }
    span id = a->val[K_ID];
    if (!gt_arxiv_valid_id(a->arena + id.off, id.len)) {
        char m[80];
        snprintf(m, sizeof m, "%.*s", (int)(id.len > 40 ? 40 : id.len), a->arena + id.off);
        fail(a, "malformed id \"%s\"", m);
        return -1;
    }
    if (blank_span(a, a->val[K_TITLE]))
        return fail(a, "%s", "empty title"), -1;
    if (blank_span(a, a->val[K_ABSTRACT]))
        return fail(a, "%s", "empty abstract"), -1;
    /* categories: space-separated codes */
    span c = a->val[K_CATEGORIES];
    const char *cs = a->arena + c.off;
    size_t i = 0, ncat = 0;
    while (i < c.len) {
        while (i < c.len && cs[i] == ' ') i++;
        size_t j = i;
        while (j < c.len && cs[j] != ' ') j++;
        if (j > i) {
            if (!gt_arxiv_valid_category(cs + i, j - i)) {
                char m[80];
                snprintf(m, sizeof m, "%.*s", (int)(j - i > 40 ? 40 : j - i), cs + i);
                fail(a, "malformed category \"%s\"", m);
                return -1;
            }
            ncat++;
        }
        i = j;
    }
    if (ncat == 0) return fail(a, "%s", "empty categories"), -1;
    span u = a->val[K_UPDATE_DATE];
    if (u.set == 1 && !gt_is_date(a->arena + u.off, u.len))
        return fail(a, "%s", "malformed update_date (expected YYYY-MM-DD)"), -1;
    if (a->ver_created.set)
        a->has_v1 = gt_arxiv_rfc822_date(a->arena + a->ver_created.off, a->ver_created.len, a->v1) == 0;
    return 0;
}

int gt_arxiv_parse_fields(const char *list, unsigned *mask, char *bad, size_t badsz)
{
    unsigned m = 1u << GT_F_ID;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 0) {
            int found = -1;
            for (int i = 0; i < GT_F_COUNT; i++)
                if (strlen(gt_arxiv_field_names[i]) == n && memcmp(gt_arxiv_field_names[i], p, n) == 0)
                    found = i;
            if (found < 0) {
                snprintf(bad, badsz, "%.*s", (int)n, p);
                return -1;
            }
            m |= 1u << found;
        }
        p += n;
        if (*p == ',') p++;
    }
    *mask = m;
    return 0;
}

static void put_key(gt_out *o, int field, int *first)
{
    static char quoted[GT_F_COUNT][32];
    static size_t qlen[GT_F_COUNT];
    if (!qlen[0])
        for (int f = 0; f < GT_F_COUNT; f++)
            qlen[f] = (size_t)snprintf(quoted[f], sizeof quoted[f], "\"%s\":", gt_arxiv_field_names[f]);
    if (!*first) gt_out_putc(o, ',');
    *first = 0;
    gt_out_write(o, quoted[field], qlen[field]);
}

static void put_span(const gt_arxiv *a, gt_out *o, span s)
{
    if (s.set == 1 && s.raw) {
        gt_out_putc(o, '"');
        gt_out_write(o, a->line + s.off, s.len);
        gt_out_putc(o, '"');
    } else if (s.set == 1) gt_out_json_str(o, a->arena + s.off, s.len);
    else gt_out_write(o, "null", 4);
}

void gt_arxiv_write(const gt_arxiv *a, gt_out *o, unsigned mask)
{
    int first = 1;
    gt_out_putc(o, '{');
    for (int f = 0; f < GT_F_COUNT; f++) {
        if (!(mask & (1u << f))) continue;
        put_key(o, f, &first);
        switch (f) {
        case GT_F_CATEGORIES: case GT_F_PRIMARY: {
            span c = a->val[K_CATEGORIES];
            const char *cs = a->arena + c.off;
            if (f == GT_F_CATEGORIES) gt_out_putc(o, '[');
            size_t i = 0;
            int n = 0;
            while (i < c.len) {
                while (i < c.len && cs[i] == ' ') i++;
                size_t j = i;
                while (j < c.len && cs[j] != ' ') j++;
                if (j > i) {
                    if (n++ && f == GT_F_CATEGORIES) gt_out_putc(o, ',');
                    gt_out_json_str(o, cs + i, j - i);
                    if (f == GT_F_PRIMARY) break;
                }
                i = j;
            }
            if (f == GT_F_CATEGORIES) gt_out_putc(o, ']');
            break;
        }
        case GT_F_V1_DATE:
            if (a->has_v1) gt_out_json_str(o, a->v1, 10);
            else gt_out_write(o, "null", 4);
            break;
        default:
            for (int k = 0; k < K_COUNT; k++)
                if (key_field[k] == f) { put_span(a, o, a->val[k]); break; }
        }
    }
    gt_out_write(o, "}\n", 2);
}
