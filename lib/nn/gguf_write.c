/* gguf_write.c - a small GGUF version 3 writer (see gguf_write.h). */
#include "nn/gguf_write.h"
#include "nn/gguf.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/output.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *name;
    int ndim;
    int64_t ne[GT_GGUF_MAXDIM];
    const float *data;
    uint64_t bytes;
} wtensor;

struct gt_ggufw {
    gt_buf kv;              /* the keys and values, serialized */
    uint64_t nkv;
    wtensor *t;
    size_t nt, tcap;
    uint32_t align;
};

static void put_u32(gt_buf *b, uint32_t v)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++) x[i] = (unsigned char)(v >> (8 * i));
    gt_buf_add(b, x, 4);
}

static void put_u64(gt_buf *b, uint64_t v)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++) x[i] = (unsigned char)(v >> (8 * i));
    gt_buf_add(b, x, 8);
}

static void put_str(gt_buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u64(b, n);
    gt_buf_add(b, s, n);
}

gt_ggufw *gt_ggufw_new(void)
{
    gt_ggufw *w = gt_xcalloc(1, sizeof *w);
    w->align = 32;
    return w;
}

void gt_ggufw_free(gt_ggufw *w)
{
    if (!w) return;
    for (size_t i = 0; i < w->nt; i++) free(w->t[i].name);
    free(w->t);
    gt_buf_free(&w->kv);
    free(w);
}

void gt_ggufw_str(gt_ggufw *w, const char *key, const char *val)
{
    put_str(&w->kv, key);
    put_u32(&w->kv, GT_GGUF_STRING);
    put_str(&w->kv, val);
    w->nkv++;
}

void gt_ggufw_u32(gt_ggufw *w, const char *key, uint32_t val)
{
    put_str(&w->kv, key);
    put_u32(&w->kv, GT_GGUF_U32);
    put_u32(&w->kv, val);
    w->nkv++;
    if (strcmp(key, "general.alignment") == 0 && val && !(val & (val - 1))) w->align = val;
}

void gt_ggufw_f32(gt_ggufw *w, const char *key, float val)
{
    uint32_t u;
    memcpy(&u, &val, 4);
    put_str(&w->kv, key);
    put_u32(&w->kv, GT_GGUF_F32);
    put_u32(&w->kv, u);
    w->nkv++;
}

void gt_ggufw_tensor_f32(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, const float *data)
{
    if (w->nt == w->tcap) {
        w->tcap = w->tcap ? 2 * w->tcap : 16;
        w->t = gt_xrealloc(w->t, w->tcap * sizeof *w->t);
    }
    wtensor *t = &w->t[w->nt++];
    memset(t, 0, sizeof *t);
    t->name = gt_xstrdup(name);
    t->ndim = ndim < 1 ? 1 : ndim > GT_GGUF_MAXDIM ? GT_GGUF_MAXDIM : ndim;
    uint64_t n = 1;
    for (int d = 0; d < t->ndim; d++) {
        t->ne[d] = ne[d];
        n *= (uint64_t)ne[d];
    }
    t->data = data;
    t->bytes = n * sizeof(float);
}

static uint64_t pad_to(uint64_t x, uint32_t a)
{
    return (x + a - 1) / a * a;
}

static void pad_out(gt_out *o, uint64_t n)
{
    static const char zeros[64];
    while (n) {
        size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
        gt_out_write(o, zeros, k);
        n -= k;
    }
}

int gt_ggufw_write(gt_ggufw *w, const char *path, char *err, size_t errsz)
{
    gt_buf h = { 0 };
    gt_buf_add(&h, "GGUF", 4);
    put_u32(&h, 3);
    put_u64(&h, w->nt);
    put_u64(&h, w->nkv);
    gt_buf_add(&h, w->kv.p, w->kv.n);
    uint64_t off = 0;
    for (size_t i = 0; i < w->nt; i++) {
        const wtensor *t = &w->t[i];
        put_str(&h, t->name);
        put_u32(&h, (uint32_t)t->ndim);
        for (int d = 0; d < t->ndim; d++) put_u64(&h, (uint64_t)t->ne[d]);
        put_u32(&h, 0);             /* GGML_TYPE_F32 */
        put_u64(&h, off);
        off = pad_to(off + t->bytes, w->align);
    }
    gt_out o;
    gt_atomic *a = gt_atomic_open(path, &o);
    if (!a) {
        gt_buf_free(&h);
        return gt_fail(err, errsz, "%s: cannot create", path);
    }
    gt_out_write(&o, h.p, h.n);
    pad_out(&o, pad_to(h.n, w->align) - h.n);
    gt_buf_free(&h);
    for (size_t i = 0; i < w->nt; i++) {
        const wtensor *t = &w->t[i];
        gt_out_write(&o, t->data, (size_t)t->bytes);    /* little-endian hosts, as the reader */
        pad_out(&o, pad_to(t->bytes, w->align) - t->bytes);
    }
    if (gt_atomic_commit(a, &o) != 0) return gt_fail(err, errsz, "%s: cannot write", path);
    return 0;
}
