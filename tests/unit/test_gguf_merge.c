/* test_gguf_merge.c - merged GGUF models (lora-train --merge-out OUT.gguf:
 * train/merge.h gt_write_merged_gguf) and the GGUF writer under them
 * (nn/gguf_write.h; nn/ggml_types.h gt_ggml_quantize_row).
 *
 * - The conversions: gt_ggml_quantize_row on hard values (halfway cases,
 *   F16 subnormals and overflow, NaN, infinities; Q8_0 ties, zero and tiny
 *   scales) equals gguf.quants' bytes (quant-ref.json). On real merged
 *   tensors tests/reference/gguf_merge_reference.py checked our F16, BF16
 *   and Q8_0 against llama.cpp's own quantizer, byte for byte.
 * - The writer: every key of the fixture files copied verbatim
 *   (gt_ggufw_val: strings, arrays of strings and numbers, bool, u64, nested
 *   arrays, ...) and every tensor raw gives the same file byte for byte
 *   (files written by llama.cpp or gguf-py); the typed adders read back;
 *   misuse (a key or tensor twice, an alignment that is not a power of two,
 *   rows that are not whole blocks, raw bytes of the wrong size) fails the
 *   write with the tensor or key named, nothing written.
 * - The merge: for each line of merge-logits.jsonl (the reference script ran
 *   llama.cpp on lora-train's merged files) the merged file made here from
 *   the same base and adapter (the file's size; the golden test
 *   lora-train/gguf-merge checks the sha256) is loaded by our loader and
 *   run: last-position logits within the line's tol of llama.cpp's on the
 *   same file (test_gguf_model's: twice llama.cpp's distance to exact
 *   arithmetic for the file's types + 1% of max |logit| on the tiny files,
 *   twice its largest one in smollm2-logits.jsonl on SmolLM2, 1.76) and 16
 *   greedy tokens identical (every step's margin is 1.0 or more, 0.5 on
 *   SmolLM2); the base with the adapter kept apart (what title-gen --lora
 *   runs) within tol_apart of them (2% instead of 1% on the tiny files: a
 *   merged BF16/Q8_0/F16 weight is rounded once more). Measured in
 *   tests/reference/README.md ("Merged GGUF models"): at most 0.48 of tol
 *   and 0.51 of tol_apart. SmolLM2 (../shared, GT_SHARED) only when present.
 * - The F32 merge of an F16 base runs bit-identically to the base with the
 *   adapter merged at load (title-gen --lora-merge: the same F32 weights);
 *   the default merge keeps an F16 base's types and general.file_type.
 * - Errors: a merge into a path that cannot be created (74), a type it does
 *   not write (64); neither leaves a file (rows that are not whole Q8_0
 *   blocks: the writer's refusal above). */
#include "t.h"
#include "gguf_fixture.h"
#include "train/merge.h"
#include "nn/ggml_types.h"
#include "nn/gguf.h"
#include "nn/gguf_write.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[1024];
static char tmpdir[64];

static int argmax(const float *x, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++) if (x[i] > x[b]) b = i;
    return b;
}

static int same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *x = gt_read_file(a, 64u << 20, &na, err, sizeof err), *y = gt_read_file(b, 64u << 20, &nb, err, sizeof err);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

/* ---------------------------------------------------------------- conversions */

static int u32s(yajl_val v, uint32_t *out, int max)
{
    if (!v || !YAJL_IS_ARRAY(v) || (int)YAJL_GET_ARRAY(v)->len > max) return -1;
    for (size_t i = 0; i < YAJL_GET_ARRAY(v)->len; i++) {
        long long x;
        if (gt_json_as_int(YAJL_GET_ARRAY(v)->values[i], &x) || x < 0 || x > 0xffffffffLL) return -1;
        out[i] = (uint32_t)x;
    }
    return (int)YAJL_GET_ARRAY(v)->len;
}

static void test_quant_ref(void)
{
    char *text = gt_read_file(DIR "quant-ref.json", 1u << 20, NULL, err, sizeof err);
    yajl_val r = text ? gt_json_parse(text, err, sizeof err) : NULL;
    free(text);
    uint32_t bits[64], f16[64], bf16[64], qbits[256];
    const char *hex = r ? gt_json_str(r, "q8_0") : NULL;
    int n = r ? u32s(gt_json_get(r, "values"), bits, 64) : -1, nq = r ? u32s(gt_json_get(r, "q8_0_values"), qbits, 256) : -1;
    int ok = n == 64 && u32s(gt_json_get(r, "f16"), f16, 64) == 64 && u32s(gt_json_get(r, "bf16"), bf16, 64) == 64 &&
             nq == 256 && hex && strlen(hex) == 2 * 8 * 34;
    CHECK(ok, "quant-ref.json: 64 values, F16, BF16; 8 Q8_0 blocks");
    if (ok) {
        float x[64], qx[256];
        memcpy(x, bits, sizeof x);
        memcpy(qx, qbits, sizeof qx);
        unsigned char h[128], b[128], q[8 * 34];
        int bad16 = 0, badb = 0;
        CHECK(gt_ggml_quantize_row(GT_GGML_F16, x, h, 64) == 0 && gt_ggml_quantize_row(GT_GGML_BF16, x, b, 64) == 0,
              "quantize_row: F16 and BF16 rows");
        for (int i = 0; i < 64; i++) {
            bad16 += (uint32_t)(h[2 * i] | h[2 * i + 1] << 8) != f16[i];
            badb += (uint32_t)(b[2 * i] | b[2 * i + 1] << 8) != bf16[i];
        }
        CHECK(bad16 == 0, "quantize_row: F16 = numpy's float16 (round to nearest even; subnormals, overflow, NaN, inf)");
        CHECK(badb == 0, "quantize_row: BF16 = gguf.quants' (round to nearest even, NaN kept quiet)");
        CHECK(gt_ggml_quantize_row(GT_GGML_Q8_0, qx, q, 256) == 0, "quantize_row: Q8_0 row of 8 blocks");
        int badq = 0;
        for (int i = 0; i < 8 * 34; i++) {
            unsigned v;
            sscanf(hex + 2 * i, "%2x", &v);
            badq += q[i] != v;
        }
        CHECK(badq == 0, "quantize_row: Q8_0 = gguf.quants' (d = amax/127 as F16, q = roundf(x / d): ties away from 0)");
        float back[256];
        double worst = 0;
        gt_ggml_dequantize_row(GT_GGML_Q8_0, q, back, 256);
        for (int k = 0; k < 8; k++) {
            double amax = 0;
            for (int j = 0; j < 32; j++) amax = fmax(amax, fabs(qx[32 * k + j]));
            for (int j = 0; j < 32; j++)
                if (amax > 1e-3) worst = fmax(worst, fabs(back[32 * k + j] - qx[32 * k + j]) / amax);
        }
        CHECK(worst < 0.5 / 127 + 1e-3, "quantize_row: Q8_0 dequantized within half a step of amax/127");
    }
    unsigned char d[64];
    float z[33] = { 0 };
    CHECK(gt_ggml_quantize_row(GT_GGML_Q8_0, z, d, 33) != 0 && gt_ggml_quantize_row(GT_GGML_Q4_0, z, d, 32) != 0 &&
          !gt_ggml_can_quantize(GT_GGML_Q4_K) && gt_ggml_can_quantize(GT_GGML_BF16),
          "quantize_row: refuses rows of partial blocks and types it does not write");
    if (r) yajl_tree_free(r);
}

/* ---------------------------------------------------------------- the writer */

/* Every key and every tensor (raw) of SRC written to DST. */
static int copy_gguf(const char *src, const char *dst)
{
    gt_gguf g;
    if (gt_gguf_open(&g, src, err, sizeof err) != 0) return -1;
    gt_ggufw *w = gt_ggufw_new();
    for (size_t i = 0; i < g.nkv; i++) gt_ggufw_val(w, g.kv[i].key, &g.kv[i].v);
    for (size_t i = 0; i < g.nt; i++)
        gt_ggufw_tensor_raw(w, g.t[i].name, g.t[i].ndim, g.t[i].ne, g.t[i].type, g.t[i].data, g.t[i].nbytes);
    int rc = gt_ggufw_write(w, dst, err, sizeof err);
    gt_ggufw_free(w);
    gt_gguf_close(&g);
    return rc;
}

static int same_val(const gt_gguf_val *a, const gt_gguf_val *b)
{
    if (a->type != b->type) return 0;
    if (a->type == GT_GGUF_STRING) return a->str.n == b->str.n && memcmp(a->str.p, b->str.p, (size_t)a->str.n) == 0;
    if (a->type != GT_GGUF_ARRAY) return memcmp(a->p, b->p, gt_gguf_type_size(a->type)) == 0;
    if (a->atype != b->atype || a->n != b->n) return 0;
    for (uint64_t i = 0; i < a->n; i++) {
        if (a->atype == GT_GGUF_STRING) {
            if (a->strs[i].n != b->strs[i].n || memcmp(a->strs[i].p, b->strs[i].p, (size_t)a->strs[i].n)) return 0;
        } else if (a->atype == GT_GGUF_ARRAY) {
            if (!same_val(&a->vals[i], &b->vals[i])) return 0;
        }
    }
    if (a->atype != GT_GGUF_STRING && a->atype != GT_GGUF_ARRAY)
        return memcmp(a->p, b->p, (size_t)a->n * gt_gguf_type_size(a->atype)) == 0;
    return 1;
}

/* The keys of A and B: same names, order, types and values. */
static int same_keys(const char *pa, const char *pb, int *types_seen)
{
    gt_gguf a, b;
    if (gt_gguf_open(&a, pa, err, sizeof err)) return 0;
    if (gt_gguf_open(&b, pb, err, sizeof err)) { gt_gguf_close(&a); return 0; }
    int ok = a.nkv == b.nkv && a.nt == b.nt;
    for (size_t i = 0; ok && i < a.nkv; i++) {
        ok = strcmp(a.kv[i].key, b.kv[i].key) == 0 && same_val(&a.kv[i].v, &b.kv[i].v);
        *types_seen |= 1 << a.kv[i].v.type;
        if (a.kv[i].v.type == GT_GGUF_ARRAY) *types_seen |= 1 << (16 + a.kv[i].v.atype);
    }
    gt_gguf_close(&a);
    gt_gguf_close(&b);
    return ok;
}

static void test_writer_copy(void)
{
    /* written by gguf-py's GGUFWriter (meta, types, tiny-llama) and llama.cpp's quantizer (tiny-*) */
    static const char *files[] = { "meta.gguf", "meta-v2.gguf", "types.gguf", "tiny-llama.gguf", "tiny-f16.gguf",
                                   "tiny-q4_k.gguf", "llama2-spm.gguf", "gguf-lora-q4_k.gguf" };
    int seen = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char src[256], dst[256], name[300];
        snprintf(src, sizeof src, DIR "%s", files[i]);
        snprintf(dst, sizeof dst, "%s/copy-%s", tmpdir, files[i]);
        int wrote = copy_gguf(src, dst) == 0;
        if (!wrote) printf("%s\n", err);
        int keys = wrote && same_keys(src, dst, &seen);
        snprintf(name, sizeof name, "gguf write: %s: every key copied verbatim (names, order, types, values)", files[i]);
        CHECK(keys, name);
        if (strcmp(files[i], "meta-v2.gguf") != 0) {     /* a version 2 file comes out as version 3 */
            snprintf(name, sizeof name, "gguf write: %s: keys and raw tensors give the file byte for byte", files[i]);
            CHECK(same_file(src, dst), name);
        }
    }
    /* what the fixtures hold, so what the copy covered: every value type (meta.gguf has one of each), arrays of
     * strings, of arrays, of numbers */
    int want = (1 << 13) - 1;
    want |= 1 << (16 + GT_GGUF_STRING) | 1 << (16 + GT_GGUF_ARRAY) | 1 << (16 + GT_GGUF_F32) | 1 << (16 + GT_GGUF_I32) |
            1 << (16 + GT_GGUF_U8) | 1 << (16 + GT_GGUF_U64) | 1 << (16 + GT_GGUF_F64) | 1 << (16 + GT_GGUF_BOOL);
    printf("value types copied: mask %#x\n", (unsigned)seen);
    CHECK((seen & want) == want, "gguf write: the copies held every value type, arrays of strings, of arrays, of "
                                 "u8/i32/u64/f32/f64/bool");
}

static void test_writer_typed(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/typed.gguf", tmpdir);
    gt_ggufw *w = gt_ggufw_new();
    gt_ggufw_bool(w, "a.bool", 1);
    gt_ggufw_i32(w, "a.i32", -7);
    gt_ggufw_u64(w, "a.u64", 0x123456789abcULL);
    int16_t i16 = -300;
    double f64 = -2.5;
    gt_ggufw_num(w, "a.i16", GT_GGUF_I16, &i16);
    gt_ggufw_num(w, "a.f64", GT_GGUF_F64, &f64);
    uint8_t u8s[3] = { 1, 2, 250 };
    gt_ggufw_nums(w, "a.u8s", GT_GGUF_U8, 3, u8s);
    gt_gguf_str ss[2] = { { "x", 1 }, { "a\0b", 3 } };
    gt_ggufw_strs(w, "a.strs", 2, ss);
    gt_ggufw_u32(w, "general.alignment", 16);
    static const float v[64] = { 1, -2, 64, 127 };   /* exact in each type (Q8_0: d = 1) */
    int64_t ne[2] = { 32, 2 };
    CHECK(gt_ggufw_tensor_conv(w, "q", 2, ne, GT_GGML_Q8_0, v) == 0 &&
          gt_ggufw_tensor_conv(w, "h", 2, ne, GT_GGML_F16, v) == 0 &&
          gt_ggufw_tensor_conv(w, "b", 2, ne, GT_GGML_BF16, v) == 0 && gt_ggufw_tensor_f32(w, "f", 2, ne, v) == 0,
          "gguf write: Q8_0, F16, BF16, F32 tensors from floats");
    int wrote = gt_ggufw_write(w, path, err, sizeof err) == 0;
    gt_ggufw_free(w);
    gt_gguf g;
    int ok = wrote && gt_gguf_open(&g, path, err, sizeof err) == 0;
    if (!ok) printf("%s\n", err);
    if (ok) {
        int b = 0;
        int32_t i = 0;
        uint64_t u = 0;
        const gt_gguf_str *s = NULL;
        uint64_t n = 0;
        int32_t *ints = NULL;
        uint64_t ni = 0;
        double d = 0;
        const gt_gguf_val *vf = gt_gguf_find(&g, "a.f64");
        ok = gt_gguf_get_bool(&g, "a.bool", &b, err, sizeof err) == 0 && b == 1 &&
             gt_gguf_get_i32(&g, "a.i32", &i, err, sizeof err) == 0 && i == -7 &&
             gt_gguf_get_u64(&g, "a.u64", &u, err, sizeof err) == 0 && u == 0x123456789abcULL &&
             gt_gguf_get_i32(&g, "a.i16", &i, err, sizeof err) == 0 && i == -300 &&
             vf && vf->type == GT_GGUF_F64 && gt_gguf_val_num(vf, 0, &d) == 0 && d == -2.5 &&
             gt_gguf_get_i32s(&g, "a.u8s", &ints, &ni, err, sizeof err) == 0 && ni == 3 && ints[2] == 250 &&
             gt_gguf_get_strs(&g, "a.strs", &s, &n, err, sizeof err) == 0 && n == 2 && s[1].n == 3 &&
             memcmp(s[1].p, "a\0b", 3) == 0 && g.alignment == 16 && g.nt == 4;
        free(ints);
        float back[64];
        for (size_t t = 0; ok && t < g.nt; t++) {
            ok = gt_gguf_dequantize(&g, &g.t[t], 0, 2, back, err, sizeof err) == 0 && back[1] == -2 && back[3] == 127 &&
                 back[40] == 0 && (g.t[t].offset - g.data_offset) % 16 == 0;
        }
        gt_gguf_close(&g);
    }
    CHECK(ok, "gguf write: bool, i32, u64, i16, f64, u8 array, strings with a NUL, alignment 16: read back");

    /* misuse: reported by the write, nothing written */
    struct { const char *what, *msg; } cases[] = {
        { "dup-key", "key 'k' added twice" }, { "dup-tensor", "tensor 't' added twice" },
        { "align", "'general.alignment': 24 is not a power of two" },
        { "q8-rows", "tensor 't': rows of 33 values are not whole Q8_0 blocks of 32" },
        { "raw-size", "tensor 't': 10 bytes of data, its F16 shape takes 8" },
        { "q4k-conv", "tensor 't': values cannot be written as Q4_K" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        w = gt_ggufw_new();
        int64_t n4[1] = { 4 }, n33[1] = { 33 }, n256[1] = { 256 };
        static float z[256];
        static unsigned char raw[16];
        const char *what = cases[c].what;
        if (!strcmp(what, "dup-key")) { gt_ggufw_u32(w, "k", 1); gt_ggufw_str(w, "k", "x"); }
        if (!strcmp(what, "dup-tensor")) { gt_ggufw_tensor_f32(w, "t", 1, n4, z); gt_ggufw_tensor_f32(w, "t", 1, n4, z); }
        if (!strcmp(what, "align")) gt_ggufw_u32(w, "general.alignment", 24);
        if (!strcmp(what, "q8-rows")) gt_ggufw_tensor_conv(w, "t", 1, n33, GT_GGML_Q8_0, z);
        if (!strcmp(what, "raw-size")) gt_ggufw_tensor_raw(w, "t", 1, n4, GT_GGML_F16, raw, 10);
        if (!strcmp(what, "q4k-conv")) gt_ggufw_tensor_conv(w, "t", 1, n256, GT_GGML_Q4_K, z);
        snprintf(path, sizeof path, "%s/bad-%s.gguf", tmpdir, what);
        int rc = gt_ggufw_write(w, path, err, sizeof err);
        gt_ggufw_free(w);
        char name[200];
        snprintf(name, sizeof name, "gguf write: misuse %s: the write fails, \"%s\", no file", what, cases[c].msg);
        if (rc == 0 || !strstr(err, cases[c].msg) || !strstr(err, path)) printf("got: %s\n", err);
        CHECK(rc != 0 && strstr(err, cases[c].msg) && strstr(err, path) && !exists(path), name);
    }
}

/* ---------------------------------------------------------------- merges */

static int dtype_of(const char *s)
{
    return !strcmp(s, "f32") ? GT_DT_F32 : !strcmp(s, "f16") ? GT_DT_F16 : !strcmp(s, "bf16") ? GT_DT_BF16
         : !strcmp(s, "q8_0") ? GT_DT_Q8_0 : -1;
}

/* BASE + ADAPTER merged into OUT as DTYPE by the library (what lora-train
 * --lora --merge-out does): 0, or the status with ERR. */
static int make_merged(const char *base, const char *adapter, const char *out, int dtype)
{
    gt_model m;
    if (gt_model_load(&m, base, err, sizeof err)) return EX_DATAERR;
    gt_lora *l = gt_lora_load(&m, adapter, 0, err, sizeof err);
    if (!l) { gt_model_free(&m); return EX_DATAERR; }
    gt_merge_lora f;
    gt_merge_lora_from_adapter(&f, &m, l);
    int rc = gt_write_merged_gguf(&m, &f, out, dtype, err, sizeof err);
    gt_merge_lora_free(&f);
    gt_lora_free(l);
    gt_model_free(&m);
    return rc;
}

/* Last-position logits of IDS, then N greedy tokens. 0 ok. */
static int run(const gt_model *m, const int32_t *ids, int n, float *out, int32_t *greedy, int ng)
{
    gt_state *s = gt_state_new(m, n + ng + 1, 0, err, sizeof err);
    if (!s) return -1;
    int rc = gt_model_forward(m, s, ids, n, 0, out, 0);
    float *lg = gt_xmalloc(sizeof(float) * (size_t)m->c.vocab_size);
    memcpy(lg, out, sizeof(float) * (size_t)m->c.vocab_size);
    for (int i = 0; rc == 0 && i < ng; i++) {
        int32_t t = greedy[i] = argmax(lg, m->c.vocab_size);
        rc = gt_model_forward(m, s, &t, 1, n + i, lg, 0);
    }
    free(lg);
    gt_state_free(s);
    return rc;
}

typedef struct {
    const char *shared;         /* the SmolLM2 file, or NULL when absent */
    int tiny, smol;             /* lines run */
    double worst_same, worst_apart;
} merge_ctx;

/* max |ours - ref| over REC's logits (all of them, or top and strided) */
static int distance(yajl_val rec, const float *ours, int V, double *d)
{
    *d = 0;
    if (gt_json_get(rec, "logits")) {
        float *ref = gt_xmalloc(sizeof(float) * (size_t)V);
        int ok = floats_of(gt_json_get(rec, "logits"), ref, V) == 0;
        if (ok) *d = max_diff(ours, ref, V);
        free(ref);
        return ok ? 0 : -1;
    }
    int32_t top_ids[64];
    float top[64], strided[1024];
    yajl_val sv = gt_json_get(rec, "stride");
    int stride = sv && YAJL_IS_INTEGER(sv) ? (int)YAJL_GET_INTEGER(sv) : 0, ns = stride > 0 ? (V + stride - 1) / stride : 0;
    if (ints_of(gt_json_get(rec, "top_ids"), top_ids, 64) != 64 || floats_of(gt_json_get(rec, "top"), top, 64) ||
        ns > 1024 || floats_of(gt_json_get(rec, "strided"), strided, ns))
        return -1;
    for (int i = 0; i < 64; i++) *d = fmax(*d, fabs((double)ours[top_ids[i]] - top[i]));
    for (int i = 0; i < ns; i++) *d = fmax(*d, fabs((double)ours[i * stride] - strided[i]));
    if (argmax(ours, V) != top_ids[0]) *d = INFINITY;
    return 0;
}

static void one_merge(yajl_val rec, void *vctx)
{
    merge_ctx *ctx = vctx;
    const char *name = gt_json_str(rec, "name"), *base = gt_json_str(rec, "base"), *ad = gt_json_str(rec, "adapter"),
               *dt = gt_json_str(rec, "dtype");
    yajl_val tv = gt_json_get(rec, "tol"), ta = gt_json_get(rec, "tol_apart"), by = gt_json_get(rec, "bytes");
    if (!name || !base || !ad || !dt || !tv || !ta || !by || !YAJL_IS_INTEGER(by)) {
        CHECK(0, "merge: fixture record fields");
        return;
    }
    int smol = strncmp(base, "SmolLM2", 7) == 0;
    if (smol && !ctx->shared) return;
    char bpath[4200], apath[256], out[256], what[400];
    if (smol) snprintf(bpath, sizeof bpath, "%s", ctx->shared);
    else snprintf(bpath, sizeof bpath, DIR "%s", base);
    snprintf(apath, sizeof apath, DIR "%s", ad);
    snprintf(out, sizeof out, "%s/%s.gguf", tmpdir, name);
    int32_t ids[512], greedy_ref[16], greedy[16];
    int np = ints_of(gt_json_get(rec, "prompt"), ids, 512);
    if (!exists(out)) {
        int rc = make_merged(bpath, apath, out, dtype_of(dt));
        if (rc) printf("%s\n", err);
        snprintf(what, sizeof what, "merge %s: written", name);
        CHECK(rc == 0, what);
        if (rc) return;
    }
    struct stat sb;
    snprintf(what, sizeof what, "merge %s: %lld bytes, as the file llama.cpp ran", name, (long long)YAJL_GET_INTEGER(by));
    CHECK(stat(out, &sb) == 0 && sb.st_size == YAJL_GET_INTEGER(by), what);
    gt_model m, b;
    if (np <= 0 || ints_of(gt_json_get(rec, "greedy"), greedy_ref, 16) != 16 || gt_model_load(&m, out, err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "merge: fixture read, merged file loads");
        return;
    }
    int V = m.c.vocab_size;
    float *ours = gt_xmalloc(sizeof(float) * (size_t)V), *apart = gt_xmalloc(sizeof(float) * (size_t)V);
    int32_t g2[16];
    double d = INFINITY, da = INFINITY, tol = YAJL_GET_DOUBLE(tv), tola = YAJL_GET_DOUBLE(ta);
    int ok = run(&m, ids, np, ours, greedy, 16) == 0 && distance(rec, ours, V, &d) == 0;
    gt_lora *l = NULL;
    if (gt_model_load(&b, bpath, err, sizeof err) == 0) {
        l = gt_lora_load(&b, apath, 0, err, sizeof err);
        if (l && run(&b, ids, np, apart, g2, 0) == 0) distance(rec, apart, V, &da);
        gt_lora_free(l);
        gt_model_free(&b);
    }
    printf("merge %s, %d ids: max |ours - llama.cpp| merged %.4f (tol %.3f), base + adapter apart %.4f (tol %.3f)\n",
           name, np, d, tol, da, tola);
    ctx->worst_same = fmax(ctx->worst_same, d / tol);
    ctx->worst_apart = fmax(ctx->worst_apart, da / tola);
    snprintf(what, sizeof what, "merge %s, %d ids: our logits on the merged file = llama.cpp's (tol %.3g)", name, np, tol);
    CHECK(ok && d <= tol, what);
    snprintf(what, sizeof what, "merge %s, %d ids: 16 greedy tokens = llama.cpp's", name, np);
    CHECK(ok && memcmp(greedy, greedy_ref, sizeof greedy) == 0, what);
    snprintf(what, sizeof what, "merge %s, %d ids: base + --lora apart = llama.cpp on the merged file (tol %.3g)", name,
             np, tola);
    CHECK(da <= tola, what);
    if (smol) ctx->smol++;
    else ctx->tiny++;
    free(ours);
    free(apart);
    gt_model_free(&m);
}

static void test_merges(void)
{
    const char *sh = getenv("GT_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    merge_ctx ctx = { access(path, R_OK) == 0 ? path : NULL, 0, 0, 0, 0 };
    if (!ctx.shared) printf("skip: %s absent: the SmolLM2 merges did not run\n", path);
    each_record_e(DIR "merge-logits.jsonl", one_merge, &ctx, err, sizeof err);
    printf("merge: worst distance / tolerance: %.3f on the merged file, %.3f kept apart\n", ctx.worst_same,
           ctx.worst_apart);
    CHECK(ctx.tiny == 12, "merge: 12 tiny lines (tiny-f16 x default/f32/bf16/q8_0, tiny-q8_0, tiny-q4_k; 2 prompts)");
    if (ctx.shared) CHECK(ctx.smol == 4, "merge: 4 SmolLM2 lines (default, q8_0; 2 prompts)");
}

/* The f32 merge = the model title-gen --lora --lora-merge runs (the same
 * F32 arithmetic): bit-identical logits; and the default merge of an F16
 * base is F16 (its own type), general.file_type kept. */
static void test_merge_exact(void)
{
    char out[256], dflt[256];
    snprintf(out, sizeof out, "%s/exact-f32.gguf", tmpdir);
    snprintf(dflt, sizeof dflt, "%s/exact-default.gguf", tmpdir);
    const char *base = DIR "tiny-f16.gguf", *ad = DIR "ours-lora-trained";
    int ok = make_merged(base, ad, out, GT_DT_F32) == 0 && make_merged(base, ad, dflt, -1) == 0;
    gt_model m, b;
    int32_t ids[8] = { 1, 40, 41, 42, 100, 7, 9, 250 };
    float x[259], y[259];
    if (ok && gt_model_load(&m, out, err, sizeof err) == 0) {
        if (gt_model_load(&b, base, err, sizeof err) == 0) {
            gt_lora *l = gt_lora_load(&b, ad, 1, err, sizeof err);
            ok = l && m.c.vocab_size == 259 && last_logits(&m, ids, 8, x, 1, err, sizeof err) == 0 &&
                 last_logits(&b, ids, 8, y, 1, err, sizeof err) == 0 && memcmp(x, y, sizeof x) == 0;
            gt_lora_free(l);
            gt_model_free(&b);
        } else ok = 0;
        gt_model_free(&m);
    } else ok = 0;
    CHECK(ok, "merge f32: logits bit-identical to the base with the adapter merged at load (--lora-merge)");
    gt_gguf g;
    uint32_t ft = 99;
    ok = gt_gguf_open(&g, dflt, err, sizeof err) == 0;
    if (ok) {
        ok = gt_gguf_get_u32(&g, "general.file_type", &ft, err, sizeof err) == 0 && ft == 1;
        for (size_t i = 0; ok && i < g.nt; i++) ok = g.t[i].type == (g.t[i].ndim == 1 ? GT_GGML_F32 : GT_GGML_F16);
        gt_gguf_close(&g);
    }
    CHECK(ok, "merge default on an F16 base: F16 projections, F32 norms, general.file_type 1 kept");
    ok = gt_gguf_open(&g, out, err, sizeof err) == 0;
    if (ok) {
        ok = gt_gguf_get_u32(&g, "general.file_type", &ft, err, sizeof err) == 0 && ft == 0;
        gt_gguf_close(&g);
    }
    CHECK(ok, "merge --dtype f32: general.file_type 0");
}

static void test_merge_errors(void)
{
    char out[256];
    snprintf(out, sizeof out, "%s/no/such/dir/m.gguf", tmpdir);
    int rc = make_merged(DIR "tiny-f16.gguf", DIR "ours-lora-trained", out, GT_DT_Q8_0);
    CHECK(rc == EX_IOERR && strstr(err, out) && !exists(out), "merge: a path that cannot be created: 74, named");
    gt_model m;
    if (gt_model_load(&m, DIR "tiny-f16.gguf", err, sizeof err) == 0) {
        gt_merge_lora f = { 0 };
        snprintf(out, sizeof out, "%s/x.gguf", tmpdir);
        rc = gt_write_merged_gguf(&m, &f, out, GT_DT_Q4_K, err, sizeof err);
        CHECK(rc == EX_USAGE && strstr(err, "F32, F16, BF16 or Q8_0") && !exists(out),
              "merge: --dtype of another type: 64, nothing written");
        gt_model_free(&m);
    }
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gt-gguf-merge-XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    test_quant_ref();
    test_writer_copy();
    test_writer_typed();
    test_merge_exact();
    test_merges();
    test_merge_errors();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) return 1;
    T_END();
}
