/* fuzz_gguf.c - libFuzzer harness for the GGUF reader (lib/nn/gguf.c) and
 * the dequantizers (lib/nn/ggml_types.c): each input is parsed as a whole
 * file from an exact-size buffer (so AddressSanitizer sees any read past
 * it); when it opens, every key goes through every getter, every array
 * element through the number accessors, the llama hyperparameters and
 * shape checks run, and the first rows of every tensor are dequantized.
 * How to build and run it: tests/fuzz/README.md. */
#include "nn/gguf.h"
#include "nn/ggml_types.h"

#include <stdint.h>
#include <stdlib.h>

/* Every accessor on V and its elements, nested arrays down to their leaves. */
static void walk(const gt_gguf_val *v)
{
    int64_t i64;
    double d;
    uint64_t n = v->type == GT_GGUF_ARRAY ? v->n : 1;
    for (uint64_t i = 0; i < n && i < 64; i++) {
        gt_gguf_val_int(v, i, &i64);
        gt_gguf_val_num(v, i, &d);
    }
    gt_gguf_val_num(v, n, &d);   /* one past the end: refused */
    if (v->type == GT_GGUF_ARRAY && v->atype == GT_GGUF_ARRAY)
        for (uint64_t i = 0; i < v->n; i++) walk(&v->vals[i]);
}

static void getters(const gt_gguf *g, const char *key)
{
    char err[512], *s = NULL;
    uint32_t u32;
    int32_t i32, *is = NULL;
    uint64_t u64, n;
    float f, *fs = NULL;
    int b;
    gt_gguf_str str;
    const gt_gguf_str *strs;
    gt_gguf_get_u32(g, key, &u32, err, sizeof err);
    gt_gguf_get_i32(g, key, &i32, err, sizeof err);
    gt_gguf_get_u64(g, key, &u64, err, sizeof err);
    gt_gguf_get_f32(g, key, &f, err, sizeof err);
    gt_gguf_get_bool(g, key, &b, err, sizeof err);
    gt_gguf_get_str(g, key, &str, err, sizeof err);
    if (gt_gguf_get_strdup(g, key, &s, err, sizeof err) == 0) free(s);
    gt_gguf_get_strs(g, key, &strs, &n, err, sizeof err);
    if (gt_gguf_get_f32s(g, key, &fs, &n, err, sizeof err) == 0) free(fs);
    if (gt_gguf_get_i32s(g, key, &is, &n, err, sizeof err) == 0) free(is);
}

/* The first rows of T (at most 4, and at most 1 << 20 values). */
static void dequantize(const gt_gguf *g, const gt_gguf_tensor *t)
{
    char err[512];
    if (t->nrows == 0 || t->ne[0] > (1 << 20)) return;
    int64_t rows = t->nrows < 4 ? t->nrows : 4;
    if (rows * t->ne[0] > (1 << 20)) rows = 1;
    float *y = malloc((size_t)(rows * t->ne[0]) * sizeof *y + 1);
    gt_gguf_dequantize(g, t, 0, rows, y, err, sizeof err);
    gt_gguf_dequantize(g, t, t->nrows - 1, 1, y, err, sizeof err);   /* the last row */
    free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gt_gguf g;
    char err[512];
    if (gt_gguf_open_mem(&g, data, size, "fuzz.gguf", err, sizeof err) != 0) return 0;
    for (size_t i = 0; i < g.nkv; i++) {
        getters(&g, g.kv[i].key);
        walk(&g.kv[i].v);
    }
    gt_gguf_llama hp;
    if (gt_gguf_llama_hparams(&g, &hp, err, sizeof err) == 0) gt_gguf_llama_check_tensors(&g, &hp, err, sizeof err);
    for (size_t i = 0; i < g.nt; i++) {
        gt_gguf_tensor_find(&g, g.t[i].name);
        dequantize(&g, &g.t[i]);
    }
    gt_gguf_close(&g);
    return 0;
}
