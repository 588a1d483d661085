/* gguf.c - parse and check GGUF files (gguf.h): a cursor over the mapped
 * bytes that refuses every read past the end, then the keys, the tensor
 * infos, the data section's placement, and the llama hyperparameters. */
#include "nn/gguf.h"
#include "io/file.h"
#include "nn/ggml_types.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GGUF_MAGIC "GGUF"
#define HEADER_BYTES 24u        /* magic, version, tensor count, key count */
#define MIN_KV_BYTES 13u        /* empty name (8), type (4), a one-byte value */
#define MIN_TENSOR_BYTES 24u    /* empty name (8), ndim 0 (4), type (4), offset (8) */
#define MIN_ARRAY_BYTES 12u     /* a nested array: element type (4), count (8) */
#define DEFAULT_ALIGNMENT 32u
#define MAX_COUNT (1 << 24)     /* a llama hyperparameter above this is refused */

/* ---- messages ---- */

/* Where a message is about: "key 'NAME'" or "tensor #3" before the name is read. */
typedef struct { const char *kind; const char *name; size_t nlen; size_t idx; } ctx;

/* NAME (N bytes from the file) fit for a message: printable ASCII kept,
 * other bytes as '?', cut at 80 bytes. */
static void show_name(char *buf, size_t bufsz, const char *name, size_t n)
{
    size_t o = 0, max = n < 80 ? n : 80;
    for (size_t i = 0; i < max && o + 1 < bufsz; i++) {
        unsigned char ch = (unsigned char)name[i];
        buf[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    buf[o] = 0;
    if (n > max && o + 4 < bufsz) strcat(buf, "...");
}

static int bad(const char *path, const ctx *x, char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int bad(const char *path, const ctx *x, char *err, size_t errsz, const char *fmt, ...)
{
    char msg[512], where[160] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (x && x->name) {
        char nm[100];
        show_name(nm, sizeof nm, x->name, x->nlen);
        snprintf(where, sizeof where, "%s '%s': ", x->kind, nm);
    } else if (x) {
        snprintf(where, sizeof where, "%s #%zu: ", x->kind, x->idx);
    }
    return gt_fail(err, errsz, "%s: %s%s", path, where, msg);
}

/* ---- the cursor ---- */

typedef struct {
    const unsigned char *b;
    size_t size, off;
    const char *path;
    char *err;
    size_t errsz;
} cur;

static int need(cur *c, const ctx *x, uint64_t n, const char *item)
{
    if (n <= c->size - c->off) return 0;
    return bad(c->path, x, c->err, c->errsz,
               "truncated: %s needs %llu bytes at offset %zu, past the end of the file (%zu bytes)", item,
               (unsigned long long)n, c->off, c->size);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static int rd_u32(cur *c, const ctx *x, const char *item, uint32_t *v)
{
    if (need(c, x, 4, item)) return -1;
    *v = le32(c->b + c->off);
    c->off += 4;
    return 0;
}

static int rd_u64(cur *c, const ctx *x, const char *item, uint64_t *v)
{
    if (need(c, x, 8, item)) return -1;
    *v = le64(c->b + c->off);
    c->off += 8;
    return 0;
}

static int rd_str(cur *c, const ctx *x, const char *item, gt_gguf_str *s)
{
    uint64_t n;
    if (rd_u64(c, x, item, &n) || need(c, x, n, item)) return -1;
    s->p = (const char *)c->b + c->off;
    s->n = n;
    c->off += (size_t)n;
    return 0;
}

/* Room for one more element in *P (*CAP elements of SZ bytes, N used):
 * arrays grow with what was parsed, never with a count read from the file. */
static void grow(void **p, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap) return;
    *cap = *cap ? 2 * *cap : 16;
    *p = gt_xrealloc(*p, *cap * sz);
}

/* ---- values ---- */

static const struct { const char *name; unsigned size; } VTYPES[] = {
    [GT_GGUF_U8] = { "u8", 1 },     [GT_GGUF_I8] = { "i8", 1 },      [GT_GGUF_U16] = { "u16", 2 },
    [GT_GGUF_I16] = { "i16", 2 },   [GT_GGUF_U32] = { "u32", 4 },    [GT_GGUF_I32] = { "i32", 4 },
    [GT_GGUF_F32] = { "f32", 4 },   [GT_GGUF_BOOL] = { "bool", 1 },  [GT_GGUF_STRING] = { "string", 0 },
    [GT_GGUF_ARRAY] = { "array", 0 }, [GT_GGUF_U64] = { "u64", 8 },  [GT_GGUF_I64] = { "i64", 8 },
    [GT_GGUF_F64] = { "f64", 8 },
};
#define NVTYPES (sizeof VTYPES / sizeof VTYPES[0])

const char *gt_gguf_type_name(uint32_t type) { return type < NVTYPES ? VTYPES[type].name : "?"; }
unsigned gt_gguf_type_size(uint32_t type) { return type < NVTYPES ? VTYPES[type].size : 0; }

static void free_val(gt_gguf_val *v)
{
    if (v->vals)
        for (uint64_t i = 0; i < v->n; i++) free_val(&v->vals[i]);
    free(v->vals);
    free(v->strs);
    v->vals = NULL;
    v->strs = NULL;
}

static int parse_val(cur *c, const ctx *x, uint32_t type, int depth, gt_gguf_val *v);

/* The elements of an array of strings or of arrays; V->n counts those parsed
 * so far (so free_val frees exactly them on an error). */
static int parse_elems(cur *c, const ctx *x, uint64_t n, int depth, gt_gguf_val *v)
{
    size_t cap = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (v->atype == GT_GGUF_STRING) {
            grow((void **)&v->strs, &cap, (size_t)v->n, sizeof *v->strs);
            if (rd_str(c, x, "a string of the array", &v->strs[v->n])) return -1;
        } else {
            grow((void **)&v->vals, &cap, (size_t)v->n, sizeof *v->vals);
            memset(&v->vals[v->n], 0, sizeof *v->vals);
            v->n++;   /* counted first: a failed nested array is freed too */
            if (parse_val(c, x, GT_GGUF_ARRAY, depth + 1, &v->vals[v->n - 1])) return -1;
            continue;
        }
        v->n++;
    }
    return 0;
}

static int parse_array(cur *c, const ctx *x, int depth, gt_gguf_val *v)
{
    uint32_t at;
    uint64_t n;
    if (depth >= GT_GGUF_MAXDEPTH)
        return bad(c->path, x, c->err, c->errsz, "arrays nested more than %d deep", GT_GGUF_MAXDEPTH);
    if (rd_u32(c, x, "the array's element type", &at) || rd_u64(c, x, "the array's length", &n)) return -1;
    if (at >= NVTYPES) return bad(c->path, x, c->err, c->errsz, "unknown array element type %u", at);
    v->atype = at;
    /* the least each element can take, so an absurd count fails here */
    unsigned min = VTYPES[at].size ? VTYPES[at].size : at == GT_GGUF_STRING ? 8 : MIN_ARRAY_BYTES;
    if (n > (c->size - c->off) / min)
        return bad(c->path, x, c->err, c->errsz,
                   "truncated: an array of %llu %s values at offset %zu runs past the end of the file (%zu bytes)",
                   (unsigned long long)n, VTYPES[at].name, c->off, c->size);
    if (VTYPES[at].size) {
        v->p = c->b + c->off;
        v->n = n;
        c->off += (size_t)n * VTYPES[at].size;
        return 0;
    }
    return parse_elems(c, x, n, depth, v);
}

static int parse_val(cur *c, const ctx *x, uint32_t type, int depth, gt_gguf_val *v)
{
    v->type = type;
    if (type >= NVTYPES) return bad(c->path, x, c->err, c->errsz, "unknown value type %u", type);
    if (type == GT_GGUF_STRING) return rd_str(c, x, "the string value", &v->str);
    if (type == GT_GGUF_ARRAY) return parse_array(c, x, depth, v);
    if (need(c, x, VTYPES[type].size, "the value")) return -1;
    v->p = c->b + c->off;
    c->off += VTYPES[type].size;
    return 0;
}

/* A name read from the file as a C string (it must hold no NUL). */
static int copy_name(cur *c, const ctx *x, const gt_gguf_str *s, char **out)
{
    if (memchr(s->p, 0, (size_t)s->n))
        return bad(c->path, x, c->err, c->errsz, "the name holds a NUL byte");
    char *p = gt_xmalloc((size_t)s->n + 1);
    memcpy(p, s->p, (size_t)s->n);
    p[s->n] = 0;
    *out = p;
    return 0;
}

static int parse_kvs(gt_gguf *g, cur *c, uint64_t nkv)
{
    size_t cap = 0;
    for (uint64_t i = 0; i < nkv; i++) {
        ctx x = { "key", NULL, 0, (size_t)i };
        gt_gguf_str k;
        uint32_t type;
        if (rd_str(c, &x, "the key's name", &k)) return -1;
        x.name = k.p;
        x.nlen = (size_t)k.n;
        if (rd_u32(c, &x, "the value type", &type)) return -1;
        grow((void **)&g->kv, &cap, g->nkv, sizeof *g->kv);
        gt_gguf_kv *kv = &g->kv[g->nkv];
        memset(kv, 0, sizeof *kv);
        if (copy_name(c, &x, &k, (char **)&kv->key)) return -1;
        g->nkv++;
        if (parse_val(c, &x, type, 0, &kv->v)) return -1;
    }
    return 0;
}

/* ---- tensor infos ---- */

static const char *shape_str(const int64_t *ne, int nd, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < nd && o < n; i++) o += (size_t)snprintf(buf + o, n - o, "%s%lld", i ? ", " : "", (long long)ne[i]);
    if (o < n) snprintf(buf + o, n - o, "]");
    return buf;
}

/* The element count and byte size of T (its shape and type read). */
static int size_tensor(cur *c, const ctx *x, gt_gguf_tensor *t)
{
    char sb[128];
    int zero = 0;
    for (int d = 0; d < GT_GGUF_MAXDIM; d++) zero |= t->ne[d] == 0;
    t->nelem = zero ? 0 : 1;
    for (int d = 0; d < GT_GGUF_MAXDIM && !zero; d++) {
        if (t->nelem > INT64_MAX / t->ne[d])
            return bad(c->path, x, c->err, c->errsz, "shape %s has more than 2^63 - 1 values",
                       shape_str(t->ne, t->ndim, sb, sizeof sb));
        t->nelem *= t->ne[d];
    }
    t->nrows = t->ne[0] ? t->nelem / t->ne[0] : 0;
    size_t rb;
    const char *tn = gt_ggml_type_name(t->type);
    if (gt_ggml_row_bytes(t->type, t->ne[0], &rb))
        return bad(c->path, x, c->err, c->errsz, "row length %lld is not a multiple of %s's block of %d values",
                   (long long)t->ne[0], tn, gt_ggml_block_values(t->type));
    if (t->nrows && rb > SIZE_MAX / (uint64_t)t->nrows)
        return bad(c->path, x, c->err, c->errsz, "%s %s needs more bytes than memory can address", tn,
                   shape_str(t->ne, t->ndim, sb, sizeof sb));
    t->nbytes = rb * (size_t)t->nrows;
    return 0;
}

static int parse_tensor(gt_gguf *g, cur *c, size_t i, gt_gguf_tensor *t)
{
    ctx x = { "tensor", NULL, 0, i };
    gt_gguf_str s = { 0 };
    uint32_t nd, type;
    if (rd_str(c, &x, "the tensor's name", &s)) return -1;
    x.name = s.p;
    x.nlen = (size_t)s.n;
    if (copy_name(c, &x, &s, (char **)&t->name)) return -1;
    if (rd_u32(c, &x, "the dimension count", &nd)) return -1;
    if (nd > GT_GGUF_MAXDIM)
        return bad(c->path, &x, c->err, c->errsz, "%u dimensions (at most %d)", nd, GT_GGUF_MAXDIM);
    t->ndim = (int)nd;
    for (int d = 0; d < GT_GGUF_MAXDIM; d++) t->ne[d] = 1;
    for (int d = 0; d < t->ndim; d++) {
        uint64_t v;
        if (rd_u64(c, &x, "a dimension", &v)) return -1;
        if (v > INT64_MAX)
            return bad(c->path, &x, c->err, c->errsz, "dimension %d is %llu, more than 2^63 - 1", d,
                       (unsigned long long)v);
        t->ne[d] = (int64_t)v;
    }
    if (rd_u32(c, &x, "the type", &type) || rd_u64(c, &x, "the data offset", &t->offset)) return -1;
    if (!gt_ggml_type_name(type)) return bad(c->path, &x, c->err, c->errsz, "unknown type id %u", type);
    t->type = type;
    return size_tensor(c, &x, t);
}

static int parse_tensors(gt_gguf *g, cur *c, uint64_t nt)
{
    size_t cap = 0;
    for (uint64_t i = 0; i < nt; i++) {
        grow((void **)&g->t, &cap, g->nt, sizeof *g->t);
        gt_gguf_tensor *t = &g->t[g->nt];
        memset(t, 0, sizeof *t);
        g->nt++;
        if (parse_tensor(g, c, (size_t)i, t)) return -1;
    }
    return 0;
}

/* general.alignment: a u32 power of two, 32 when absent. */
static int read_alignment(gt_gguf *g, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, "general.alignment");
    g->alignment = DEFAULT_ALIGNMENT;
    if (!v) return 0;
    ctx x = { "key", "general.alignment", strlen("general.alignment"), 0 };
    if (v->type != GT_GGUF_U32)
        return bad(g->path, &x, err, errsz, "type %s, expected u32", gt_gguf_type_name(v->type));
    uint32_t a = le32(v->p);
    if (a == 0 || (a & (a - 1)))
        return bad(g->path, &x, err, errsz, "%u is not a power of two", a);
    g->alignment = a;
    return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* Place each tensor's data in the data section: aligned, inside the file. */
static int place_tensors(gt_gguf *g, char *err, size_t errsz)
{
    for (size_t i = 0; i < g->nt; i++) {
        gt_gguf_tensor *t = &g->t[i];
        ctx x = { "tensor", t->name, strlen(t->name), i };
        if (t->offset % g->alignment)
            return bad(g->path, &x, err, errsz, "data offset %llu is not a multiple of the alignment %u",
                       (unsigned long long)t->offset, g->alignment);
        uint64_t b = sat_add(g->data_offset, t->offset), e = sat_add(b, t->nbytes);
        if (b > g->size || t->nbytes > g->size - b)
            return bad(g->path, &x, err, errsz, "data %llu..%llu past the end of the file (%zu bytes)",
                       (unsigned long long)b, (unsigned long long)e, g->size);
        t->offset = b;
        t->data = g->base + b;
    }
    return 0;
}

/* ---- lookup indices ---- */

typedef struct { const char *name; size_t idx; } name_idx;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const name_idx *)a)->name, ((const name_idx *)b)->name);
}

/* Sort N names (NAME(i)) into *OUT; -1 with "... appears twice" on a repeat. */
static int sort_names(gt_gguf *g, size_t n, const char *kind, int is_key, size_t **out, char *err, size_t errsz)
{
    name_idx *v = gt_xmalloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i].name = is_key ? g->kv[i].key : g->t[i].name;
        v[i].idx = i;
    }
    qsort(v, n, sizeof *v, cmp_name);
    *out = gt_xmalloc((n ? n : 1) * sizeof **out);
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(v[i].name, v[i - 1].name) == 0) {
            ctx x = { kind, v[i].name, strlen(v[i].name), v[i].idx };
            free(v);
            return bad(g->path, &x, err, errsz, "appears twice");
        }
        (*out)[i] = v[i].idx;
    }
    free(v);
    return 0;
}

/* Binary search of NAME among N sorted indices. */
static size_t search(const size_t *sorted, size_t n, const char *name, const gt_gguf *g, int is_key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, i = sorted[mid];
        int r = strcmp(name, is_key ? g->kv[i].key : g->t[i].name);
        if (r == 0) return i;
        if (r < 0) hi = mid;
        else lo = mid + 1;
    }
    return SIZE_MAX;
}

const gt_gguf_val *gt_gguf_find(const gt_gguf *g, const char *key)
{
    size_t i = g->kv_sorted ? search(g->kv_sorted, g->nkv, key, g, 1) : SIZE_MAX;
    return i == SIZE_MAX ? NULL : &g->kv[i].v;
}

const gt_gguf_tensor *gt_gguf_tensor_find(const gt_gguf *g, const char *name)
{
    size_t i = g->t_sorted ? search(g->t_sorted, g->nt, name, g, 0) : SIZE_MAX;
    return i == SIZE_MAX ? NULL : &g->t[i];
}

/* ---- open and close ---- */

static int parse_header(gt_gguf *g, cur *c, uint64_t *nt, uint64_t *nkv)
{
    if (g->size < 4 || memcmp(g->base, GGUF_MAGIC, 4) != 0) {
        char m[8] = "";
        if (g->size >= 4) show_name(m, sizeof m, (const char *)g->base, 4);
        if (g->size < 4) return bad(g->path, NULL, c->err, c->errsz, "not a GGUF file (%zu bytes)", g->size);
        return bad(g->path, NULL, c->err, c->errsz, "not a GGUF file (it starts with '%s', not 'GGUF')", m);
    }
    if (g->size < HEADER_BYTES)
        return bad(g->path, NULL, c->err, c->errsz, "truncated: the header needs %u bytes, the file has %zu",
                   HEADER_BYTES, g->size);
    c->off = 4;
    rd_u32(c, NULL, "the version", &g->version);
    if (g->version != 2 && g->version != 3) {
        if (g->version == 1)
            return bad(g->path, NULL, c->err, c->errsz,
                       "GGUF version 1 is not supported (only versions 2 and 3: convert it again with a newer llama.cpp)");
        if ((g->version & 0xffff) == 0)
            return bad(g->path, NULL, c->err, c->errsz, "a big-endian GGUF file (only little-endian files are supported)");
        return bad(g->path, NULL, c->err, c->errsz, "GGUF version %u is not supported (only versions 2 and 3)",
                   g->version);
    }
    rd_u64(c, NULL, "the tensor count", nt);
    rd_u64(c, NULL, "the key count", nkv);
    size_t left = g->size - c->off;
    if (*nkv > left / MIN_KV_BYTES)
        return bad(g->path, NULL, c->err, c->errsz, "%llu metadata keys cannot fit in a file of %zu bytes",
                   (unsigned long long)*nkv, g->size);
    if (*nt > left / MIN_TENSOR_BYTES)
        return bad(g->path, NULL, c->err, c->errsz, "%llu tensors cannot fit in a file of %zu bytes",
                   (unsigned long long)*nt, g->size);
    return 0;
}

static int parse_all(gt_gguf *g, char *err, size_t errsz)
{
    cur c = { g->base, g->size, 0, g->path, err, errsz };
    uint64_t nt, nkv;
    if (parse_header(g, &c, &nt, &nkv) || parse_kvs(g, &c, nkv) ||
        sort_names(g, g->nkv, "key", 1, &g->kv_sorted, err, errsz) || parse_tensors(g, &c, nt) ||
        sort_names(g, g->nt, "tensor", 0, &g->t_sorted, err, errsz) || read_alignment(g, err, errsz))
        return -1;
    g->data_offset = (c.off + (uint64_t)g->alignment - 1) / g->alignment * g->alignment;
    return place_tensors(g, err, errsz);
}

static int open_common(gt_gguf *g, char *err, size_t errsz)
{
    if (parse_all(g, err, errsz) == 0) return 0;
    gt_gguf_close(g);
    return -1;
}

int gt_gguf_open_mem(gt_gguf *g, const void *buf, size_t size, const char *name, char *err, size_t errsz)
{
    memset(g, 0, sizeof *g);
    g->path = gt_xstrdup(name);
    g->base = buf;
    g->size = size;
    return open_common(g, err, errsz);
}

int gt_gguf_open(gt_gguf *g, const char *path, char *err, size_t errsz)
{
    memset(g, 0, sizeof *g);
    char why[200];
    int fd = gt_open_regular(path, why, sizeof why);
    if (fd < 0)
        return gt_fail(err, errsz, "%s: %s", path, errno == EISDIR ? "is a directory" : errno == EINVAL ?
                       "not a regular file (a GGUF file is mapped)" : why);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return gt_fail(err, errsz, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return gt_fail(err, errsz, "%s: %s", path,
                       S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file (a GGUF file is mapped)");
    }
    void *m = NULL;
    if (st.st_size > 0) {
        m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            close(fd);
            return gt_fail(err, errsz, "%s: cannot map: %s", path, strerror(e));
        }
    }
    close(fd);
    g->path = gt_xstrdup(path);
    g->base = m;
    g->size = (size_t)st.st_size;
    g->mapped = m != NULL;
    return open_common(g, err, errsz);
}

void gt_gguf_close(gt_gguf *g)
{
    for (size_t i = 0; i < g->nkv; i++) {
        free((char *)g->kv[i].key);
        free_val(&g->kv[i].v);
    }
    for (size_t i = 0; i < g->nt; i++) free((char *)g->t[i].name);
    free(g->kv);
    free(g->t);
    free(g->kv_sorted);
    free(g->t_sorted);
    if (g->mapped) munmap((void *)g->base, g->size);
    free(g->path);
    memset(g, 0, sizeof *g);
}

/* ---- values as numbers ---- */

/* Element I of V: an integer (*ISF 0, in *I or, for u64 above INT64_MAX, *BIG
 * set) or a float (*ISF 1, in *F). -1 when V holds no numbers or I is out of range. */
typedef struct { int isf, big; int64_t i; uint64_t u; double f; } num;

static int load_num(const gt_gguf_val *v, uint64_t i, num *o)
{
    uint32_t t = v->type;
    if (t == GT_GGUF_ARRAY) {
        if (i >= v->n) return -1;
        t = v->atype;
    } else if (i != 0) {
        return -1;
    }
    if (t >= NVTYPES || !VTYPES[t].size) return -1;
    const unsigned char *p = v->p + i * VTYPES[t].size;
    memset(o, 0, sizeof *o);
    switch (t) {
    case GT_GGUF_U8: case GT_GGUF_BOOL: o->i = p[0]; break;
    case GT_GGUF_I8: o->i = (int8_t)p[0]; break;
    case GT_GGUF_U16: o->i = (uint16_t)(p[0] | p[1] << 8); break;
    case GT_GGUF_I16: o->i = (int16_t)(uint16_t)(p[0] | p[1] << 8); break;
    case GT_GGUF_U32: o->i = le32(p); break;
    case GT_GGUF_I32: o->i = (int32_t)le32(p); break;
    case GT_GGUF_U64: o->u = le64(p); o->big = o->u > INT64_MAX; o->i = o->big ? 0 : (int64_t)o->u; break;
    case GT_GGUF_I64: o->i = (int64_t)le64(p); break;
    case GT_GGUF_F32: { uint32_t u = le32(p); float f; memcpy(&f, &u, 4); o->f = f; o->isf = 1; break; }
    case GT_GGUF_F64: { uint64_t u = le64(p); memcpy(&o->f, &u, 8); o->isf = 1; break; }
    }
    return 0;
}

int gt_gguf_val_int(const gt_gguf_val *v, uint64_t i, int64_t *out)
{
    num n;
    if (load_num(v, i, &n) || n.isf || n.big) return -1;
    *out = n.i;
    return 0;
}

int gt_gguf_val_num(const gt_gguf_val *v, uint64_t i, double *out)
{
    num n;
    if (load_num(v, i, &n)) return -1;
    *out = n.isf ? n.f : n.big ? (double)n.u : (double)n.i;
    return 0;
}

/* "type array of u32", "type string", ... for messages. */
static const char *val_desc(const gt_gguf_val *v, char *buf, size_t n)
{
    if (v->type == GT_GGUF_ARRAY) snprintf(buf, n, "type array of %s", gt_gguf_type_name(v->atype));
    else snprintf(buf, n, "type %s", gt_gguf_type_name(v->type));
    return buf;
}

static int wrong_type(const gt_gguf *g, const char *key, const gt_gguf_val *v, const char *want, char *err,
                      size_t errsz)
{
    char d[48];
    ctx x = { "key", key, strlen(key), 0 };
    return bad(g->path, &x, err, errsz, "%s, expected %s", val_desc(v, d, sizeof d), want);
}

static int is_int_type(uint32_t t) { return t < NVTYPES && VTYPES[t].size && t != GT_GGUF_F32 && t != GT_GGUF_F64 && t != GT_GGUF_BOOL; }

/* KEY's scalar integer in [LO, HI] (or any u64 when U64 is set). */
static int get_int(const gt_gguf *g, const char *key, int64_t lo, int64_t hi, int u64, const char *want,
                   num *out, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 1;
    if (!is_int_type(v->type)) return wrong_type(g, key, v, want, err, errsz);
    load_num(v, 0, out);
    if (out->big ? !u64 : (out->i < lo || out->i > hi)) {
        ctx x = { "key", key, strlen(key), 0 };
        if (out->big) return bad(g->path, &x, err, errsz, "%llu does not fit in %s", (unsigned long long)out->u, want);
        return bad(g->path, &x, err, errsz, "%lld does not fit in %s", (long long)out->i, want);
    }
    return 0;
}

int gt_gguf_get_u32(const gt_gguf *g, const char *key, uint32_t *out, char *err, size_t errsz)
{
    num n;
    int r = get_int(g, key, 0, UINT32_MAX, 0, "a u32", &n, err, errsz);
    if (r == 0) *out = (uint32_t)n.i;
    return r;
}

int gt_gguf_get_i32(const gt_gguf *g, const char *key, int32_t *out, char *err, size_t errsz)
{
    num n;
    int r = get_int(g, key, INT32_MIN, INT32_MAX, 0, "an i32", &n, err, errsz);
    if (r == 0) *out = (int32_t)n.i;
    return r;
}

int gt_gguf_get_u64(const gt_gguf *g, const char *key, uint64_t *out, char *err, size_t errsz)
{
    num n;
    int r = get_int(g, key, 0, INT64_MAX, 1, "a u64", &n, err, errsz);
    if (r == 0) *out = n.big ? n.u : (uint64_t)n.i;
    return r;
}

int gt_gguf_get_f32(const gt_gguf *g, const char *key, float *out, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    num n;
    if (!v) return 1;
    if (v->type != GT_GGUF_F32 && v->type != GT_GGUF_F64) return wrong_type(g, key, v, "an f32", err, errsz);
    load_num(v, 0, &n);
    *out = (float)n.f;
    return 0;
}

int gt_gguf_get_bool(const gt_gguf *g, const char *key, int *out, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 1;
    if (v->type != GT_GGUF_BOOL) return wrong_type(g, key, v, "a bool", err, errsz);
    *out = v->p[0] != 0;
    return 0;
}

int gt_gguf_get_str(const gt_gguf *g, const char *key, gt_gguf_str *out, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 1;
    if (v->type != GT_GGUF_STRING) return wrong_type(g, key, v, "a string", err, errsz);
    *out = v->str;
    return 0;
}

int gt_gguf_get_strdup(const gt_gguf *g, const char *key, char **out, char *err, size_t errsz)
{
    gt_gguf_str s = { 0 };
    int r = gt_gguf_get_str(g, key, &s, err, errsz);
    if (r) return r;
    if (memchr(s.p, 0, (size_t)s.n)) {
        ctx x = { "key", key, strlen(key), 0 };
        return bad(g->path, &x, err, errsz, "the string holds a NUL byte");
    }
    char *p = gt_xmalloc((size_t)s.n + 1);
    memcpy(p, s.p, (size_t)s.n);
    p[s.n] = 0;
    *out = p;
    return 0;
}

int gt_gguf_get_strs(const gt_gguf *g, const char *key, const gt_gguf_str **out, uint64_t *n, char *err,
                     size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 1;
    if (v->type != GT_GGUF_ARRAY || v->atype != GT_GGUF_STRING)
        return wrong_type(g, key, v, "an array of string", err, errsz);
    *out = v->strs;
    *n = v->n;
    return 0;
}

/* KEY's array of numbers (integers only when INTS) converted by PUT into a new array. */
static int get_nums(const gt_gguf *g, const char *key, int ints, void **out, size_t esz, uint64_t *n,
                    int (*put)(void *dst, const num *x), const char *want, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 1;
    if (v->type != GT_GGUF_ARRAY || v->atype >= NVTYPES || !VTYPES[v->atype].size || v->atype == GT_GGUF_BOOL ||
        (ints && !is_int_type(v->atype)))
        return wrong_type(g, key, v, want, err, errsz);
    unsigned char *a = gt_xmalloc(v->n ? (size_t)v->n * esz : 1);
    for (uint64_t i = 0; i < v->n; i++) {
        num x;
        load_num(v, i, &x);
        if (put(a + i * esz, &x)) {
            ctx c = { "key", key, strlen(key), 0 };
            free(a);
            return bad(g->path, &c, err, errsz, "element %llu does not fit in %s", (unsigned long long)i, want);
        }
    }
    *out = a;
    *n = v->n;
    return 0;
}

static int put_f32(void *dst, const num *x)
{
    float f = x->isf ? (float)x->f : x->big ? (float)x->u : (float)x->i;
    memcpy(dst, &f, 4);
    return 0;
}

static int put_i32(void *dst, const num *x)
{
    if (x->big || x->i < INT32_MIN || x->i > INT32_MAX) return -1;
    int32_t v = (int32_t)x->i;
    memcpy(dst, &v, 4);
    return 0;
}

int gt_gguf_get_f32s(const gt_gguf *g, const char *key, float **out, uint64_t *n, char *err, size_t errsz)
{
    return get_nums(g, key, 0, (void **)out, 4, n, put_f32, "an array of numbers", err, errsz);
}

int gt_gguf_get_i32s(const gt_gguf *g, const char *key, int32_t **out, uint64_t *n, char *err, size_t errsz)
{
    return get_nums(g, key, 1, (void **)out, 4, n, put_i32, "an array of i32", err, errsz);
}

/* ---- tensor data ---- */

size_t gt_gguf_row_bytes(const gt_gguf_tensor *t)
{
    size_t rb = 0;
    gt_ggml_row_bytes(t->type, t->ne[0], &rb);
    return rb;
}

int gt_gguf_check_type(const gt_gguf *g, const gt_gguf_tensor *t, char *err, size_t errsz)
{
    if (gt_ggml_can_dequantize(t->type)) return 0;
    ctx x = { "tensor", t->name, strlen(t->name), 0 };
    return bad(g->path, &x, err, errsz, "type %s is not supported (%s)", gt_ggml_type_name(t->type),
               gt_ggml_dequantize_list());
}

int gt_gguf_dequantize(const gt_gguf *g, const gt_gguf_tensor *t, int64_t r0, int64_t n, float *out, char *err,
                       size_t errsz)
{
    if (gt_gguf_check_type(g, t, err, errsz)) return -1;
    if (r0 < 0 || n < 0 || r0 > t->nrows || n > t->nrows - r0) {
        ctx x = { "tensor", t->name, strlen(t->name), 0 };
        return bad(g->path, &x, err, errsz, "rows %lld..%lld out of its %lld", (long long)r0, (long long)(r0 + n),
                   (long long)t->nrows);
    }
    size_t rb = gt_gguf_row_bytes(t);
    const unsigned char *p = (const unsigned char *)t->data + (size_t)r0 * rb;
    for (int64_t r = 0; r < n; r++, p += rb) gt_ggml_dequantize_row(t->type, p, out + r * t->ne[0], t->ne[0]);
    return 0;
}

/* ---- llama ---- */

/* A positive count for KEY (llama.*): a scalar, or a per-layer array whose
 * values are all equal. 1 when absent. */
static int get_count(const gt_gguf *g, const char *key, int *out, char *err, size_t errsz)
{
    const gt_gguf_val *v = gt_gguf_find(g, key);
    ctx x = { "key", key, strlen(key), 0 };
    int64_t a, b;
    if (!v) return 1;
    if (v->type == GT_GGUF_ARRAY && is_int_type(v->atype) && v->n > 0) {
        if (gt_gguf_val_int(v, 0, &a)) return bad(g->path, &x, err, errsz, "its first value is too large");
        for (uint64_t i = 1; i < v->n; i++)
            if (gt_gguf_val_int(v, i, &b) || b != a)
                return bad(g->path, &x, err, errsz, "per-layer values that differ are not supported");
    } else if (!is_int_type(v->type) || gt_gguf_val_int(v, 0, &a)) {
        char d[48];
        return bad(g->path, &x, err, errsz, "%s, expected a count", val_desc(v, d, sizeof d));
    }
    if (a < 1 || a > MAX_COUNT)
        return bad(g->path, &x, err, errsz, "%lld is not a count in 1..%d", (long long)a, MAX_COUNT);
    *out = (int)a;
    return 0;
}

static int need_count(const gt_gguf *g, const char *key, int *out, char *err, size_t errsz)
{
    int r = get_count(g, key, out, err, errsz);
    if (r == 1) return gt_fail(err, errsz, "%s: key '%s' is missing", g->path, key);
    return r;
}

/* An optional float KEY: finite and at least LO (above LO when STRICT). */
static int get_real(const gt_gguf *g, const char *key, float *out, float lo, int strict, char *err, size_t errsz)
{
    float f;
    int r = gt_gguf_get_f32(g, key, &f, err, errsz);
    if (r) return r;
    if (!isfinite(f) || f < lo || (strict && f == lo)) {
        ctx x = { "key", key, strlen(key), 0 };
        return bad(g->path, &x, err, errsz, "%g is not a number %s %g", f, strict ? "above" : "of at least", lo);
    }
    *out = f;
    return 0;
}

static int llama_arch(const gt_gguf *g, char *err, size_t errsz)
{
    gt_gguf_str a = { 0 };
    int r = gt_gguf_get_str(g, "general.architecture", &a, err, errsz);
    if (r == 1) return gt_fail(err, errsz, "%s: key 'general.architecture' is missing", g->path);
    if (r) return -1;
    if (a.n != 5 || memcmp(a.p, "llama", 5) != 0) {
        char nm[100];
        show_name(nm, sizeof nm, a.p, (size_t)a.n);
        return gt_fail(err, errsz, "%s: architecture '%s' is not supported (only llama)", g->path, nm);
    }
    uint32_t experts = 0;
    if (gt_gguf_get_u32(g, "llama.expert_count", &experts, err, errsz) < 0) return -1;
    if (experts > 0)
        return gt_fail(err, errsz, "%s: key 'llama.expert_count': %u experts: mixture-of-experts models are not supported",
                       g->path, experts);
    return 0;
}

/* Head counts and sizes: n_head_kv divides n_head, head_dim from key_length or n_embd / n_head. */
static int llama_heads(const gt_gguf *g, gt_gguf_llama *hp, char *err, size_t errsz)
{
    int r, vlen;
    hp->n_head_kv = hp->n_head;
    if ((r = get_count(g, "llama.attention.head_count_kv", &hp->n_head_kv, err, errsz)) < 0) return -1;
    if (hp->n_head % hp->n_head_kv)
        return gt_fail(err, errsz, "%s: key 'llama.attention.head_count_kv': %d does not divide the head count %d",
                       g->path, hp->n_head_kv, hp->n_head);
    if ((r = get_count(g, "llama.attention.key_length", &hp->head_dim, err, errsz)) < 0) return -1;
    if (r == 1) {
        if (hp->n_embd % hp->n_head)
            return gt_fail(err, errsz, "%s: key 'llama.embedding_length': %d is not a multiple of the head count %d",
                           g->path, hp->n_embd, hp->n_head);
        hp->head_dim = hp->n_embd / hp->n_head;
    }
    if ((r = get_count(g, "llama.attention.value_length", &vlen, err, errsz)) < 0) return -1;
    if (r == 0 && vlen != hp->head_dim)
        return gt_fail(err, errsz, "%s: key 'llama.attention.value_length': %d differs from the key length %d: not supported",
                       g->path, vlen, hp->head_dim);
    if (hp->head_dim % 2)
        return gt_fail(err, errsz, "%s: head size %d is odd (rotary embeddings need pairs)", g->path, hp->head_dim);
    if ((int64_t)hp->n_head * hp->head_dim > MAX_COUNT)
        return gt_fail(err, errsz, "%s: %d heads of %d values are too many", g->path, hp->n_head, hp->head_dim);
    hp->n_rot = hp->head_dim;
    if ((r = get_count(g, "llama.rope.dimension_count", &hp->n_rot, err, errsz)) < 0) return -1;
    if (hp->n_rot % 2 || hp->n_rot > hp->head_dim)
        return gt_fail(err, errsz, "%s: key 'llama.rope.dimension_count': %d is not an even count up to the head size %d",
                       g->path, hp->n_rot, hp->head_dim);
    return 0;
}

static int llama_rope(const gt_gguf *g, gt_gguf_llama *hp, char *err, size_t errsz)
{
    static const char *const kinds[] = { "none", "linear", "yarn", "longrope" };
    gt_gguf_str s = { 0 };
    int r, fin = 0;
    uint32_t orig = 0;
    hp->rope_base = 10000.0f;
    hp->rope_factor = 0.0f;
    hp->rope_attn_factor = 1.0f;
    strcpy(hp->rope_scaling, "none");
    if (get_real(g, "llama.rope.freq_base", &hp->rope_base, 0.0f, 1, err, errsz) < 0) return -1;
    if ((r = gt_gguf_get_str(g, "llama.rope.scaling.type", &s, err, errsz)) < 0) return -1;
    if (r == 0) {
        size_t k = 0;
        while (k < 4 && !(s.n == strlen(kinds[k]) && memcmp(s.p, kinds[k], (size_t)s.n) == 0)) k++;
        if (k == 4) {
            char nm[100];
            show_name(nm, sizeof nm, s.p, (size_t)s.n);
            return gt_fail(err, errsz, "%s: key 'llama.rope.scaling.type': '%s' is unknown (none, linear, yarn, longrope)",
                           g->path, nm);
        }
        strcpy(hp->rope_scaling, kinds[k]);
    }
    /* as llama.cpp: the factor, else the older scale_linear; 0 means none */
    if ((r = get_real(g, "llama.rope.scaling.factor", &hp->rope_factor, 0.0f, 0, err, errsz)) < 0) return -1;
    if (r == 1 && get_real(g, "llama.rope.scale_linear", &hp->rope_factor, 0.0f, 0, err, errsz) < 0) return -1;
    if (hp->rope_factor == 0.0f) hp->rope_factor = 1.0f;
    if (get_real(g, "llama.rope.scaling.attn_factor", &hp->rope_attn_factor, 0.0f, 1, err, errsz) < 0) return -1;
    if (gt_gguf_get_u32(g, "llama.rope.scaling.original_context_length", &orig, err, errsz) < 0) return -1;
    if (orig > MAX_COUNT)
        return gt_fail(err, errsz, "%s: key 'llama.rope.scaling.original_context_length': %u is above %d", g->path,
                       orig, MAX_COUNT);
    hp->rope_orig_ctx = (int)orig;
    if (gt_gguf_get_bool(g, "llama.rope.scaling.finetuned", &fin, err, errsz) < 0) return -1;
    hp->rope_finetuned = fin;
    return 0;
}

/* The vocabulary size: llama.vocab_size, the tokenizer's token count, or the embedding's rows. */
static int llama_vocab(const gt_gguf *g, gt_gguf_llama *hp, char *err, size_t errsz)
{
    int r = get_count(g, "llama.vocab_size", &hp->n_vocab, err, errsz);
    if (r <= 0) return r;
    const gt_gguf_val *tok = gt_gguf_find(g, "tokenizer.ggml.tokens");
    const gt_gguf_tensor *e = gt_gguf_tensor_find(g, "token_embd.weight");
    int64_t n = tok && tok->type == GT_GGUF_ARRAY ? (int64_t)tok->n : e && e->ndim >= 2 ? e->ne[1] : 0;
    if (n < 1 || n > MAX_COUNT)
        return gt_fail(err, errsz, "%s: no vocabulary size (llama.vocab_size, tokenizer.ggml.tokens or token_embd.weight)",
                       g->path);
    hp->n_vocab = (int)n;
    return 0;
}

int gt_gguf_llama_hparams(const gt_gguf *g, gt_gguf_llama *hp, char *err, size_t errsz)
{
    memset(hp, 0, sizeof *hp);
    if (llama_arch(g, err, errsz) || need_count(g, "llama.block_count", &hp->n_layer, err, errsz) ||
        need_count(g, "llama.embedding_length", &hp->n_embd, err, errsz) ||
        need_count(g, "llama.feed_forward_length", &hp->n_ff, err, errsz) ||
        need_count(g, "llama.attention.head_count", &hp->n_head, err, errsz) ||
        need_count(g, "llama.context_length", &hp->n_ctx, err, errsz) || llama_heads(g, hp, err, errsz))
        return -1;
    int r = get_real(g, "llama.attention.layer_norm_rms_epsilon", &hp->rms_eps, 0.0f, 1, err, errsz);
    if (r == 1) return gt_fail(err, errsz, "%s: key 'llama.attention.layer_norm_rms_epsilon' is missing", g->path);
    if (r < 0 || llama_rope(g, hp, err, errsz) || llama_vocab(g, hp, err, errsz)) return -1;
    hp->has_output = gt_gguf_tensor_find(g, "output.weight") != NULL;
    hp->has_rope_freqs = gt_gguf_tensor_find(g, "rope_freqs.weight") != NULL;
    return 0;
}

/* Tensor NAME exists with dims NE0 x NE1 (NE1 1 for a vector) and a dequantizable type. */
static int check_one(const gt_gguf *g, const char *name, int64_t ne0, int64_t ne1, char *err, size_t errsz)
{
    const gt_gguf_tensor *t = gt_gguf_tensor_find(g, name);
    if (!t) return gt_fail(err, errsz, "%s: tensor '%s' is missing", g->path, name);
    if (t->ne[0] != ne0 || t->ne[1] != ne1 || t->ne[2] != 1 || t->ne[3] != 1) {
        char a[128], b[128];
        int64_t want[2] = { ne0, ne1 };
        return gt_fail(err, errsz, "%s: tensor '%s': shape %s, the metadata says %s", g->path, name,
                       shape_str(t->ne, t->ndim, a, sizeof a), shape_str(want, ne1 == 1 ? 1 : 2, b, sizeof b));
    }
    return gt_gguf_check_type(g, t, err, errsz);
}

int gt_gguf_llama_check_tensors(const gt_gguf *g, const gt_gguf_llama *hp, char *err, size_t errsz)
{
    int64_t e = hp->n_embd, q = (int64_t)hp->n_head * hp->head_dim, kv = (int64_t)hp->n_head_kv * hp->head_dim;
    if (check_one(g, "token_embd.weight", e, hp->n_vocab, err, errsz) ||
        check_one(g, "output_norm.weight", e, 1, err, errsz) ||
        (hp->has_output && check_one(g, "output.weight", e, hp->n_vocab, err, errsz)) ||
        (hp->has_rope_freqs && check_one(g, "rope_freqs.weight", hp->n_rot / 2, 1, err, errsz)))
        return -1;
    /* per layer, ne[0] and ne[1] as indices into DIM: 0 n_embd, 1 q rows, 2 k/v rows, 3 n_ff, 4 one */
    static const struct { const char *name; int ne0, ne1; } L[] = {
        { "attn_norm", 0, 4 }, { "attn_q", 0, 1 }, { "attn_k", 0, 2 }, { "attn_v", 0, 2 },
        { "attn_output", 1, 0 }, { "ffn_norm", 0, 4 }, { "ffn_gate", 0, 3 }, { "ffn_up", 0, 3 },
        { "ffn_down", 3, 0 },
    };
    int64_t dim[5] = { e, q, kv, hp->n_ff, 1 };
    for (int l = 0; l < hp->n_layer; l++)
        for (size_t k = 0; k < sizeof L / sizeof L[0]; k++) {
            char name[64];
            snprintf(name, sizeof name, "blk.%d.%s.weight", l, L[k].name);
            if (check_one(g, name, dim[L[k].ne0], dim[L[k].ne1], err, errsz)) return -1;
        }
    return 0;
}

/* The converter's permute: GGUF row h*hd + 2i + j holds HF row h*hd + j*hd/2 + i. */
int gt_gguf_rope_unpermute(int32_t *perm, int rows, int n_head)
{
    if (n_head < 1 || rows < 0 || rows % n_head || (rows / n_head) % 2) return -1;
    int hd = rows / n_head, half = hd / 2;
    for (int h = 0; h < n_head; h++)
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < half; i++) perm[h * hd + j * half + i] = h * hd + 2 * i + j;
    return 0;
}

int gt_is_gguf(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    size_t n = strlen(path);
    if (n >= 5 && strcasecmp(path + n - 5, ".gguf") == 0) return 1;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    char magic[4];
    int ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "GGUF", 4) == 0;
    fclose(f);
    return ok;
}
