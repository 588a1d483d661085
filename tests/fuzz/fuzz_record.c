/* fuzz_record.c - libFuzzer harness for the NDJSON record parser (lib/io/record.c):
 * each input is one line, parsed by the fast scanner (with its yajl fallback),
 * by yajl alone and by gt_rec_parse_keys; the fast path and yajl must agree
 * on whether the line is a record and on every key and value; every field is
 * looked up and read, one is replaced. */
#include "io/record.h"
#include "fuzz.h"

static void read_all(gt_rec *r)
{
    size_t n;
    for (int i = 0; i < r->nf; i++) {
        const char *k = gt_rec_at(r, r->f[i].key);
        if (gt_rec_find(r, k) < 0) abort();     /* every key is found */
        gt_rec_str(r, k, &n);
        if (r->f[i].kind == GT_V_ARR)
            for (int j = 0; j < r->f[i].count; j++) gt_rec_item(r, i, j, &n);
    }
}

/* The same fields, keys and values in A and B. */
static void same(const gt_rec *a, const gt_rec *b)
{
    if (a->nf != b->nf) abort();
    for (int i = 0; i < a->nf; i++) {
        const gt_field *x = &a->f[i], *y = &b->f[i];
        if (x->kind != y->kind || x->key.len != y->key.len || x->val.len != y->val.len ||
            x->count != y->count || memcmp(gt_rec_at(a, x->key), gt_rec_at(b, y->key), x->key.len) != 0 ||
            ((x->kind == GT_V_STR || x->kind == GT_V_RAW) &&
             memcmp(gt_rec_at(a, x->val), gt_rec_at(b, y->val), x->val.len) != 0))
            abort();
        for (int j = 0; x->kind == GT_V_ARR && j < x->count; j++) {
            size_t la, lb;
            const char *ia = gt_rec_item(a, i, j, &la), *ib = gt_rec_item(b, i, j, &lb);
            if (la != lb || memcmp(ia, ib, la) != 0) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = { "title", "abstract" };
    const char *line = (const char *)data;
    char err[256], err2[256];
    gt_rec r, y;
    gt_rec_init(&r);
    gt_rec_init(&y);
    int ok = gt_rec_parse(&r, line, size, err, sizeof err) == 0;
    int yok = gt_rec_parse_yajl(&y, line, size, err2, sizeof err2) == 0;
    if (ok != yok) abort();
    if (ok) {
        same(&r, &y);
        read_all(&r);
        if (r.nf) gt_rec_set_str(&r, "title", gt_rec_at(&r, r.f[0].key), r.f[0].key.len);   /* from its arena */
        else gt_rec_set_str(&r, "title", "", 0);
        read_all(&r);
    }
    gt_rec_clear(&r);
    if (gt_rec_parse_keys(&r, line, size, keys, 2, err, sizeof err) == 0) read_all(&r);
    gt_rec_free(&r);
    gt_rec_free(&y);
    return 0;
}
