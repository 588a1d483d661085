/* record.c - flat JSON records over yajl. */
#include "io/record.h"
#include "io/jsonscan.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

void gt_rec_init(gt_rec *r)
{
    memset(r, 0, sizeof *r);
    r->acap = 4096;
    r->arena = gt_xmalloc(r->acap);
    r->fcap = 32;
    r->f = gt_xmalloc(sizeof *r->f * (size_t)r->fcap);
    r->icap = 32;
    r->items = gt_xmalloc(sizeof *r->items * (size_t)r->icap);
}

void gt_rec_free(gt_rec *r)
{
    free(r->arena); free(r->f); free(r->items); free(r->kidx);
    memset(r, 0, sizeof *r);
}

void gt_rec_clear(gt_rec *r)
{
    r->alen = 0; r->nf = 0; r->nitems = 0;
    r->kon = 0;
    r->depth = 0; r->in_arr = 0; r->err_set = 0; r->err[0] = 0;
    r->jdepth = 0;
    r->partial = 0;
}

static gt_span arena_add(gt_rec *r, const char *s, size_t n)
{
    if (r->acap - r->alen < n + 1) {
        size_t off = (s >= r->arena && s < r->arena + r->acap) ? (size_t)(s - r->arena) : (size_t)-1;
        while (r->acap - r->alen < n + 1) r->acap *= 2;
        r->arena = gt_xrealloc(r->arena, r->acap);
        if (off != (size_t)-1) s = r->arena + off;
    }
    gt_span sp = { r->alen, n };
    memmove(r->arena + r->alen, s, n);
    r->arena[r->alen + n] = 0;
    r->alen += n + 1;
    return sp;
}

/* ---- keys: looked up by a scan while a record has few, through a hash
 * index beyond (a line of 80,000 keys took 18 s of pairwise comparisons) ---- */

#define KEYS_SCANNED 16

static size_t key_slot(const gt_rec *r, const char *k, size_t n)
{
    return (size_t)gt_hash64(k, n, 0x6b657973) & r->kmask;
}

static void key_index_add(gt_rec *r, int i)
{
    const gt_field *f = &r->f[i];
    size_t s = key_slot(r, r->arena + f->key.off, f->key.len);
    while (r->kidx[s]) s = (s + 1) & r->kmask;
    r->kidx[s] = i + 1;
}

/* Index every field's key in a table of at least 4 slots a field (a
 * previous record's table is reused, only the part in use cleared). */
static void key_index_build(gt_rec *r)
{
    size_t cap = 64;
    while (cap < (size_t)r->nf * 4) cap *= 2;
    if (cap > r->kalloc) {
        free(r->kidx);
        r->kidx = gt_xmalloc(cap * sizeof *r->kidx);
        r->kalloc = cap;
    }
    memset(r->kidx, 0, cap * sizeof *r->kidx);
    r->kmask = cap - 1;
    r->kon = 1;
    for (int i = 0; i < r->nf; i++) key_index_add(r, i);
}

/* The field whose key is K (N bytes), or -1. */
static int key_find(const gt_rec *r, const char *k, size_t n)
{
    if (!r->kon) {
        for (int i = 0; i < r->nf; i++)
            if (r->f[i].key.len == n && memcmp(r->arena + r->f[i].key.off, k, n) == 0) return i;
        return -1;
    }
    for (size_t s = key_slot(r, k, n); r->kidx[s]; s = (s + 1) & r->kmask) {
        const gt_field *f = &r->f[r->kidx[s] - 1];
        if (f->key.len == n && memcmp(r->arena + f->key.off, k, n) == 0) return r->kidx[s] - 1;
    }
    return -1;
}

/* A new field for key KS (in the arena), indexed. */
static gt_field *new_field(gt_rec *r, gt_span ks)
{
    if (r->nf == r->fcap) {
        r->fcap *= 2;
        r->f = gt_xrealloc(r->f, sizeof *r->f * (size_t)r->fcap);
    }
    gt_field *f = &r->f[r->nf++];
    memset(f, 0, sizeof *f);
    f->kind = GT_V_NULL;
    f->key = ks;
    if (r->kon && (size_t)r->nf * 2 > r->kmask + 1) key_index_build(r);   /* keep it under half full */
    else if (r->kon) key_index_add(r, r->nf - 1);
    else if (r->nf > KEYS_SCANNED) key_index_build(r);
    return f;
}

static void push_span(gt_rec *r, gt_span s)
{
    if (r->nitems == r->icap) {
        r->icap *= 2;
        r->items = gt_xrealloc(r->items, sizeof *r->items * (size_t)r->icap);
    }
    r->items[r->nitems++] = s;
}

/* ---- yajl callbacks ---- */

static int fail(gt_rec *r, const char *msg)
{
    if (!r->err_set) {
        r->err_set = 1;
        snprintf(r->err, sizeof r->err, "%s", msg);
    }
    return 0;
}

static int unsupported(gt_rec *r)
{
    char m[160];
    if (r->nf > 0)
        snprintf(m, sizeof m, "unsupported value for key \"%.80s\"", gt_rec_at(r, r->f[r->nf - 1].key));
    else
        snprintf(m, sizeof m, "not a JSON object");
    return fail(r, m);
}

/* Where yajl is in the line: just past the token of the current callback. */
static size_t consumed(const gt_rec *r) { return yajl_get_bytes_consumed((yajl_handle)r->yh); }

/* The field being read becomes a GT_V_JSON value starting at START, with
 * LEVELS arrays and objects open (gt_rec_keep_json); 1, or yajl's stop. */
static int json_begin(gt_rec *r, size_t start, int levels)
{
    if (!r->keep_json || r->nf == 0) return unsupported(r);
    gt_field *f = &r->f[r->nf - 1];
    if (f->kind == GT_V_ARR) r->nitems = f->first;     /* the strings read so far: dropped */
    f->kind = GT_V_JSON;
    f->count = 0;
    r->in_arr = 0;
    r->jstart = start;
    r->jdepth = levels;
    return 1;
}

/* An array or object closes inside a GT_V_JSON value: the last one closing
 * gives the value its text. */
static void json_close(gt_rec *r)
{
    if (--r->jdepth == 0) r->f[r->nf - 1].val = arena_add(r, r->src + r->jstart, consumed(r) - r->jstart);
}

static int cb_scalar(gt_rec *r, gt_vkind kind, const char *s, size_t n)
{
    if (r->jdepth) return 1;                            /* inside a GT_V_JSON value */
    if (r->depth == 1 && !r->in_arr) {
        gt_field *f = &r->f[r->nf - 1];
        f->kind = kind;
        if (kind != GT_V_NULL) f->val = arena_add(r, s, n);
        return 1;
    }
    if (r->depth == 1 && r->in_arr == 1 && kind == GT_V_STR) {
        push_span(r, arena_add(r, s, n));
        r->f[r->nf - 1].count++;
        return 1;
    }
    if (r->depth == 1 && r->in_arr == 1) return json_begin(r, r->jstart, 1);   /* [..., 1 */
    return unsupported(r);
}

static int cb_null(void *ctx) { return cb_scalar(ctx, GT_V_NULL, NULL, 0); }
static int cb_bool(void *ctx, int b)
{
    return cb_scalar(ctx, GT_V_RAW, b ? "true" : "false", b ? 4 : 5);
}
static int cb_number(void *ctx, const char *s, size_t n) { return cb_scalar(ctx, GT_V_RAW, s, n); }
static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
    return cb_scalar(ctx, GT_V_STR, (const char *)s, n);
}

static int cb_start_map(void *ctx)
{
    gt_rec *r = ctx;
    if (r->jdepth) { r->jdepth++; return 1; }
    if (r->depth == 1 && !r->in_arr) return json_begin(r, consumed(r) - 1, 1);
    if (r->depth == 1 && r->in_arr) return json_begin(r, r->jstart, 2);     /* [..., { */
    if (r->depth != 0) return unsupported(r);
    r->depth = 1;
    return 1;
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t n)
{
    gt_rec *r = ctx;
    if (r->jdepth) return 1;
    if (key_find(r, (const char *)k, n) >= 0) {
        char m[160];
        snprintf(m, sizeof m, "duplicate key \"%.*s\"", (int)(n > 80 ? 80 : n), (const char *)k);
        return fail(r, m);
    }
    new_field(r, arena_add(r, (const char *)k, n));
    return 1;
}

static int cb_end_map(void *ctx)
{
    gt_rec *r = ctx;
    if (r->jdepth) json_close(r);
    else r->depth = 0;
    return 1;
}

static int cb_start_array(void *ctx)
{
    gt_rec *r = ctx;
    if (r->jdepth) { r->jdepth++; return 1; }
    if (r->depth == 1 && r->in_arr) return json_begin(r, r->jstart, 2);      /* [..., [ */
    if (r->depth != 1) return unsupported(r);
    r->in_arr = 1;
    r->jstart = consumed(r) - 1;
    gt_field *f = &r->f[r->nf - 1];
    f->kind = GT_V_ARR;
    f->first = r->nitems;
    f->count = 0;
    return 1;
}

static int cb_end_array(void *ctx)
{
    gt_rec *r = ctx;
    if (r->jdepth) json_close(r);
    else r->in_arr = 0;
    return 1;
}

static const yajl_callbacks callbacks = {
    cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end_map, cb_start_array, cb_end_array
};

/* ---- fast path ----
 * Records are flat objects of strings, arrays of strings, null, numbers and
 * booleans: jsonscan.c reads exactly that, strictly; whatever it refuses goes
 * through yajl, which then accepts it or gives the diagnostic. */

static int fast_string(gt_rec *r, const unsigned char **pp, const unsigned char *e, gt_span *out)
{
    size_t need = (size_t)(e - *pp) + 1;
    if (r->acap - r->alen < need) {
        while (r->acap - r->alen < need) r->acap *= 2;
        r->arena = gt_xrealloc(r->arena, r->acap);
    }
    size_t n;
    if (!gt_js_string(pp, e, r->arena + r->alen, &n)) return 0;
    r->arena[r->alen + n] = 0;
    out->off = r->alen;
    out->len = n;
    r->alen += n + 1;
    return 1;
}


/* An array of strings only at *PP: 1 with *PP past it, else 0. */
static int skip_string_array(const unsigned char **pp, const unsigned char *e)
{
    const unsigned char *p = gt_js_ws(*pp + 1, e);
    if (p < e && *p == ']') { *pp = p + 1; return 1; }
    for (;;) {
        if (p >= e || *p != '"' || !gt_js_string_check(&p, e)) return 0;
        p = gt_js_ws(p, e);
        if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
        if (p < e && *p == ']') { *pp = p + 1; return 1; }
        return 0;
    }
}

/* Is the value at P one that gt_rec_keep_json keeps as JSON text: an object,
 * or an array not all of strings? */
static int nested_value(const unsigned char *p, const unsigned char *e)
{
    return *p == '{' || (*p == '[' && !skip_string_array(&p, e));
}

static int wanted(const gt_rec *r, gt_span key)
{
    for (int i = 0; i < r->nwant; i++)
        if (strlen(r->want[i]) == key.len && memcmp(r->want[i], r->arena + key.off, key.len) == 0) return 1;
    return 0;
}

static int fast_parse(gt_rec *r, const char *line, size_t len)
{
    const unsigned char *p = (const unsigned char *)line, *e = p + len;
    p = gt_js_ws(p, e);
    if (p >= e || *p != '{') return 0;
    p = gt_js_ws(p + 1, e);
    if (p < e && *p == '}') { p++; goto end; }
    for (;;) {
        if (p >= e || *p != '"') return 0;
        gt_span key;
        if (!fast_string(r, &p, e, &key)) return 0;
        if (key_find(r, r->arena + key.off, key.len) >= 0) return 0;   /* duplicate: let yajl report it */
        gt_field *f = new_field(r, key);
        p = gt_js_ws(p, e);
        if (p >= e || *p != ':') return 0;
        p = gt_js_ws(p + 1, e);
        if (p >= e) return 0;
        unsigned c = *p;
        if (r->keep_json && nested_value(p, e)) {
            const unsigned char *s = p;
            if (!gt_js_skip(&p, e, 0)) return 0;
            f->kind = GT_V_JSON;
            f->val = arena_add(r, (const char *)s, (size_t)(p - s));
        } else if (r->want && !wanted(r, key)) {
            /* checked as strictly as a kept value: scalars, or an array of strings */
            if (c == '{') return 0;
            if (c == '[') {
                if (!skip_string_array(&p, e)) return 0;
            } else if (!gt_js_skip(&p, e, 0)) {
                return 0;
            }
            f->skipped = 1;
            r->partial = 1;
        } else if (c == '"') {
            if (!fast_string(r, &p, e, &f->val)) return 0;
            f->kind = GT_V_STR;
        } else if (c == '[') {
            f->kind = GT_V_ARR;
            f->first = r->nitems;
            f->count = 0;
            p = gt_js_ws(p + 1, e);
            if (p < e && *p == ']') p++;
            else for (;;) {
                gt_span it;
                if (p >= e || *p != '"' || !fast_string(r, &p, e, &it)) return 0;
                push_span(r, it);
                f = &r->f[r->nf - 1];
                f->count++;
                p = gt_js_ws(p, e);
                if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
                if (p < e && *p == ']') { p++; break; }
                return 0;
            }
        } else if (c == 'n' && e - p >= 4 && memcmp(p, "null", 4) == 0) {
            f->kind = GT_V_NULL;
            p += 4;
        } else if ((c == 't' && e - p >= 4 && memcmp(p, "true", 4) == 0) ||
                   (c == 'f' && e - p >= 5 && memcmp(p, "false", 5) == 0)) {
            size_t n = c == 't' ? 4 : 5;
            f->kind = GT_V_RAW;
            f->val = arena_add(r, (const char *)p, n);
            p += n;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const unsigned char *s = p;
            if (!gt_js_number(&p, e)) return 0;
            f = &r->f[r->nf - 1];
            f->kind = GT_V_RAW;
            f->val = arena_add(r, (const char *)s, (size_t)(p - s));
        } else {
            return 0;
        }
        p = gt_js_ws(p, e);
        if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
        if (p < e && *p == '}') { p++; break; }
        return 0;
    }
end:
    p = gt_js_ws(p, e);
    return p == e;
}

int gt_rec_parse(gt_rec *r, const char *line, size_t len, char *err, size_t errsz)
{
    gt_rec_clear(r);
    if (fast_parse(r, line, len)) return 0;
    return gt_rec_parse_yajl(r, line, len, err, errsz);
}

int gt_rec_parse_keys(gt_rec *r, const char *line, size_t len, const char *const *keys, int nkeys,
                      char *err, size_t errsz)
{
    gt_rec_clear(r);
    r->want = keys;
    r->nwant = nkeys;
    int ok = fast_parse(r, line, len);
    r->want = NULL;
    r->nwant = 0;
    if (ok) return 0;
    return gt_rec_parse_yajl(r, line, len, err, errsz);
}

int gt_rec_parse_yajl(gt_rec *r, const char *line, size_t len, char *err, size_t errsz)
{
    gt_rec_clear(r);
    yajl_handle h = yajl_alloc(&callbacks, NULL, r);
    if (!h) gt_die(EX_OSERR, "out of memory (yajl)");
    r->src = line;
    r->yh = h;
    yajl_status st = yajl_parse(h, (const unsigned char *)line, len);
    if (st == yajl_status_ok) st = yajl_complete_parse(h);
    int rc = 0;
    /* the JSON whitespace the line starts with (LEN bytes: not NUL-terminated) */
    size_t lb = (size_t)(gt_js_ws((const unsigned char *)line, (const unsigned char *)line + len) -
                         (const unsigned char *)line);
    if (st != yajl_status_ok) {
        rc = -1;
        if (r->err_set) {
            snprintf(err, errsz, "%s", r->err);
        } else {
            unsigned char *m = yajl_get_error(h, 0, (const unsigned char *)line, len);
            const char *ms = (const char *)m;
            if (strstr(ms, "invalid bytes in UTF8") || strstr(ms, "invalid UTF8"))
                snprintf(err, errsz, "invalid UTF-8 in a string (at byte %zu)", yajl_get_bytes_consumed(h));
            else if (lb == len)
                snprintf(err, errsz, "empty line (expected a JSON object)");
            else
                snprintf(err, errsz, "invalid JSON: %s", ms);
            yajl_free_error(h, m);
            /* yajl's message ends with a newline */
            size_t el = strlen(err);
            while (el && (err[el - 1] == '\n' || err[el - 1] == ' ')) err[--el] = 0;
        }
    } else if (r->nf == 0 && r->depth == 0 && lb < len && line[lb] != '{') {
        rc = -1;
        snprintf(err, errsz, "not a JSON object");
    }
    yajl_free(h);
    r->src = NULL;
    r->yh = NULL;
    return rc;
}

int gt_rec_find(const gt_rec *r, const char *key) { return key_find(r, key, strlen(key)); }

const char *gt_rec_str(const gt_rec *r, const char *key, size_t *len)
{
    int i = gt_rec_find(r, key);
    if (i < 0 || r->f[i].kind != GT_V_STR) return NULL;
    if (len) *len = r->f[i].val.len;
    return r->arena + r->f[i].val.off;
}

static gt_field *field_for(gt_rec *r, const char *key)
{
    int i = gt_rec_find(r, key);
    if (i >= 0) return &r->f[i];
    return new_field(r, arena_add(r, key, strlen(key)));
}

void gt_rec_set_str(gt_rec *r, const char *key, const char *s, size_t n)
{
    /* copy first: S may live in the arena, which field_for can move */
    gt_span v = arena_add(r, s, n);
    gt_field *f = field_for(r, key);
    f->kind = GT_V_STR;
    f->val = v;
}

void gt_rec_write_value(gt_out *o, const gt_rec *r, int i)
{
    const gt_field *f = &r->f[i];
    switch (f->kind) {
    case GT_V_NULL: gt_out_write(o, "null", 4); break;
    case GT_V_STR: gt_out_json_str(o, r->arena + f->val.off, f->val.len); break;
    case GT_V_RAW: case GT_V_JSON: gt_out_write(o, r->arena + f->val.off, f->val.len); break;
    case GT_V_ARR:
        gt_out_putc(o, '[');
        for (int j = 0; j < f->count; j++) {
            if (j) gt_out_putc(o, ',');
            gt_span s = r->items[f->first + j];
            gt_out_json_str(o, r->arena + s.off, s.len);
        }
        gt_out_putc(o, ']');
        break;
    }
}

void gt_rec_write(gt_out *o, const gt_rec *r)
{
    if (r->partial) gt_die(EX_SOFTWARE, "internal error: writing a record parsed with gt_rec_parse_keys");
    gt_out_putc(o, '{');
    for (int i = 0; i < r->nf; i++) {
        const gt_field *f = &r->f[i];
        if (i) gt_out_putc(o, ',');
        gt_out_json_str(o, r->arena + f->key.off, f->key.len);
        gt_out_putc(o, ':');
        gt_rec_write_value(o, r, i);
    }
    gt_out_write(o, "}\n", 2);
}
