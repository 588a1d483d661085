/* test_gguf.c - the GGUF reader (lib/nn/gguf.c) and the ggml block types
 * (lib/nn/ggml_types.c) against llama.cpp's own Python package `gguf`.
 *
 * tests/data/gguf/ is written by tests/reference/gguf_reference.py (see its
 * header): random blocks of every dequantized type and their F32 from
 * gguf.quants.dequantize (compared bit for bit), metadata of every value
 * type, a tiny llama, the rotary row permutation, and hashes (gt_hash64,
 * seed 0) of every tensor of the shared SmolLM2 file dequantized by gguf
 * (checked when ../shared, or $GT_SHARED, is there). Then hostile files
 * built in memory: each must fail with its message, without a crash or a
 * large allocation (the ASan build runs this too). */
#include "t.h"
#include "nn/gguf.h"
#include "nn/ggml_types.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/file.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "tests/data/gguf/"

static char err[1024];

/* ---- a GGUF writer for hostile files ---- */

static void put32(gt_buf *b, uint32_t v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    gt_buf_add(b, x, 4);
}

static void put64(gt_buf *b, uint64_t v)
{
    put32(b, (uint32_t)v);
    put32(b, (uint32_t)(v >> 32));
}

static void putstr(gt_buf *b, const char *s)
{
    put64(b, strlen(s));
    gt_buf_adds(b, s);
}

static void header(gt_buf *b, uint32_t version, uint64_t nt, uint64_t nkv)
{
    gt_buf_add(b, "GGUF", 4);
    put32(b, version);
    put64(b, nt);
    put64(b, nkv);
}

static void kv_u32(gt_buf *b, const char *k, uint32_t v)
{
    putstr(b, k);
    put32(b, GT_GGUF_U32);
    put32(b, v);
}

static void kv_f32(gt_buf *b, const char *k, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    putstr(b, k);
    put32(b, GT_GGUF_F32);
    put32(b, u);
}

static void kv_str(gt_buf *b, const char *k, const char *v)
{
    putstr(b, k);
    put32(b, GT_GGUF_STRING);
    putstr(b, v);
}

static void tinfo(gt_buf *b, const char *name, int nd, const uint64_t *ne, uint32_t type, uint64_t off)
{
    putstr(b, name);
    put32(b, (uint32_t)nd);
    for (int i = 0; i < nd; i++) put64(b, ne[i]);
    put32(b, type);
    put64(b, off);
}

static void pad(gt_buf *b, size_t align)
{
    while (b->n % align) gt_buf_putc(b, 0);
}

static void zeros(gt_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) gt_buf_putc(b, 0);
}

/* Open N bytes at P from an exact-size copy (ASan sees any read past it). */
static int open_bytes(const void *p, size_t n, gt_gguf *g)
{
    void *copy = malloc(n ? n : 1);
    memcpy(copy, p, n);
    err[0] = 0;
    int rc = gt_gguf_open_mem(g, copy, n, "mem.gguf", err, sizeof err);
    if (rc == 0) gt_gguf_close(g);
    free(copy);
    return rc;
}

/* B must fail with exactly EXP (or with a message containing EXP when SUB). */
static void expect_fail(gt_buf *b, const char *exp, int sub, const char *name)
{
    gt_gguf g;
    int rc = open_bytes(b->p, b->n, &g);
    if (rc == 0) {
        CHECK(0, name);
    } else if (sub) {
        if (!strstr(err, exp)) printf("  got: %s\n", err);
        CHECK(strstr(err, exp) != NULL, name);
    } else {
        CHECK_STR(err, exp, name);
    }
    gt_buf_free(b);
}

/* A valid file: one key, one F32 tensor [4, 2] at offset 0. */
static void good_file(gt_buf *b)
{
    header(b, 3, 1, 1);
    kv_u32(b, "k", 7);
    tinfo(b, "w", 2, (uint64_t[]){ 4, 2 }, GT_GGML_F32, 0);
    pad(b, 32);
    zeros(b, 32);
}

/* ---- the type table ---- */

static void test_types(void)
{
    size_t n = 0;
    CHECK_STR(gt_ggml_type_name(GT_GGML_Q4_K), "Q4_K", "types: Q4_K name");
    CHECK(gt_ggml_type_name(4) == NULL && gt_ggml_type_name(31) == NULL && gt_ggml_type_name(1000) == NULL,
          "types: removed and unknown ids have no name");
    CHECK(gt_ggml_block_values(GT_GGML_Q6_K) == 256 && gt_ggml_block_bytes(GT_GGML_Q6_K) == 210 &&
          gt_ggml_block_bytes(GT_GGML_Q5_1) == 24 && gt_ggml_block_bytes(GT_GGML_IQ2_XXS) == 66,
          "types: block sizes");
    CHECK(gt_ggml_row_bytes(GT_GGML_Q4_K, 512, &n) == 0 && n == 288, "types: Q4_K row of 512 is 288 bytes");
    CHECK(gt_ggml_row_bytes(GT_GGML_Q4_0, 100, &n) < 0 && gt_ggml_row_bytes(GT_GGML_F32, -1, &n) < 0 &&
          gt_ggml_row_bytes(77, 32, &n) < 0, "types: row bytes refuse partial blocks, negative rows, unknown types");
    CHECK(gt_ggml_row_bytes(GT_GGML_F32, (int64_t)1 << 62, &n) < 0, "types: row bytes refuse an overflow");
    float y[32];
    unsigned char blk[18] = { 0 };
    CHECK(gt_ggml_dequantize_row(GT_GGML_Q2_K, blk, y, 256) < 0 && gt_ggml_dequantize_row(GT_GGML_Q4_0, blk, y, 16) < 0,
          "types: dequantize refuses other types and partial blocks");
    CHECK(gt_ggml_can_dequantize(GT_GGML_BF16) && !gt_ggml_can_dequantize(GT_GGML_IQ4_NL), "types: can dequantize");
}

/* ---- dequantization against gguf.quants ---- */

static int bits_equal(const float *a, const float *b, size_t n, size_t *at)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], 4) != 0) { *at = i; return 0; }
    return 1;
}

static void test_dequant_fixture(void)
{
    gt_gguf q, e;
    if (gt_gguf_open(&q, DIR "types.gguf", err, sizeof err) || gt_gguf_open(&e, DIR "types-f32.gguf", err, sizeof err)) {
        printf("  %s\n", err);
        CHECK(0, "dequant: fixtures open");
        return;
    }
    int seen[64] = { 0 }, ntypes = 0;
    for (size_t i = 0; i < q.nt; i++) {
        const gt_gguf_tensor *t = &q.t[i], *x = gt_gguf_tensor_find(&e, t->name);
        char name[160];
        if (!gt_ggml_can_dequantize(t->type)) {
            char exp[300];
            snprintf(exp, sizeof exp, DIR "types.gguf: tensor '%s': type %s is not supported (%s)", t->name,
                     gt_ggml_type_name(t->type), gt_ggml_dequantize_list());
            float y[512];
            snprintf(name, sizeof name, "dequant: %s refused by name and type", t->name);
            CHECK(gt_gguf_dequantize(&q, t, 0, 1, y, err, sizeof err) < 0 && strcmp(err, exp) == 0, name);
            continue;
        }
        float *y = malloc((size_t)t->nelem * 4);
        size_t at = 0;
        int ok = x && x->type == GT_GGML_F32 && x->nelem == t->nelem && x->ne[0] == t->ne[0] &&
                 gt_gguf_dequantize(&q, t, 0, t->nrows, y, err, sizeof err) == 0 &&
                 bits_equal(y, x->data, (size_t)t->nelem, &at);
        if (!ok && x) printf("  %s: value %zu: %a, gguf %a\n", t->name, at, y[at], ((const float *)x->data)[at]);
        snprintf(name, sizeof name, "dequant: %s (%s, %lld values) equals gguf.quants bit for bit", t->name,
                 gt_ggml_type_name(t->type), (long long)t->nelem);
        CHECK(ok, name);
        /* rows 2..4 alone: the same values */
        float *z = malloc((size_t)t->nelem * 4);
        ok = gt_gguf_dequantize(&q, t, 2, 3, z, err, sizeof err) == 0 &&
             memcmp(z, y + 2 * t->ne[0], (size_t)(3 * t->ne[0]) * 4) == 0 &&
             gt_gguf_dequantize(&q, t, 4, 3, z, err, sizeof err) < 0;
        snprintf(name, sizeof name, "dequant: %s rows 2..4 alone; rows past the end refused", t->name);
        CHECK(ok, name);
        free(y);
        free(z);
        if (!seen[t->type]++) ntypes++;
    }
    CHECK(ntypes == 11, "dequant: all 11 types covered");
    gt_gguf_close(&q);
    gt_gguf_close(&e);
}

/* Hash of the F32 of every non-NaN 16-bit pattern, in increasing order. */
static uint64_t all_patterns(int bf16)
{
    float *y = malloc(65536 * 4);
    size_t n = 0;
    for (uint32_t u = 0; u < 65536; u++) {
        int nan = bf16 ? (u & 0x7f80) == 0x7f80 && (u & 0x7f) : (u & 0x7c00) == 0x7c00 && (u & 0x3ff);
        if (nan) continue;
        unsigned char b[2] = { (unsigned char)u, (unsigned char)(u >> 8) };
        gt_ggml_dequantize_row(bf16 ? GT_GGML_BF16 : GT_GGML_F16, b, y + n++, 1);
    }
    uint64_t h = gt_hash64(y, n * 4, 0);
    free(y);
    return h;
}

/* The hash of NAME in hashes.txt, or 0. */
static uint64_t ref_hash(const char *name)
{
    FILE *f = fopen(DIR "hashes.txt", "r");
    char line[512], nm[300], ty[32];
    unsigned long long h;
    uint64_t r = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "%299s %31s %llx", nm, ty, &h) == 3 && strcmp(nm, name) == 0) { r = h; break; }
    if (f) fclose(f);
    return r;
}

static void test_all_patterns(void)
{
    CHECK(all_patterns(0) == ref_hash("f16-all"), "dequant: every non-NaN F16 pattern as numpy converts it");
    CHECK(all_patterns(1) == ref_hash("bf16-all"), "dequant: every non-NaN BF16 pattern as gguf converts it");
}

/* ---- metadata ---- */

static void test_meta_file(const char *path, uint32_t version)
{
    gt_gguf g;
    char name[200];
    snprintf(name, sizeof name, "meta v%u: opens", version);
    if (gt_gguf_open(&g, path, err, sizeof err)) {
        printf("  %s\n", err);
        CHECK(0, name);
        return;
    }
    CHECK(1, name);
    snprintf(name, sizeof name, "meta v%u: header, alignment 64, 26 keys, 2 tensors", version);
    CHECK(g.version == version && g.alignment == 64 && g.nkv == 26 && g.nt == 2 && g.data_offset == 1088, name);

    uint32_t u32 = 0;
    int32_t i32 = 0;
    uint64_t u64 = 0;
    float f = 0;
    int b = 0;
    gt_gguf_str s = { 0 };
    char *dup = NULL;
    CHECK(gt_gguf_get_u32(&g, "t.u8", &u32, err, sizeof err) == 0 && u32 == 200, "meta: u8 as u32");
    CHECK(gt_gguf_get_i32(&g, "t.i8", &i32, err, sizeof err) == 0 && i32 == -100, "meta: i8");
    CHECK(gt_gguf_get_u32(&g, "t.u16", &u32, err, sizeof err) == 0 && u32 == 60000, "meta: u16");
    CHECK(gt_gguf_get_i32(&g, "t.i16", &i32, err, sizeof err) == 0 && i32 == -30000, "meta: i16");
    CHECK(gt_gguf_get_u32(&g, "t.u32", &u32, err, sizeof err) == 0 && u32 == 4000000000u, "meta: u32");
    CHECK(gt_gguf_get_i32(&g, "t.i32", &i32, err, sizeof err) == 0 && i32 == -2000000000, "meta: i32");
    CHECK(gt_gguf_get_f32(&g, "t.f32", &f, err, sizeof err) == 0 && f == 3.25f, "meta: f32");
    CHECK(gt_gguf_get_bool(&g, "t.bool", &b, err, sizeof err) == 0 && b == 1, "meta: bool");
    CHECK(gt_gguf_get_str(&g, "t.string", &s, err, sizeof err) == 0 && s.n == 10 &&
          memcmp(s.p, "h\xc3\xa9llo \xe2\x9c\x93", 10) == 0, "meta: UTF-8 string");
    CHECK(gt_gguf_get_strdup(&g, "t.empty", &dup, err, sizeof err) == 0 && dup && dup[0] == 0, "meta: empty string");
    free(dup);
    CHECK(gt_gguf_get_u64(&g, "t.u64", &u64, err, sizeof err) == 0 && u64 == ((uint64_t)1 << 63) + 5,
          "meta: u64 above INT64_MAX");
    const gt_gguf_val *v = gt_gguf_find(&g, "t.i64");
    int64_t i64 = 0;
    double d = 0;
    CHECK(v && v->type == GT_GGUF_I64 && gt_gguf_val_int(v, 0, &i64) == 0 && i64 == -((int64_t)1 << 62), "meta: i64");
    CHECK(gt_gguf_get_f32(&g, "t.f64", &f, err, sizeof err) == 0 && f == 0.1f &&
          gt_gguf_val_num(gt_gguf_find(&g, "t.f64"), 0, &d) == 0 && d == 0.1, "meta: f64");

    /* type and range errors name the file and key */
    char exp[300];
    snprintf(exp, sizeof exp, "%s: key 't.u32': 4000000000 does not fit in an i32", path);
    CHECK(gt_gguf_get_i32(&g, "t.u32", &i32, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: i32 range error");
    snprintf(exp, sizeof exp, "%s: key 't.i8': -100 does not fit in a u32", path);
    CHECK(gt_gguf_get_u32(&g, "t.i8", &u32, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: u32 sign error");
    snprintf(exp, sizeof exp, "%s: key 't.u64': 9223372036854775813 does not fit in a u32", path);
    CHECK(gt_gguf_get_u32(&g, "t.u64", &u32, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: u32 from a big u64");
    snprintf(exp, sizeof exp, "%s: key 't.string': type string, expected a u32", path);
    CHECK(gt_gguf_get_u32(&g, "t.string", &u32, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: type error");
    snprintf(exp, sizeof exp, "%s: key 'a.str': type array of string, expected a string", path);
    CHECK(gt_gguf_get_str(&g, "a.str", &s, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: array is no string");
    CHECK(gt_gguf_get_f32(&g, "t.u8", &f, err, sizeof err) < 0 && gt_gguf_get_bool(&g, "t.u8", &b, err, sizeof err) < 0,
          "meta: f32 and bool getters take only their types");
    u32 = 99;
    CHECK(gt_gguf_get_u32(&g, "no.such.key", &u32, err, sizeof err) == 1 && u32 == 99, "meta: absent key: 1, untouched");

    /* arrays */
    uint64_t n = 0;
    const gt_gguf_str *ss = NULL;
    float *fs = NULL;
    int32_t *is = NULL;
    CHECK(gt_gguf_get_strs(&g, "a.str", &ss, &n, err, sizeof err) == 0 && n == 3 && ss[0].n == 1 && ss[1].n == 0 &&
          ss[2].n == 3 && memcmp(ss[2].p, "ccc", 3) == 0, "meta: array of strings");
    CHECK(gt_gguf_get_f32s(&g, "a.f32", &fs, &n, err, sizeof err) == 0 && n == 2 && fs[0] == 0.5f && fs[1] == -1.5f,
          "meta: array of f32");
    free(fs);
    CHECK(gt_gguf_get_f32s(&g, "a.i16", &fs, &n, err, sizeof err) == 0 && n == 2 && fs[0] == -5 && fs[1] == 7,
          "meta: array of i16 as f32");
    free(fs);
    CHECK(gt_gguf_get_i32s(&g, "a.i32", &is, &n, err, sizeof err) == 0 && n == 3 && is[0] == 7 && is[1] == -8 &&
          is[2] == 9, "meta: array of i32");
    free(is);
    CHECK(gt_gguf_get_i32s(&g, "a.u8", &is, &n, err, sizeof err) == 0 && n == 3 && is[2] == 255, "meta: array of u8 as i32");
    free(is);
    snprintf(exp, sizeof exp, "%s: key 'a.u64': element 0 does not fit in an array of i32", path);
    CHECK(gt_gguf_get_i32s(&g, "a.u64", &is, &n, err, sizeof err) < 0 && strcmp(err, exp) == 0, "meta: i32 array range error");
    CHECK(gt_gguf_get_i32s(&g, "a.f32", &is, &n, err, sizeof err) < 0 && gt_gguf_get_f32s(&g, "a.str", &fs, &n, err, sizeof err) < 0,
          "meta: number arrays refuse floats as i32 and strings");
    v = gt_gguf_find(&g, "a.f64");
    CHECK(v && v->atype == GT_GGUF_F64 && gt_gguf_val_num(v, 1, &d) == 0 && d == 1e300 && gt_gguf_val_num(v, 2, &d) < 0,
          "meta: array of f64, index checked");
    v = gt_gguf_find(&g, "a.u64");
    CHECK(v && gt_gguf_val_num(v, 1, &d) == 0 && d == 18446744073709551615.0 && gt_gguf_val_int(v, 1, &i64) < 0 &&
          gt_gguf_val_int(v, 0, &i64) == 0 && i64 == (int64_t)1 << 40, "meta: array of u64");
    v = gt_gguf_find(&g, "a.bool");
    CHECK(v && v->atype == GT_GGUF_BOOL && v->n == 3 && v->p[0] == 1 && v->p[1] == 0 && v->p[2] == 1, "meta: array of bool");
    v = gt_gguf_find(&g, "a.nested");
    CHECK(v && v->atype == GT_GGUF_ARRAY && v->n == 2 && v->vals[0].atype == GT_GGUF_I32 && v->vals[0].n == 2 &&
          v->vals[1].n == 1 && gt_gguf_val_int(&v->vals[1], 0, &i64) == 0 && i64 == 3, "meta: nested array of i32");
    v = gt_gguf_find(&g, "a.nested_str");
    CHECK(v && v->n == 2 && v->vals[0].atype == GT_GGUF_STRING && v->vals[0].n == 2 && v->vals[0].strs[1].n == 2 &&
          memcmp(v->vals[1].strs[0].p, "z", 1) == 0, "meta: nested array of strings");
    v = gt_gguf_find(&g, "a.deep");
    CHECK(v && v->n == 2 && v->vals[1].n == 2 && v->vals[1].vals[0].n == 2 && v->vals[1].vals[1].vals == NULL &&
          gt_gguf_val_int(&v->vals[1].vals[1], 0, &i64) == 0 && i64 == 4, "meta: arrays three deep");

    /* tensors */
    const gt_gguf_tensor *t = gt_gguf_tensor_find(&g, "small.f32");
    CHECK(t && t->type == GT_GGML_F32 && t->ndim == 2 && t->ne[0] == 5 && t->ne[1] == 3 && t->ne[2] == 1 &&
          t->nelem == 15 && t->nrows == 3 && t->nbytes == 60 && t->offset == 1088 && t->offset % 64 == 0 &&
          ((const float *)t->data)[14] == 14.0f, "meta: F32 tensor found, shape, offset, data");
    t = gt_gguf_tensor_find(&g, "small.q8_0");
    CHECK(t && t == &g.t[1] && t->type == GT_GGML_Q8_0 && t->ne[0] == 64 && t->nbytes == 2 * 68 && t->offset == 1152 &&
          gt_gguf_row_bytes(t) == 68, "meta: Q8_0 tensor, the next 64-aligned offset");
    CHECK(gt_gguf_tensor_find(&g, "small") == NULL && gt_gguf_tensor_find(&g, "zzz") == NULL, "meta: absent tensors");
    CHECK(strcmp(gt_gguf_type_name(GT_GGUF_F64), "f64") == 0 && strcmp(gt_gguf_type_name(13), "?") == 0,
          "meta: value type names");
    gt_gguf_close(&g);
}

/* ---- the tiny llama and its hyperparameters ---- */

static void test_tiny_llama(void)
{
    gt_gguf g;
    gt_gguf_llama hp;
    if (gt_gguf_open(&g, DIR "tiny-llama.gguf", err, sizeof err)) {
        printf("  %s\n", err);
        CHECK(0, "tiny llama: opens");
        return;
    }
    int rc = gt_gguf_llama_hparams(&g, &hp, err, sizeof err);
    if (rc) printf("  %s\n", err);
    CHECK(rc == 0 && hp.n_layer == 2 && hp.n_embd == 32 && hp.n_ff == 64 && hp.n_head == 2 && hp.n_head_kv == 1 &&
          hp.head_dim == 16 && hp.n_rot == 16 && hp.n_ctx == 256 && hp.rope_base == 500000.0f && hp.rms_eps == 1e-6f,
          "tiny llama: hyperparameters");
    CHECK(rc == 0 && hp.n_vocab == 48 && !hp.has_output && !hp.has_rope_freqs && strcmp(hp.rope_scaling, "none") == 0 &&
          hp.rope_factor == 1.0f && hp.rope_attn_factor == 1.0f && hp.rope_orig_ctx == 0,
          "tiny llama: vocabulary from the tokens, tied output, no rope scaling");
    CHECK(gt_gguf_llama_check_tensors(&g, &hp, err, sizeof err) == 0, "tiny llama: every tensor there with its shape");
    hp.n_ff = 96;
    CHECK(gt_gguf_llama_check_tensors(&g, &hp, err, sizeof err) < 0 &&
          strcmp(err, DIR "tiny-llama.gguf: tensor 'blk.0.ffn_gate.weight': shape [32, 64], the metadata says [32, 96]") == 0,
          "tiny llama: a shape that disagrees with the metadata");
    hp.n_ff = 64;
    hp.n_layer = 3;
    CHECK(gt_gguf_llama_check_tensors(&g, &hp, err, sizeof err) < 0 &&
          strcmp(err, DIR "tiny-llama.gguf: tensor 'blk.2.attn_norm.weight' is missing") == 0, "tiny llama: a missing tensor");
    int bad = 0;
    for (size_t i = 0; i < g.nt; i++) {
        float *y = malloc((size_t)g.t[i].nelem * 4);
        bad += gt_gguf_dequantize(&g, &g.t[i], 0, g.t[i].nrows, y, err, sizeof err) != 0;
        free(y);
    }
    CHECK(bad == 0 && g.nt == 20, "tiny llama: all 20 tensors dequantize");
    gt_gguf_close(&g);
}

/* ---- the rotary row permutation ---- */

static void test_perm(void)
{
    FILE *f = fopen(DIR "perm.txt", "r");
    int rows, nh, lines = 0, bad = 0;
    while (f && fscanf(f, "%d %d:", &rows, &nh) == 2) {
        int32_t *p = malloc((size_t)rows * 4);
        int ok = gt_gguf_rope_unpermute(p, rows, nh) == 0;
        for (int i = 0; i < rows; i++) {
            int v;
            if (fscanf(f, "%d", &v) != 1 || v != p[i]) ok = 0;
        }
        bad += !ok;
        lines++;
        free(p);
    }
    if (f) fclose(f);
    CHECK(lines == 9 && bad == 0, "perm: the un-permutation equals the Hugging Face reshape for 9 shapes");
    int32_t p[8];
    CHECK(gt_gguf_rope_unpermute(p, 6, 2) < 0 && gt_gguf_rope_unpermute(p, 8, 3) < 0 && gt_gguf_rope_unpermute(p, 8, 0) < 0,
          "perm: odd head sizes and partial heads refused");
    /* rows moved whole: gather by the map, then each row is the one named */
    unsigned char src[8 * 3], dst[8 * 3];
    for (int i = 0; i < 24; i++) src[i] = (unsigned char)i;
    gt_gguf_rope_unpermute(p, 8, 2);
    gt_ggml_gather_rows(dst, src, 3, p, 8);
    int ok = 1;
    for (int i = 0; i < 8; i++) ok &= memcmp(dst + 3 * i, src + 3 * p[i], 3) == 0;
    CHECK(ok && p[1] == 2 && p[2] == 1, "perm: gather moves rows of bytes whole");
}

/* ---- the shared SmolLM2 file ---- */

static void test_shared(void)
{
    const char *sh = getenv("GT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    if (access(path, R_OK) != 0) {
        printf("skip: %s absent: the shared-file checks did not run\n", path);
        return;
    }
    gt_gguf g;
    gt_gguf_llama hp;
    if (gt_gguf_open(&g, path, err, sizeof err)) {
        printf("  %s\n", err);
        CHECK(0, "shared: opens");
        return;
    }
    CHECK(g.version == 3 && g.nt == 272 && g.nkv == 33 && g.alignment == 32 && g.size == 98362432, "shared: header");
    int rc = gt_gguf_llama_hparams(&g, &hp, err, sizeof err);
    if (rc) printf("  %s\n", err);
    CHECK(rc == 0 && hp.n_layer == 30 && hp.n_embd == 576 && hp.n_ff == 1536 && hp.n_head == 9 && hp.n_head_kv == 3 &&
          hp.head_dim == 64 && hp.n_rot == 64 && hp.n_ctx == 8192 && hp.n_vocab == 49152 && hp.rope_base == 100000.0f &&
          hp.rms_eps == 1e-5f && !hp.has_output && !hp.has_rope_freqs, "shared: SmolLM2's hyperparameters, tied output");
    CHECK(gt_gguf_llama_check_tensors(&g, &hp, err, sizeof err) == 0, "shared: every tensor there with its shape");
    uint64_t nmerges = 0;
    const gt_gguf_str *merges;
    gt_gguf_str pre = { 0 };
    CHECK(gt_gguf_get_strs(&g, "tokenizer.ggml.merges", &merges, &nmerges, err, sizeof err) == 0 && nmerges == 48900 &&
          gt_gguf_get_str(&g, "tokenizer.ggml.pre", &pre, err, sizeof err) == 0 && pre.n == 6 &&
          memcmp(pre.p, "smollm", 6) == 0, "shared: tokenizer metadata");

    size_t max = 0;
    for (size_t i = 0; i < g.nt; i++) max = (size_t)g.t[i].nelem > max ? (size_t)g.t[i].nelem : max;
    float *y = malloc(max * 4);
    void *rows = malloc(max * 4);
    int nbad = 0, nhf = 0, badhf = 0, q = 0, q8 = 0, f32 = 0;
    for (size_t i = 0; i < g.nt; i++) {
        const gt_gguf_tensor *t = &g.t[i];
        q += t->type == GT_GGML_Q4_1;
        q8 += t->type == GT_GGML_Q8_0;
        f32 += t->type == GT_GGML_F32;
        if (gt_gguf_dequantize(&g, t, 0, t->nrows, y, err, sizeof err) ||
            gt_hash64(y, (size_t)t->nelem * 4, 0) != ref_hash(t->name)) {
            printf("  %s: dequantized hash differs from gguf's\n", t->name);
            nbad++;
        }
        int isq = strstr(t->name, "attn_q.weight") != NULL, isk = strstr(t->name, "attn_k.weight") != NULL;
        if (!isq && !isk) continue;
        /* the Hugging Face order: quantized rows moved by the map, then dequantized */
        int32_t *perm = malloc((size_t)t->nrows * 4);
        char hf[300];
        gt_gguf_rope_unpermute(perm, (int)t->nrows, isq ? hp.n_head : hp.n_head_kv);
        gt_ggml_gather_rows(rows, t->data, gt_gguf_row_bytes(t), perm, (int)t->nrows);
        gt_gguf_tensor moved = *t;
        moved.data = rows;
        snprintf(hf, sizeof hf, "%s.hf", t->name);
        if (gt_gguf_dequantize(&g, &moved, 0, t->nrows, y, err, sizeof err) ||
            gt_hash64(y, (size_t)t->nelem * 4, 0) != ref_hash(hf)) {
            printf("  %s: un-permuted hash differs from the Hugging Face reshape's\n", t->name);
            badhf++;
        }
        nhf++;
        free(perm);
    }
    CHECK(q == 210 && q8 == 1 && f32 == 61, "shared: 210 Q4_1, 1 Q8_0, 61 F32 tensors");
    CHECK(nbad == 0, "shared: all 272 tensors dequantize to gguf.quants' values (hashes)");
    CHECK(nhf == 60 && badhf == 0, "shared: 60 attn_q/attn_k un-permuted on quantized rows equal the Hugging Face order");
    free(y);
    free(rows);
    gt_gguf_close(&g);
}

/* ---- hostile files ---- */

static void test_files(void)
{
    gt_gguf g;
    char path[256], exp[512];
    CHECK(gt_gguf_open(&g, DIR "no-such.gguf", err, sizeof err) < 0 &&
          strcmp(err, DIR "no-such.gguf: cannot open: No such file or directory") == 0, "open: missing file");
    CHECK(gt_gguf_open(&g, DIR, err, sizeof err) < 0 && strcmp(err, DIR ": is a directory") == 0, "open: a directory");
    snprintf(path, sizeof path, "/tmp/test_gguf.%d.gguf", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (f) fclose(f);
    snprintf(exp, sizeof exp, "%s: not a GGUF file (0 bytes)", path);
    CHECK(gt_gguf_open(&g, path, err, sizeof err) < 0 && strcmp(err, exp) == 0, "open: an empty file");
    unlink(path);
}

static void test_header(void)
{
    gt_buf b = { 0 };
    gt_gguf g;
    good_file(&b);
    CHECK(open_bytes(b.p, b.n, &g) == 0, "hostile: the base file is valid");
    gt_buf_free(&b);

    good_file(&b);
    memcpy(b.p, "GGML", 4);
    expect_fail(&b, "mem.gguf: not a GGUF file (it starts with 'GGML', not 'GGUF')", 0, "hostile: wrong magic");
    good_file(&b);
    b.p[4] = 1;
    expect_fail(&b, "mem.gguf: GGUF version 1 is not supported (only versions 2 and 3: convert it again with a newer llama.cpp)",
                0, "hostile: version 1");
    good_file(&b);
    b.p[4] = 4;
    expect_fail(&b, "mem.gguf: GGUF version 4 is not supported (only versions 2 and 3)", 0, "hostile: version 4");
    good_file(&b);
    b.p[4] = 0;
    b.p[7] = 3;
    expect_fail(&b, "mem.gguf: a big-endian GGUF file (only little-endian files are supported)", 0, "hostile: big-endian");
    gt_buf_add(&b, "GGUF\3\0\0", 7);
    expect_fail(&b, "mem.gguf: truncated: the header needs 24 bytes, the file has 7", 0, "hostile: short header");
    gt_buf_add(&b, "GG", 2);
    expect_fail(&b, "mem.gguf: not a GGUF file (2 bytes)", 0, "hostile: 2 bytes");

    header(&b, 3, 0, (uint64_t)1 << 60);
    zeros(&b, 100);
    expect_fail(&b, "mem.gguf: 1152921504606846976 metadata keys cannot fit in a file of 124 bytes", 0,
                "hostile: absurd key count");
    header(&b, 3, UINT64_MAX, 0);
    zeros(&b, 100);
    expect_fail(&b, "mem.gguf: 18446744073709551615 tensors cannot fit in a file of 124 bytes", 0,
                "hostile: absurd tensor count");
    header(&b, 3, 0, 2);   /* two keys fit in the 26 bytes left, but the second is cut short */
    kv_u32(&b, "k", 1);
    put64(&b, 1);
    gt_buf_add(&b, "x", 1);
    expect_fail(&b, "mem.gguf: key 'x': truncated: the value type needs 4 bytes at offset 50, past the end of the file (50 bytes)",
                0, "hostile: the last key cut short");
}

static void test_keys(void)
{
    gt_buf b = { 0 };
    header(&b, 3, 0, 1);
    put64(&b, UINT64_MAX);
    zeros(&b, 20);
    expect_fail(&b, "mem.gguf: key #0: truncated: the key's name needs 18446744073709551615 bytes at offset 32, past the "
                "end of the file (52 bytes)", 0, "hostile: absurd key length");
    header(&b, 3, 0, 1);
    putstr(&b, "s");
    put32(&b, GT_GGUF_STRING);
    put64(&b, 1000);
    zeros(&b, 20);
    expect_fail(&b, "mem.gguf: key 's': truncated: the string value needs 1000 bytes at offset 45, past the end of the file "
                "(65 bytes)", 0, "hostile: string value past the end");
    header(&b, 3, 0, 1);
    putstr(&b, "a");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, GT_GGUF_U64);
    put64(&b, (uint64_t)1 << 62);   /* 2^62 * 8 overflows 64 bits */
    zeros(&b, 40);
    expect_fail(&b, "mem.gguf: key 'a': truncated: an array of 4611686018427387904 u64 values at offset 49 runs past the end "
                "of the file (89 bytes)", 0, "hostile: absurd array length (its size overflows)");
    header(&b, 3, 0, 1);
    putstr(&b, "a");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, GT_GGUF_STRING);
    put64(&b, 6);   /* 6 strings need at least 48 bytes */
    zeros(&b, 40);
    expect_fail(&b, "an array of 6 string values at offset 49 runs past the end", 1, "hostile: array of strings too long");
    header(&b, 3, 0, 1);
    putstr(&b, "a");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, GT_GGUF_STRING);
    put64(&b, 2);
    put64(&b, 0);
    put64(&b, UINT64_MAX - 3);
    zeros(&b, 8);
    expect_fail(&b, "mem.gguf: key 'a': truncated: a string of the array needs 18446744073709551612 bytes at offset 65", 1,
                "hostile: absurd string length in an array");
    header(&b, 3, 0, 1);
    putstr(&b, "a");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, GT_GGUF_ARRAY);
    put64(&b, (uint64_t)1 << 60);
    zeros(&b, 40);
    expect_fail(&b, "an array of 1152921504606846976 array values", 1, "hostile: absurd nested array count");
    header(&b, 3, 0, 1);   /* nine levels of arrays */
    putstr(&b, "deep");
    put32(&b, GT_GGUF_ARRAY);
    for (int i = 0; i < 9; i++) {
        put32(&b, GT_GGUF_ARRAY);
        put64(&b, 1);
    }
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: key 'deep': arrays nested more than 8 deep", 0, "hostile: arrays nested too deep");
    header(&b, 3, 0, 1);
    putstr(&b, "x");
    put32(&b, 13);
    zeros(&b, 8);
    expect_fail(&b, "mem.gguf: key 'x': unknown value type 13", 0, "hostile: unknown value type");
    header(&b, 3, 0, 1);
    putstr(&b, "x");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, 200);
    put64(&b, 1);
    zeros(&b, 8);
    expect_fail(&b, "mem.gguf: key 'x': unknown array element type 200", 0, "hostile: unknown array element type");
    header(&b, 3, 0, 1);
    put64(&b, 3);
    gt_buf_add(&b, "a\0b", 3);
    put32(&b, GT_GGUF_U8);
    zeros(&b, 1);
    expect_fail(&b, "mem.gguf: key 'a?b': the name holds a NUL byte", 0, "hostile: NUL in a key");
    header(&b, 3, 0, 2);
    kv_u32(&b, "k", 1);
    kv_u32(&b, "k", 2);
    expect_fail(&b, "mem.gguf: key 'k': appears twice", 0, "hostile: duplicate key");
    header(&b, 3, 0, 1);
    putstr(&b, "general.alignment");
    put32(&b, GT_GGUF_U64);
    put64(&b, 64);
    expect_fail(&b, "mem.gguf: key 'general.alignment': type u64, expected u32", 0, "hostile: alignment type");
    header(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 48);
    expect_fail(&b, "mem.gguf: key 'general.alignment': 48 is not a power of two", 0, "hostile: alignment 48");
    header(&b, 3, 0, 1);
    kv_u32(&b, "general.alignment", 0);
    expect_fail(&b, "mem.gguf: key 'general.alignment': 0 is not a power of two", 0, "hostile: alignment 0");
    /* an array of zero elements and zero keys are fine */
    header(&b, 2, 0, 1);
    putstr(&b, "empty");
    put32(&b, GT_GGUF_ARRAY);
    put32(&b, GT_GGUF_STRING);
    put64(&b, 0);
    gt_gguf g;
    CHECK(open_bytes(b.p, b.n, &g) == 0, "hostile: an empty array is valid");
    gt_buf_free(&b);
}

static void test_tensors(void)
{
    gt_buf b = { 0 };
    gt_gguf g;
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){ 4, 2 }, GT_GGML_F32, 32);
    pad(&b, 32);
    zeros(&b, 32);
    expect_fail(&b, "mem.gguf: tensor 'w': data 128..160 past the end of the file (128 bytes)", 0, "hostile: data past the end");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){ 4, 2 }, GT_GGML_F32, UINT64_MAX - 31);
    pad(&b, 32);
    zeros(&b, 32);
    expect_fail(&b, "mem.gguf: tensor 'w': data 18446744073709551615..18446744073709551615 past the end", 1,
                "hostile: data offset that overflows");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 1, (uint64_t[]){ 4 }, GT_GGML_F32, 4);
    pad(&b, 32);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': data offset 4 is not a multiple of the alignment 32", 0, "hostile: misaligned offset");
    header(&b, 3, 1, 1);
    kv_u32(&b, "general.alignment", 64);
    tinfo(&b, "w", 1, (uint64_t[]){ 4 }, GT_GGML_F32, 32);
    pad(&b, 64);
    zeros(&b, 128);
    expect_fail(&b, "mem.gguf: tensor 'w': data offset 32 is not a multiple of the alignment 64", 0,
                "hostile: misaligned for a custom alignment");
    uint32_t bad_types[] = { 4, 31, 99, UINT32_MAX };
    for (int i = 0; i < 4; i++) {
        char exp[128], name[64];
        header(&b, 3, 1, 0);
        tinfo(&b, "w", 1, (uint64_t[]){ 32 }, bad_types[i], 0);
        pad(&b, 32);
        zeros(&b, 64);
        snprintf(exp, sizeof exp, "mem.gguf: tensor 'w': unknown type id %u", bad_types[i]);
        snprintf(name, sizeof name, "hostile: unknown type id %u", bad_types[i]);
        expect_fail(&b, exp, 0, name);
    }
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){ (uint64_t)1 << 32, (uint64_t)1 << 32 }, GT_GGML_F32, 0);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': shape [4294967296, 4294967296] has more than 2^63 - 1 values", 0,
                "hostile: shape whose product overflows");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){ (uint64_t)1 << 61, 2 }, GT_GGML_F32, 0);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': F32 [2305843009213693952, 2] needs more bytes than memory can address", 0,
                "hostile: shape whose byte size overflows");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 1, (uint64_t[]){ UINT64_MAX }, GT_GGML_F32, 0);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': dimension 0 is 18446744073709551615, more than 2^63 - 1", 0,
                "hostile: dimension above 2^63");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 5, (uint64_t[]){ 1, 1, 1, 1, 1 }, GT_GGML_F32, 0);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': 5 dimensions (at most 4)", 0, "hostile: five dimensions");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 2, (uint64_t[]){ 33, 1 }, GT_GGML_Q4_0, 0);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': row length 33 is not a multiple of Q4_0's block of 32 values", 0,
                "hostile: row length not a whole number of blocks");
    header(&b, 3, 2, 0);
    tinfo(&b, "w", 1, (uint64_t[]){ 8 }, GT_GGML_F32, 0);
    tinfo(&b, "w", 1, (uint64_t[]){ 8 }, GT_GGML_F32, 32);
    pad(&b, 32);
    zeros(&b, 64);
    expect_fail(&b, "mem.gguf: tensor 'w': appears twice", 0, "hostile: duplicate tensor names");
    header(&b, 3, 1, 0);
    tinfo(&b, "w", 1, (uint64_t[]){ 8 }, GT_GGML_F32, 0);
    b.n -= 5;
    expect_fail(&b, "mem.gguf: tensor 'w': truncated: the data offset needs 8 bytes at offset 49, past the end of the file "
                "(52 bytes)", 0, "hostile: tensor info cut");
    header(&b, 3, 1, 0);
    put64(&b, (uint64_t)1 << 40);
    zeros(&b, 40);
    expect_fail(&b, "mem.gguf: tensor #0: truncated: the tensor's name needs 1099511627776 bytes", 1,
                "hostile: absurd tensor name length");

    /* zero dimensions and zero-sized dimensions are valid; IQ2_XXS opens, but does not dequantize */
    header(&b, 3, 3, 0);
    tinfo(&b, "scalar", 0, NULL, GT_GGML_F32, 0);
    tinfo(&b, "empty", 2, (uint64_t[]){ 0, 5 }, GT_GGML_Q4_K, 32);
    tinfo(&b, "iq", 1, (uint64_t[]){ 256 }, GT_GGML_IQ2_XXS, 32);
    pad(&b, 32);
    zeros(&b, 32 + 66);
    void *copy = malloc(b.n);
    memcpy(copy, b.p, b.n);
    int rc = gt_gguf_open_mem(&g, copy, b.n, "mem.gguf", err, sizeof err);
    CHECK(rc == 0 && g.t[0].ndim == 0 && g.t[0].nelem == 1 && g.t[0].nbytes == 4 && g.t[1].nelem == 0 &&
          g.t[1].nbytes == 0 && g.t[1].nrows == 0 && g.t[2].nbytes == 66, "hostile: 0-d and empty tensors are valid");
    float y[256];
    CHECK(rc == 0 && gt_gguf_dequantize(&g, &g.t[2], 0, 1, y, err, sizeof err) < 0 &&
          strstr(err, "mem.gguf: tensor 'iq': type IQ2_XXS is not supported (F32, F16, BF16, Q8_0,") == err,
          "hostile: an unsupported type is an error naming tensor and type");
    if (rc == 0) gt_gguf_close(&g);
    free(copy);
    gt_buf_free(&b);
}

/* ---- llama hyperparameters from hostile metadata ---- */

static const char *const LK[] = { "general.architecture", "llama.block_count", "llama.embedding_length",
                                  "llama.feed_forward_length", "llama.attention.head_count", "llama.context_length",
                                  "llama.attention.layer_norm_rms_epsilon", "llama.vocab_size" };

static void llama_kv(gt_buf *b, int i)
{
    static const uint32_t val[] = { 0, 1, 64, 128, 4, 256, 0, 32 };
    if (i == 0) kv_str(b, LK[0], "llama");
    else if (i == 6) kv_f32(b, LK[6], 1e-5f);
    else kv_u32(b, LK[i], val[i]);
}

static void ex_gpt2(gt_buf *b) { kv_str(b, "general.architecture", "gpt2"); }
static void ex_kv3(gt_buf *b) { kv_u32(b, "llama.attention.head_count_kv", 3); }
static void ex_block_str(gt_buf *b) { kv_str(b, "llama.block_count", "one"); }
static void ex_experts(gt_buf *b) { kv_u32(b, "llama.expert_count", 8); }
static void ex_scaling(gt_buf *b) { kv_str(b, "llama.rope.scaling.type", "weird"); }
static void ex_eps(gt_buf *b) { kv_f32(b, "llama.attention.layer_norm_rms_epsilon", -1.0f); }
static void ex_rot(gt_buf *b) { kv_u32(b, "llama.rope.dimension_count", 18); }
static void ex_vlen(gt_buf *b) { kv_u32(b, "llama.attention.value_length", 8); }
static void ex_zero(gt_buf *b) { kv_u32(b, "llama.attention.head_count", 0); }
static void ff_array(gt_buf *b, uint32_t last)
{
    putstr(b, "llama.feed_forward_length");
    put32(b, GT_GGUF_ARRAY);
    put32(b, GT_GGUF_I32);
    put64(b, 2);
    put32(b, 128);
    put32(b, last);
}
static void ex_ff_same(gt_buf *b) { ff_array(b, 128); }
static void ex_ff_diff(gt_buf *b) { ff_array(b, 96); }
static void ex_yarn(gt_buf *b)
{
    kv_str(b, "llama.rope.scaling.type", "yarn");
    kv_f32(b, "llama.rope.scaling.factor", 4.0f);
    kv_u32(b, "llama.rope.scaling.original_context_length", 64);
    kv_u32(b, "llama.attention.key_length", 20);
}

/* The base llama keys without DROP, plus NEXTRA keys written by EXTRA: hparams
 * into *HP; -1 with the message in ERR. */
static int llama_try(const char *drop, void (*extra)(gt_buf *), int nextra, gt_gguf_llama *hp)
{
    gt_buf kvs = { 0 }, b = { 0 };
    int n = nextra;
    for (int i = 0; i < 8; i++)
        if (!drop || strcmp(drop, LK[i]) != 0) {
            llama_kv(&kvs, i);
            n++;
        }
    if (extra) extra(&kvs);
    header(&b, 3, 0, (uint64_t)n);
    gt_buf_add(&b, kvs.p, kvs.n);
    gt_gguf g;
    int rc = gt_gguf_open_mem(&g, b.p, b.n, "mem.gguf", err, sizeof err);
    if (rc == 0) {
        rc = gt_gguf_llama_hparams(&g, hp, err, sizeof err);
        gt_gguf_close(&g);
    }
    gt_buf_free(&kvs);
    gt_buf_free(&b);
    return rc;
}

static void llama_fails(const char *drop, void (*extra)(gt_buf *), const char *exp, const char *name)
{
    gt_gguf_llama hp;
    int rc = llama_try(drop, extra, extra ? 1 : 0, &hp);
    if (rc == 0 || strcmp(err, exp) != 0) printf("  got: %s\n", rc ? err : "success");
    CHECK(rc < 0 && strcmp(err, exp) == 0, name);
}

static void test_llama_errors(void)
{
    gt_gguf_llama hp;
    CHECK(llama_try(NULL, NULL, 0, &hp) == 0 && hp.n_vocab == 32 && hp.n_head_kv == 4 && hp.head_dim == 16 &&
          hp.rope_base == 10000.0f, "llama: the minimal keys, defaults");
    CHECK(llama_try("llama.feed_forward_length", ex_ff_same, 1, &hp) == 0 && hp.n_ff == 128,
          "llama: a per-layer array of equal values");
    CHECK(llama_try(NULL, ex_yarn, 4, &hp) == 0 && strcmp(hp.rope_scaling, "yarn") == 0 && hp.rope_factor == 4.0f &&
          hp.rope_orig_ctx == 64 && hp.head_dim == 20 && hp.n_rot == 20, "llama: yarn scaling, key_length");
    llama_fails("general.architecture", NULL, "mem.gguf: key 'general.architecture' is missing", "llama: no architecture");
    llama_fails("general.architecture", ex_gpt2, "mem.gguf: architecture 'gpt2' is not supported (only llama)",
                "llama: another architecture");
    llama_fails("llama.block_count", NULL, "mem.gguf: key 'llama.block_count' is missing", "llama: no block count");
    llama_fails("llama.block_count", ex_block_str, "mem.gguf: key 'llama.block_count': type string, expected a count",
                "llama: block count of the wrong type");
    llama_fails("llama.attention.head_count", ex_zero, "mem.gguf: key 'llama.attention.head_count': 0 is not a count in 1..16777216",
                "llama: zero heads");
    llama_fails(NULL, ex_kv3, "mem.gguf: key 'llama.attention.head_count_kv': 3 does not divide the head count 4",
                "llama: kv heads that do not divide the heads");
    llama_fails("llama.feed_forward_length", ex_ff_diff,
                "mem.gguf: key 'llama.feed_forward_length': per-layer values that differ are not supported",
                "llama: per-layer values that differ");
    llama_fails(NULL, ex_experts, "mem.gguf: key 'llama.expert_count': 8 experts: mixture-of-experts models are not supported",
                "llama: mixture of experts");
    llama_fails(NULL, ex_scaling, "mem.gguf: key 'llama.rope.scaling.type': 'weird' is unknown (none, linear, yarn, longrope)",
                "llama: unknown rope scaling");
    llama_fails("llama.attention.layer_norm_rms_epsilon", ex_eps,
                "mem.gguf: key 'llama.attention.layer_norm_rms_epsilon': -1 is not a number above 0", "llama: negative eps");
    llama_fails(NULL, ex_rot, "mem.gguf: key 'llama.rope.dimension_count': 18 is not an even count up to the head size 16",
                "llama: rope dimensions above the head size");
    llama_fails(NULL, ex_vlen, "mem.gguf: key 'llama.attention.value_length': 8 differs from the key length 16: not supported",
                "llama: value length differs");
    llama_fails("llama.vocab_size", NULL,
                "mem.gguf: no vocabulary size (llama.vocab_size, tokenizer.ggml.tokens or token_embd.weight)",
                "llama: no vocabulary size anywhere");
}

/* Every prefix of FILE shorter than its last tensor's end fails with a
 * message; the longer ones (trailing padding) open. Prefixes past LIMIT are
 * taken every STEP bytes. */
static void test_truncation(const char *file, size_t limit, size_t step)
{
    gt_gguf g;
    char name[200];
    size_t n = 0;
    char *p = gt_read_file(file, 0, &n, err, sizeof err);
    snprintf(name, sizeof name, "truncation: %s opens", file);
    if (!p || gt_gguf_open_mem(&g, p, n, "mem.gguf", err, sizeof err)) {
        CHECK(0, name);
        free(p);
        return;
    }
    size_t end = 0;
    for (size_t i = 0; i < g.nt; i++) end = g.t[i].offset + g.t[i].nbytes > end ? g.t[i].offset + g.t[i].nbytes : end;
    gt_gguf_close(&g);
    int bad = 0, tried = 0;
    for (size_t k = 0; k < n; k += k < limit ? 1 : step) {
        int rc = open_bytes(p, k, &g);
        tried++;
        if ((rc == 0) != (k >= end) || (rc && strncmp(err, "mem.gguf: ", 10) != 0)) {
            if (bad++ < 5) printf("  prefix of %zu bytes: rc %d: %s\n", k, rc, err);
        }
    }
    snprintf(name, sizeof name, "truncation: %d prefixes of %s fail before byte %zu, open after", tried, file, end);
    CHECK(bad == 0 && end > 0, name);
    free(p);
}

int main(void)
{
    test_types();
    test_dequant_fixture();
    test_all_patterns();
    test_meta_file(DIR "meta.gguf", 3);
    test_meta_file(DIR "meta-v2.gguf", 2);
    test_tiny_llama();
    test_perm();
    test_files();
    test_header();
    test_keys();
    test_tensors();
    test_llama_errors();
    test_truncation(DIR "meta.gguf", SIZE_MAX, 1);
    test_truncation(DIR "tiny-llama.gguf", 4096, 7);
    test_shared();
    T_END();
}
