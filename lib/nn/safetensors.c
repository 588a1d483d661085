/* safetensors.c - mmap .safetensors files, parse and check their JSON headers
 * (yajl_tree), resolve sharded models through the index's weight_map; write
 * them atomically. */
#include "nn/safetensors.h"
#include "io/file.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/json.h"
#include "io/output.h"
#include "io/json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define MAX_HEADER (256u << 20)   /* far above any real model's header */

const char *gt_shape_str(const int64_t *shape, int ndim, char *buf, size_t n)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, n - o, "[");
    for (int i = 0; i < ndim && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (o < n) snprintf(buf + o, n - o, "]");
    return buf;
}

static int parse_dtype(const char *s, gt_dtype *d)
{
    if (strcmp(s, "F32") == 0) *d = GT_DT_F32;
    else if (strcmp(s, "F16") == 0) *d = GT_DT_F16;
    else if (strcmp(s, "BF16") == 0) *d = GT_DT_BF16;
    else return -1;
    return 0;
}

static void push_tensor(gt_st *st, int *cap, const gt_tensor *t)
{
    if (st->nt == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        st->t = gt_xrealloc(st->t, (size_t)*cap * sizeof *st->t);
    }
    st->t[st->nt++] = *t;
}

/* Parse one tensor entry VAL called NAME of file F. */
static int parse_entry(gt_st *st, int *cap, const gt_st_file *f, size_t data_start,
                       const char *name, yajl_val val, char *err, size_t errsz)
{
    const char *path = f->path;
    if (!YAJL_IS_OBJECT(val))
        return gt_fail(err, errsz, "%s: tensor '%s': header entry is not an object", path, name);
    const char *kd[] = { "dtype", NULL }, *ks[] = { "shape", NULL }, *ko[] = { "data_offsets", NULL };
    yajl_val vd = yajl_tree_get(val, kd, yajl_t_string);
    yajl_val vs = yajl_tree_get(val, ks, yajl_t_array);
    yajl_val vo = yajl_tree_get(val, ko, yajl_t_array);
    if (!vd || !vs || !vo)
        return gt_fail(err, errsz, "%s: tensor '%s': header entry lacks %s", path, name,
                    !vd ? "a \"dtype\" string" : !vs ? "a \"shape\" array" : "a \"data_offsets\" array");
    gt_tensor t;
    memset(&t, 0, sizeof t);
    if (parse_dtype(YAJL_GET_STRING(vd), &t.dtype) != 0)
        return gt_fail(err, errsz, "%s: tensor '%s': unsupported dtype '%s' (F32, F16 and BF16 are supported)",
                    path, name, YAJL_GET_STRING(vd));
    size_t nd = YAJL_GET_ARRAY(vs)->len;
    if (nd > GT_ST_MAXDIM)
        return gt_fail(err, errsz, "%s: tensor '%s': %zu dimensions (at most %d supported)", path, name, nd, GT_ST_MAXDIM);
    t.ndim = (int)nd;
    t.numel = 1;
    for (size_t i = 0; i < nd; i++) {
        yajl_val d = YAJL_GET_ARRAY(vs)->values[i];
        if (!YAJL_IS_INTEGER(d) || YAJL_GET_INTEGER(d) < 0 || YAJL_GET_INTEGER(d) > ((int64_t)1 << 40))
            return gt_fail(err, errsz, "%s: tensor '%s': bad shape", path, name);
        t.shape[i] = YAJL_GET_INTEGER(d);
        if (t.numel > 0 && t.shape[i] > ((int64_t)1 << 50) / t.numel)
            return gt_fail(err, errsz, "%s: tensor '%s': shape too large", path, name);
        t.numel *= t.shape[i];
    }
    yajl_val *ov = YAJL_GET_ARRAY(vo)->values;
    if (YAJL_GET_ARRAY(vo)->len != 2 || !YAJL_IS_INTEGER(ov[0]) || !YAJL_IS_INTEGER(ov[1]) ||
        YAJL_GET_INTEGER(ov[0]) < 0 || YAJL_GET_INTEGER(ov[1]) < YAJL_GET_INTEGER(ov[0]))
        return gt_fail(err, errsz, "%s: tensor '%s': bad data_offsets", path, name);
    uint64_t b = (uint64_t)YAJL_GET_INTEGER(ov[0]), e = (uint64_t)YAJL_GET_INTEGER(ov[1]);
    t.nbytes = (size_t)t.numel * gt_dtype_size(t.dtype);
    if (e - b != t.nbytes) {
        char sb[96];
        return gt_fail(err, errsz, "%s: tensor '%s': data_offsets span %llu bytes but %s %s needs %zu", path, name,
                    (unsigned long long)(e - b), gt_dtype_name(t.dtype), gt_shape_str(t.shape, t.ndim, sb, sizeof sb),
                    t.nbytes);
    }
    if (e > f->size - data_start)
        return gt_fail(err, errsz, "%s: truncated: tensor '%s' needs bytes %llu..%llu, file has %zu", path, name,
                    (unsigned long long)(data_start + b), (unsigned long long)(data_start + e), f->size);
    t.data = (const char *)f->map + data_start + b;
    t.name = gt_xstrdup(name);
    t.file = path;
    if ((uintptr_t)t.data % gt_dtype_size(t.dtype)) {   /* misaligned: keep an aligned copy */
        void *c = gt_xmalloc(t.nbytes ? t.nbytes : 1);
        memcpy(c, t.data, t.nbytes);
        st->copies = gt_xrealloc(st->copies, (size_t)(st->ncopies + 1) * sizeof *st->copies);
        st->copies[st->ncopies++] = c;
        t.data = c;
    }
    push_tensor(st, cap, &t);
    return 0;
}

/* Map FILE, parse its header, append its tensors. */
static int open_file(gt_st *st, int *cap, const char *path, char *err, size_t errsz)
{
    char why[200];
    int fd = gt_open_regular(path, why, sizeof why);
    if (fd < 0) return gt_fail(err, errsz, "%s: %s", path, errno == ENOENT ? strerror(errno) : why);
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return gt_fail(err, errsz, "%s: %s", path, strerror(e));
    }
    size_t size = (size_t)sb.st_size;
    if (!S_ISREG(sb.st_mode)) { close(fd); return gt_fail(err, errsz, "%s: not a regular file", path); }
    if (size < 8) { close(fd); return gt_fail(err, errsz, "%s: truncated: %zu bytes, too short for a safetensors header", path, size); }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED) return gt_fail(err, errsz, "%s: mmap: %s", path, strerror(e));

    st->files = gt_xrealloc(st->files, (size_t)(st->nfiles + 1) * sizeof *st->files);
    gt_st_file *f = &st->files[st->nfiles++];
    f->path = gt_xstrdup(path);
    f->map = map;
    f->size = size;

    const unsigned char *p = map;
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | p[i];
    if (hlen > size - 8)
        return gt_fail(err, errsz, "%s: truncated: header needs bytes 8..%llu, file has %zu", f->path,
                    (unsigned long long)(8 + hlen), size);
    if (hlen > MAX_HEADER)
        return gt_fail(err, errsz, "%s: header of %llu bytes is too large", f->path, (unsigned long long)hlen);
    char *js = gt_xmalloc(hlen + 1);
    memcpy(js, p + 8, hlen);
    js[hlen] = 0;
    char yerr[256];
    yajl_val root = gt_json_parse(js, yerr, sizeof yerr);
    free(js);
    if (!root)
        return gt_fail(err, errsz, "%s: not a safetensors file: header is not valid JSON (%.*s)", f->path,
                       (int)strcspn(yerr, "\n"), yerr);
    if (!YAJL_IS_OBJECT(root)) {
        yajl_tree_free(root);
        return gt_fail(err, errsz, "%s: not a safetensors file: header is not a JSON object", f->path);
    }
    int rc = 0;
    for (size_t i = 0; i < YAJL_GET_OBJECT(root)->len && rc == 0; i++) {
        const char *k = YAJL_GET_OBJECT(root)->keys[i];
        if (strcmp(k, "__metadata__") == 0) continue;
        rc = parse_entry(st, cap, f, 8 + (size_t)hlen, k, YAJL_GET_OBJECT(root)->values[i], err, errsz);
    }
    yajl_tree_free(root);
    return rc;
}

static int cmp_tensor(const void *a, const void *b)
{
    return strcmp(((const gt_tensor *)a)->name, ((const gt_tensor *)b)->name);
}

/* ST's tensors by name (none: nothing to sort; qsort wants an array). */
static void sort_tensors(gt_st *st)
{
    if (st->nt > 1) qsort(st->t, (size_t)st->nt, sizeof *st->t, cmp_tensor);
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* PATH is an index.json: open every shard it names (relative to its folder). */
static int open_index(gt_st *st, int *cap, const char *path, char *err, size_t errsz)
{
    char why[256];
    yajl_val root = gt_json_load(path, MAX_HEADER, why, sizeof why);
    if (!root && errno == 0) return gt_fail(err, errsz, "%s: invalid JSON (%.*s)", path, (int)strcspn(why, "\n"), why);
    if (!root) return gt_fail(err, errsz, "%s: %s", path, why);
    const char *kw[] = { "weight_map", NULL };
    yajl_val wm = yajl_tree_get(root, kw, yajl_t_object);
    if (!wm) { yajl_tree_free(root); return gt_fail(err, errsz, "%s: no \"weight_map\" object", path); }
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path + 1) : 0;
    int rc = 0;
    size_t n = YAJL_GET_OBJECT(wm)->len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        yajl_val v = YAJL_GET_OBJECT(wm)->values[i];
        const char *tn = YAJL_GET_OBJECT(wm)->keys[i];
        if (!YAJL_IS_STRING(v) || !*YAJL_GET_STRING(v) || YAJL_GET_STRING(v)[0] == '/') {
            rc = gt_fail(err, errsz, "%s: tensor '%s': weight_map value is not a relative file name", path, tn);
            break;
        }
        const char *shard = YAJL_GET_STRING(v);
        char *full = gt_xmalloc(dlen + strlen(shard) + 1);
        memcpy(full, path, dlen);
        strcpy(full + dlen, shard);
        int seen = 0;
        for (int j = 0; j < st->nfiles && !seen; j++) seen = strcmp(st->files[j].path, full) == 0;
        if (!seen) rc = open_file(st, cap, full, err, errsz);
        free(full);
    }
    if (rc == 0) {
        sort_tensors(st);
        for (size_t i = 0; i < n && rc == 0; i++) {
            const char *tn = YAJL_GET_OBJECT(wm)->keys[i];
            const char *shard = YAJL_GET_STRING(YAJL_GET_OBJECT(wm)->values[i]);
            const gt_tensor *t = gt_st_find(st, tn);
            if (!t || !ends_with(t->file, shard) || (strlen(t->file) != dlen + strlen(shard)))
                rc = gt_fail(err, errsz, "%s: tensor '%s' is mapped to %s, which does not contain it", path, tn, shard);
        }
    }
    yajl_tree_free(root);
    return rc;
}

int gt_st_open(gt_st *st, const char *path, char *err, size_t errsz)
{
    memset(st, 0, sizeof *st);
    int cap = 0, rc;
    char *src;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        size_t n = strlen(path) + 64;
        char *one = gt_xmalloc(n), *idx = gt_xmalloc(n);
        snprintf(one, n, "%s/model.safetensors", path);
        snprintf(idx, n, "%s/model.safetensors.index.json", path);
        if (access(one, F_OK) == 0) {
            rc = open_file(st, &cap, one, err, errsz);
            src = one;
            free(idx);
        } else if (access(idx, F_OK) == 0) {
            rc = open_index(st, &cap, idx, err, errsz);
            src = idx;
            free(one);
        } else {
            rc = gt_fail(err, errsz, "%s: no model.safetensors or model.safetensors.index.json", path);
            src = one;
            free(idx);
        }
    } else {
        src = gt_xstrdup(path);
        rc = ends_with(path, ".json") ? open_index(st, &cap, path, err, errsz) : open_file(st, &cap, path, err, errsz);
    }
    if (rc == 0) {
        sort_tensors(st);
        for (int i = 1; i < st->nt && rc == 0; i++)
            if (strcmp(st->t[i - 1].name, st->t[i].name) == 0)
                rc = gt_fail(err, errsz, "%s: tensor '%s' also appears in %s", st->t[i].file, st->t[i].name,
                          st->t[i - 1].file);
    }
    if (rc != 0) {
        gt_st_close(st);
        free(src);
    } else {
        st->source = src;
    }
    return rc;
}

const gt_tensor *gt_st_find(const gt_st *st, const char *name)
{
    int lo = 0, hi = st->nt - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(name, st->t[mid].name);
        if (c == 0) return &st->t[mid];
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return NULL;
}

void gt_st_close(gt_st *st)
{
    for (int i = 0; i < st->nt; i++) free((char *)st->t[i].name);
    free(st->t);
    for (int i = 0; i < st->nfiles; i++) {
        munmap(st->files[i].map, st->files[i].size);
        free(st->files[i].path);
    }
    free(st->files);
    for (int i = 0; i < st->ncopies; i++) free(st->copies[i]);
    free(st->copies);
    free(st->source);
    memset(st, 0, sizeof *st);
}

/* ---- writing ---- */

static size_t numel_of(const gt_stw_tensor *t)
{
    size_t n = 1;
    for (int d = 0; d < t->ndim; d++) n *= (size_t)t->shape[d];
    return n;
}

/* The header JSON is built in memory (its length comes first). */
static void buf_json(gt_buf *b, const char *s)
{
    gt_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { gt_buf_putc(b, '\\'); gt_buf_putc(b, (char)*p); }
        else if (*p < 0x20) gt_buf_printf(b, "\\u%04x", *p);
        else gt_buf_putc(b, (char)*p);
    }
    gt_buf_putc(b, '"');
}

int gt_st_write(const char *path, const gt_stw_tensor *t, int n, const char *const *keys,
                const char *const *vals, int nmeta, int checksum, char *err, size_t errsz)
{
    gt_buf h = { 0 };
    gt_buf_adds(&h, "{");
    int first = 1;
    if (nmeta > 0 || checksum) {
        gt_buf_adds(&h, "\"__metadata__\":{");
        for (int i = 0; i < nmeta; i++) {
            if (i) gt_buf_adds(&h, ",");
            buf_json(&h, keys[i]);
            gt_buf_adds(&h, ":");
            buf_json(&h, vals[i]);
        }
        if (checksum) {
            uint64_t hs = 0x636b7074ull;
            for (int i = 0; i < n; i++) hs = gt_hash64(t[i].data, numel_of(&t[i]) * sizeof(float), hs);
            gt_buf_printf(&h, "%s\"gentitle.checksum\":\"%016llx\"", nmeta ? "," : "", (unsigned long long)hs);
        }
        gt_buf_adds(&h, "}");
        first = 0;
    }
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        if (t[i].dtype != GT_DT_F32 && checksum) {
            gt_buf_free(&h);
            return gt_fail(err, errsz, "%s: a checksummed file holds F32 only", path);
        }
        size_t bytes = numel_of(&t[i]) * gt_dtype_size(t[i].dtype);
        if (!first) gt_buf_adds(&h, ",");
        first = 0;
        buf_json(&h, t[i].name);
        gt_buf_printf(&h, ":{\"dtype\":\"%s\",\"shape\":[", gt_dtype_name(t[i].dtype));
        for (int d = 0; d < t[i].ndim; d++) gt_buf_printf(&h, "%s%lld", d ? "," : "", (long long)t[i].shape[d]);
        gt_buf_printf(&h, "],\"data_offsets\":[%zu,%zu]}", off, off + bytes);
        off += bytes;
    }
    gt_buf_adds(&h, "}");
    while (h.n % 8) gt_buf_adds(&h, " ");
    gt_out o;
    gt_atomic *a = gt_atomic_open(path, &o);
    if (!a) {
        gt_buf_free(&h);
        return gt_fail(err, errsz, "%s: cannot create", path);
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)h.n >> (8 * i));
    gt_out_write(&o, len8, 8);
    gt_out_write(&o, h.p, h.n);
    gt_buf_free(&h);
    for (int i = 0; i < n; i++) {
        size_t ne = numel_of(&t[i]);
        if (t[i].dtype == GT_DT_F32) { gt_out_write(&o, t[i].data, ne * sizeof(float)); continue; }
        uint16_t buf[4096];
        for (size_t j = 0; j < ne; j += 4096) {
            size_t m = ne - j < 4096 ? ne - j : 4096;
            for (size_t k = 0; k < m; k++)
                buf[k] = t[i].dtype == GT_DT_BF16 ? gt_f32_to_bf16(t[i].data[j + k]) : gt_f32_to_f16(t[i].data[j + k]);
            gt_out_write(&o, buf, m * 2);    /* little-endian, as safetensors */
        }
    }
    if (gt_atomic_commit(a, &o) != 0) return gt_fail(err, errsz, "%s: cannot write", path);
    return 0;
}
