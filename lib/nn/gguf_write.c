/* gguf_write.c - a GGUF version 3 writer (see gguf_write.h). */
#include "nn/gguf_write.h"
#include "nn/gguf.h"
#include "nn/ggml_types.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_RAW, T_CONV, T_FILL };

typedef struct {
    char *name;
    int ndim;
    int64_t ne[GT_GGUF_MAXDIM];
    uint32_t type;
    int how;                    /* T_RAW: DATA is the bytes; T_CONV: DATA is floats; T_FILL: FILL makes them */
    const void *data;
    gt_ggufw_fill_fn fill;
    void *ctx;
    uint64_t bytes;             /* in the file, unpadded */
    size_t row_bytes;
} wtensor;

struct gt_ggufw {
    gt_buf kv;                  /* the keys and values, serialized */
    uint64_t nkv;
    char **keys;                /* their names (duplicates refused) */
    size_t kcap;
    wtensor *t;
    size_t nt, tcap;
    uint32_t align;
    char bad[400];              /* the first misuse, reported by gt_ggufw_write */
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

static void put_bytes(gt_buf *b, const void *p, uint64_t n)
{
    put_u64(b, n);
    gt_buf_add(b, p, (size_t)n);
}

static void put_str(gt_buf *b, const char *s) { put_bytes(b, s, strlen(s)); }

static int misuse(gt_ggufw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int misuse(gt_ggufw *w, const char *fmt, ...)
{
    if (!*w->bad) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->bad, sizeof w->bad, fmt, ap);
        va_end(ap);
    }
    return -1;
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
    for (uint64_t i = 0; i < w->nkv; i++) free(w->keys[i]);
    free(w->keys);
    free(w->t);
    gt_buf_free(&w->kv);
    free(w);
}

/* ---- metadata ---- */

/* The key's name and value type; -1 (recorded) for a duplicate. */
static int key(gt_ggufw *w, const char *k, uint32_t type)
{
    for (uint64_t i = 0; i < w->nkv; i++)
        if (strcmp(w->keys[i], k) == 0) return misuse(w, "key '%s' added twice", k);
    if (w->nkv == w->kcap) {
        w->kcap = w->kcap ? 2 * w->kcap : 32;
        w->keys = gt_xrealloc(w->keys, w->kcap * sizeof *w->keys);
    }
    w->keys[w->nkv++] = gt_xstrdup(k);
    put_str(&w->kv, k);
    put_u32(&w->kv, type);
    return 0;
}

static int is_num(uint32_t type) { return type != GT_GGUF_STRING && type != GT_GGUF_ARRAY && gt_gguf_type_size(type); }

/* general.alignment: the data's alignment from now on. */
static int alignment(gt_ggufw *w, const char *k, uint32_t type, const unsigned char *p)
{
    if (strcmp(k, "general.alignment") != 0) return 0;
    if (type != GT_GGUF_U32) return misuse(w, "key 'general.alignment': type %s, expected u32", gt_gguf_type_name(type));
    uint32_t a = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (a == 0 || (a & (a - 1))) return misuse(w, "key 'general.alignment': %u is not a power of two", a);
    w->align = a;
    return 0;
}

int gt_ggufw_num(gt_ggufw *w, const char *k, uint32_t type, const void *p)
{
    if (!is_num(type)) return misuse(w, "key '%s': %s is not a number type", k, gt_gguf_type_name(type));
    if (alignment(w, k, type, p) || key(w, k, type)) return -1;
    gt_buf_add(&w->kv, p, gt_gguf_type_size(type));
    return 0;
}

void gt_ggufw_u32(gt_ggufw *w, const char *k, uint32_t val)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++) x[i] = (unsigned char)(val >> (8 * i));
    gt_ggufw_num(w, k, GT_GGUF_U32, x);
}

void gt_ggufw_i32(gt_ggufw *w, const char *k, int32_t val)
{
    unsigned char x[4];
    for (int i = 0; i < 4; i++) x[i] = (unsigned char)((uint32_t)val >> (8 * i));
    gt_ggufw_num(w, k, GT_GGUF_I32, x);
}

void gt_ggufw_f32(gt_ggufw *w, const char *k, float val)
{
    uint32_t u;
    memcpy(&u, &val, 4);
    unsigned char x[4];
    for (int i = 0; i < 4; i++) x[i] = (unsigned char)(u >> (8 * i));
    gt_ggufw_num(w, k, GT_GGUF_F32, x);
}

void gt_ggufw_u64(gt_ggufw *w, const char *k, uint64_t val)
{
    unsigned char x[8];
    for (int i = 0; i < 8; i++) x[i] = (unsigned char)(val >> (8 * i));
    gt_ggufw_num(w, k, GT_GGUF_U64, x);
}

void gt_ggufw_bool(gt_ggufw *w, const char *k, int val)
{
    unsigned char x = val != 0;
    gt_ggufw_num(w, k, GT_GGUF_BOOL, &x);
}

void gt_ggufw_str(gt_ggufw *w, const char *k, const char *val)
{
    if (key(w, k, GT_GGUF_STRING) == 0) put_str(&w->kv, val);
}

int gt_ggufw_nums(gt_ggufw *w, const char *k, uint32_t type, uint64_t n, const void *p)
{
    if (!is_num(type)) return misuse(w, "key '%s': %s is not a number type", k, gt_gguf_type_name(type));
    if (key(w, k, GT_GGUF_ARRAY)) return -1;
    put_u32(&w->kv, type);
    put_u64(&w->kv, n);
    gt_buf_add(&w->kv, p, (size_t)n * gt_gguf_type_size(type));
    return 0;
}

void gt_ggufw_strs(gt_ggufw *w, const char *k, uint64_t n, const gt_gguf_str *s)
{
    if (key(w, k, GT_GGUF_ARRAY)) return;
    put_u32(&w->kv, GT_GGUF_STRING);
    put_u64(&w->kv, n);
    for (uint64_t i = 0; i < n; i++) put_bytes(&w->kv, s[i].p, s[i].n);
}

/* The value V (its type written by the caller) into B. */
static int put_val(gt_ggufw *w, const char *k, gt_buf *b, const gt_gguf_val *v, int depth)
{
    if (depth > GT_GGUF_MAXDEPTH) return misuse(w, "key '%s': arrays nested more than %d deep", k, GT_GGUF_MAXDEPTH);
    if (v->type == GT_GGUF_STRING) {
        put_bytes(b, v->str.p, v->str.n);
        return 0;
    }
    if (v->type != GT_GGUF_ARRAY) {
        if (!is_num(v->type)) return misuse(w, "key '%s': unknown value type %u", k, v->type);
        gt_buf_add(b, v->p, gt_gguf_type_size(v->type));
        return 0;
    }
    put_u32(b, v->atype);
    put_u64(b, v->n);
    if (v->atype == GT_GGUF_STRING) {
        for (uint64_t i = 0; i < v->n; i++) put_bytes(b, v->strs[i].p, v->strs[i].n);
    } else if (v->atype == GT_GGUF_ARRAY) {
        for (uint64_t i = 0; i < v->n; i++)     /* each an array without a type of its own */
            if (put_val(w, k, b, &v->vals[i], depth + 1)) return -1;
    } else {
        if (!is_num(v->atype)) return misuse(w, "key '%s': unknown array element type %u", k, v->atype);
        gt_buf_add(b, v->p, (size_t)v->n * gt_gguf_type_size(v->atype));
    }
    return 0;
}

int gt_ggufw_val(gt_ggufw *w, const char *k, const gt_gguf_val *v)
{
    if (v->type != GT_GGUF_STRING && v->type != GT_GGUF_ARRAY) return gt_ggufw_num(w, k, v->type, v->p);
    gt_buf b = { 0 };
    int rc = put_val(w, k, &b, v, 0);
    if (rc == 0 && (rc = key(w, k, v->type)) == 0) gt_buf_add(&w->kv, b.p, b.n);
    gt_buf_free(&b);
    return rc;
}

/* ---- tensors ---- */

static int add_tensor(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type, int how,
                      const void *data, gt_ggufw_fill_fn fill, void *ctx, size_t nbytes)
{
    const char *tn = gt_ggml_type_name(type);
    if (ndim < 1 || ndim > GT_GGUF_MAXDIM) return misuse(w, "tensor '%s': %d dims (1 to %d)", name, ndim, GT_GGUF_MAXDIM);
    if (how != T_RAW && !gt_ggml_can_quantize(type))
        return misuse(w, "tensor '%s': values cannot be written as %s (F32, F16, BF16, Q8_0)", name, tn ? tn : "?");
    uint64_t rows = 1;
    for (int d = 0; d < ndim; d++) {
        if (ne[d] < 0 || (d > 0 && ne[d] && rows > UINT64_MAX / (uint64_t)ne[d]))
            return misuse(w, "tensor '%s': bad dims", name);
        if (d > 0) rows *= (uint64_t)ne[d];
    }
    size_t rb;
    if (gt_ggml_row_bytes(type, ne[0], &rb) != 0)
        return misuse(w, "tensor '%s': rows of %lld values are not whole %s blocks of %d", name, (long long)ne[0],
                      tn ? tn : "?", gt_ggml_block_values(type));
    if (rb && rows > UINT64_MAX / rb) return misuse(w, "tensor '%s': bad dims", name);
    if (how == T_RAW && nbytes != rows * rb)
        return misuse(w, "tensor '%s': %zu bytes of data, its %s shape takes %llu", name, nbytes, tn ? tn : "?",
                      (unsigned long long)(rows * rb));
    for (size_t i = 0; i < w->nt; i++)
        if (strcmp(w->t[i].name, name) == 0) return misuse(w, "tensor '%s' added twice", name);
    if (w->nt == w->tcap) {
        w->tcap = w->tcap ? 2 * w->tcap : 16;
        w->t = gt_xrealloc(w->t, w->tcap * sizeof *w->t);
    }
    wtensor *t = &w->t[w->nt++];
    memset(t, 0, sizeof *t);
    t->name = gt_xstrdup(name);
    t->ndim = ndim;
    for (int d = 0; d < ndim; d++) t->ne[d] = ne[d];
    t->type = type;
    t->how = how;
    t->data = data;
    t->fill = fill;
    t->ctx = ctx;
    t->row_bytes = rb;
    t->bytes = rows * rb;
    return 0;
}

int gt_ggufw_tensor_f32(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, const float *data)
{
    return add_tensor(w, name, ndim, ne, GT_GGML_F32, T_CONV, data, NULL, NULL, 0);
}

int gt_ggufw_tensor_conv(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                         const float *data)
{
    return add_tensor(w, name, ndim, ne, type, T_CONV, data, NULL, NULL, 0);
}

int gt_ggufw_tensor_fill(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                         gt_ggufw_fill_fn fill, void *ctx)
{
    return add_tensor(w, name, ndim, ne, type, T_FILL, NULL, fill, ctx, 0);
}

int gt_ggufw_tensor_raw(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, uint32_t type,
                        const void *data, size_t nbytes)
{
    return add_tensor(w, name, ndim, ne, type, T_RAW, data, NULL, NULL, nbytes);
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

/* Tensor T's data into O: 0, or -1 with a message in ERR. */
static int write_data(const wtensor *t, gt_out *o, char *err, size_t errsz)
{
    if (t->how == T_RAW) {
        gt_out_write(o, t->data, (size_t)t->bytes);
        return 0;
    }
    int64_t n0 = t->ne[0];
    uint64_t rows = n0 ? t->bytes / t->row_bytes : 0;
    float *own = NULL;
    const float *x = t->data;
    if (t->how == T_FILL) {
        size_t n = (size_t)(rows * (uint64_t)n0);
        own = gt_xmalloc(sizeof(float) * (n ? n : 1));
        if (t->fill(t->ctx, own, err, errsz) != 0) {
            free(own);
            return -1;
        }
        x = own;
    }
    if (t->type == GT_GGML_F32) {
        gt_out_write(o, x, (size_t)t->bytes);       /* little-endian hosts, as the reader */
    } else {
        unsigned char *row = gt_xmalloc(t->row_bytes ? t->row_bytes : 1);
        for (uint64_t r = 0; r < rows; r++) {
            gt_ggml_quantize_row(t->type, x + r * (uint64_t)n0, row, n0);
            gt_out_write(o, row, t->row_bytes);
        }
        free(row);
    }
    free(own);
    return 0;
}

int gt_ggufw_write(gt_ggufw *w, const char *path, char *err, size_t errsz)
{
    if (*w->bad) return gt_fail(err, errsz, "%s: %s", path, w->bad);
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
        put_u32(&h, t->type);
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
        if (write_data(t, &o, err, errsz) != 0) {
            gt_atomic_abort(a, &o);
            return -1;
        }
        pad_out(&o, pad_to(t->bytes, w->align) - t->bytes);
    }
    if (gt_atomic_commit(a, &o) != 0) return gt_fail(err, errsz, "%s: cannot write", path);
    return 0;
}
