/* test_gguf_model.c - GGUF files as gt_models (lib/nn/load_gguf.c): the
 * weights kept in their blocks and multiplied by gt_qmatmul give the logits
 * of the same weights dequantized to F32 (the rows of attn_q/attn_k
 * un-permuted) and run through the F32 path, within the error of qmatmul's
 * 8-bit activations; and, where tests/data/gguf has llama.cpp's logits
 * (tiny-types-logits.jsonl: tiny llamas of every tensor type), they agree
 * with llama.cpp's and with the exact float64 answer.
 *
 * The tolerance. qmatmul replaces each activation block (32 values, 256 for
 * the K types) by 8-bit values, an error of at most amax/254 per value
 * (qmatmul.h), about 0.4% of the block's largest value, about 1% of the
 * product in the worst case and far less typically (the roundings' signs
 * vary: measured 0.3% here). Through a few layers that compounds, so the
 * logits are compared as max |a - b| <= 1% of max |b| (the F32 path), with
 * equal argmax; against
 * the exact float64 logits we ask to be no farther than twice llama.cpp's
 * own distance (exact_maxdiff, which carries its own 8-bit activation
 * rounding) plus 1% of max |exact|. */
#include "t.h"
#include "gguf_fixture.h"
#include "nn/model.h"
#include "nn/gguf.h"
#include "nn/qmatmul.h"
#include "nn/ggml_types.h"
#include "nn/kernels.h"
#include "nn/quant.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


static char err[1024];

/* ---- the F32 twin: every tensor dequantized from the file itself ---- */

typedef struct {
    gt_model m;            /* shallow copy of the GGUF model, weights replaced */
    float *bufs[512];
    int nbufs;
} twin;

static const gt_gguf_tensor *tensor(const gt_gguf *g, const char *name)
{
    const gt_gguf_tensor *t = gt_gguf_tensor_find(g, name);
    if (!t) { fprintf(stderr, "no tensor %s\n", name); exit(2); }
    return t;
}

/* Tensor NAME as F32 rows; N_HEAD > 0: rows un-permuted (attn_q, attn_k). */
static gt_wmat deq(twin *tw, const gt_gguf *g, const char *name, int n_head)
{
    const gt_gguf_tensor *t = tensor(g, name);
    float *f = gt_xmalloc(sizeof(float) * (size_t)t->nelem);
    if (gt_gguf_dequantize(g, t, 0, t->nrows, f, err, sizeof err)) { fprintf(stderr, "%s\n", err); exit(2); }
    if (n_head > 0) {
        int32_t *perm = gt_xmalloc(sizeof(int32_t) * (size_t)t->nrows);
        float *u = gt_xmalloc(sizeof(float) * (size_t)t->nelem);
        gt_gguf_rope_unpermute(perm, (int)t->nrows, n_head);
        gt_ggml_gather_rows(u, f, sizeof(float) * (size_t)t->ne[0], perm, (int)t->nrows);
        free(perm);
        free(f);
        f = u;
    }
    tw->bufs[tw->nbufs++] = f;
    return (gt_wmat){ f, GT_DT_F32 };
}

static void twin_make(twin *tw, const gt_model *q)
{
    static const char *const names[GT_PROJ_N] = { "attn_q", "attn_k", "attn_v", "attn_output",
                                                  "ffn_gate", "ffn_up", "ffn_down" };
    const gt_gguf *g = q->gguf;
    memset(tw, 0, sizeof *tw);
    tw->m = *q;
    tw->m.layers = gt_xcalloc((size_t)q->c.n_layers, sizeof *tw->m.layers);
    tw->m.embed = deq(tw, g, "token_embd.weight", 0);
    tw->m.lm_head = gt_gguf_tensor_find(g, "output.weight") ? deq(tw, g, "output.weight", 0) : tw->m.embed;
    for (int l = 0; l < q->c.n_layers; l++) {
        gt_layer *L = &tw->m.layers[l];
        *L = q->layers[l];
        for (int p = 0; p < GT_PROJ_N; p++) {
            char nm[64];
            snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, names[p]);
            L->w[p] = deq(tw, g, nm, p == GT_PROJ_Q ? q->c.n_heads : p == GT_PROJ_K ? q->c.n_kv_heads : 0);
        }
    }
}

static void twin_free(twin *tw)
{
    for (int i = 0; i < tw->nbufs; i++) free(tw->bufs[i]);
    free(tw->m.layers);
}

/* ---- helpers ---- */

static int argmax(const float *x, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++) if (x[i] > x[b]) b = i;
    return b;
}

/* Last-position logits of PROMPT into OUT; then, when GREEDY, N_GREEDY
 * greedy tokens into it. 0 ok. */
static int run(const gt_model *m, const int32_t *prompt, int n, float *out, int32_t *greedy, int n_greedy)
{
    gt_state *s = gt_state_new(m, n + n_greedy + 1, 0, err, sizeof err);
    if (!s) return -1;
    int rc = gt_model_forward(m, s, prompt, n, 0, out, 0);
    float *lg = gt_xmalloc(sizeof(float) * (size_t)m->c.vocab_size);
    memcpy(lg, out, sizeof(float) * (size_t)m->c.vocab_size);
    for (int i = 0; rc == 0 && i < n_greedy; i++) {
        int32_t t = greedy[i] = argmax(lg, m->c.vocab_size);
        rc = gt_model_forward(m, s, &t, 1, n + i, lg, 0);
    }
    free(lg);
    gt_state_free(s);
    return rc;
}

/* ---- the tiny llama of the block types (32-value rows) ---- */

static void test_tiny_f32_twin(void)
{
    gt_model m;
    if (gt_model_load(&m, DIR "tiny-llama.gguf", err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "tiny llama: loads as a gt_model");
        return;
    }
    CHECK(m.c.dim == 32 && m.c.n_layers == 2 && m.c.n_heads == 2 && m.c.n_kv_heads == 1 && m.c.hidden_dim == 64 &&
          m.c.vocab_size == 48 && m.c.tie_embeddings && m.c.bos_id == 1 && m.c.n_eos == 1 && m.c.eos_ids[0] == 2 &&
          m.c.rope_theta == 500000.0 && m.c.max_pos == 256,
          "tiny llama: config from the llama.* keys and tokenizer.ggml.bos/eos_token_id");
    /* on a CPU whose kernels want panels (qmatmul.h) the blocks are repacked, else used in place */
    gt_dtype q8 = m.qpack ? gt_dtype_packed(GT_DT_Q8_0) : GT_DT_Q8_0;
    CHECK(m.qpack == gt_qpack_wanted() && m.embed.dt == q8 && m.lm_head.p == m.embed.p,
          m.qpack ? "tiny llama: Q8_0 embedding repacked into panels, tied head"
                  : "tiny llama: Q8_0 embedding kept in blocks, tied head");
    const void *vdata = tensor(m.gguf, "blk.0.attn_v.weight")->data;
    CHECK(gt_dtype_is_block(m.layers[0].w[GT_PROJ_Q].dt) && m.layers[0].w[GT_PROJ_Q].p != tensor(m.gguf, "blk.0.attn_q.weight")->data &&
          (m.qpack ? gt_dtype_is_packed(m.layers[0].w[GT_PROJ_V].dt) && m.layers[0].w[GT_PROJ_V].p != vdata
                   : m.layers[0].w[GT_PROJ_V].p == vdata),
          m.qpack ? "tiny llama: attn_q un-permuted, both repacked into panels"
                  : "tiny llama: attn_q a private un-permuted copy, attn_v used in place");
    twin tw;
    twin_make(&tw, &m);
    int32_t prompt[] = { 1, 5, 17, 33, 9, 40, 22, 3, 11 };
    int n = (int)(sizeof prompt / sizeof *prompt), V = m.c.vocab_size;
    float a[48], b[48];
    int32_t ga[8], gb[8];
    CHECK(run(&m, prompt, n, a, ga, 8) == 0 && run(&tw.m, prompt, n, b, gb, 8) == 0, "tiny llama: both forward");
    double d = max_diff(a, b, V), scale = max_abs(b, V);
    printf("tiny llama: max |GGUF - F32 twin| = %.5f, max |logit| = %.3f\n", d, scale);
    CHECK(d <= 0.01 * scale, "tiny llama: logits within 1% of max |logit| of the F32 twin's");
    CHECK(argmax(a, V) == argmax(b, V) && memcmp(ga, gb, sizeof ga) == 0,
          "tiny llama: same argmax and 8 greedy tokens as the F32 twin");
    /* one batched pass of the whole prompt equals token-by-token (the decode kernels) */
    gt_state *s = gt_state_new(&m, n, 0, err, sizeof err);
    float c[48];
    for (int i = 0; i < n; i++) gt_model_forward(&m, s, &prompt[i], 1, i, c, 0);
    gt_state_free(s);
    CHECK(max_diff(a, c, V) <= 1e-4 * scale, "tiny llama: prefill and decode kernels agree");
    twin_free(&tw);

    /* what cannot take blocks says so */
    gt_quant *q = gt_quant_model(&m, err, sizeof err);
    CHECK(!q && strstr(err, "token_embd.weight") && strstr(err, "Q8_0"), "tiny llama: --load-8bit of blocks: an error naming tensor and type");
    if (q) gt_quant_free(q);
    gt_model_free(&m);
}

/* ---- llama.cpp's logits (tests/reference/gguf_types_reference.py and
 * gguf_logits_reference.py; fixtures in tests/data/gguf) ---- */

/* Each line of FILE (JSON records) to FN; the number of records. */
static int each_record(const char *file, void (*fn)(yajl_val rec, void *ctx), void *ctx)
{
    return each_record_e(file, fn, ctx, err, sizeof err);
}

/* tiny-TYPE.gguf: our logits against llama.cpp's and the exact float64
 * ones, and 16 greedy tokens against llama.cpp's (its margins are wide). */
static void one_type(yajl_val rec, void *ctx)
{
    (void)ctx;
    const char *file = gt_json_str(rec, "file"), *type = gt_json_str(rec, "type");
    char path[256], name[160];
    snprintf(path, sizeof path, DIR "%s", file ? file : "?");
    gt_model m;
    if (gt_model_load(&m, path, err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "types: a tiny llama loads");
        return;
    }
    int V = m.c.vocab_size, np;
    int32_t prompt[256], greedy_ref[16], greedy[16];
    float *ref = gt_xmalloc(sizeof(float) * (size_t)V), *exact = gt_xmalloc(sizeof(float) * (size_t)V),
          *ours = gt_xmalloc(sizeof(float) * (size_t)V);
    yajl_val em = gt_json_get(rec, "exact_maxdiff");
    int ok = (np = ints_of(gt_json_get(rec, "prompt"), prompt, 256)) > 0 &&
             ints_of(gt_json_get(rec, "greedy"), greedy_ref, 16) == 16 && floats_of(gt_json_get(rec, "logits"), ref, V) == 0 &&
             floats_of(gt_json_get(rec, "exact"), exact, V) == 0 && em && YAJL_IS_NUMBER(em);
    snprintf(name, sizeof name, "types: %s: fixture read, forward runs", type ? type : "?");
    CHECK(ok && run(&m, prompt, np, ours, greedy, 16) == 0, name);
    if (ok) {
        double llama_exact = YAJL_GET_DOUBLE(em), d_ref = max_diff(ours, ref, V), d_exact = max_diff(ours, exact, V);
        double tol = 2 * llama_exact + 0.01 * max_abs(exact, V);
        printf("types: %-5s max |ours - llama.cpp| %.4f, |ours - exact| %.4f, |llama.cpp - exact| %.4f (max |logit| %.1f)\n",
               type, d_ref, d_exact, llama_exact, max_abs(exact, V));
        snprintf(name, sizeof name, "types: %s: within 2x llama.cpp's distance to the exact logits (+1%%)", type);
        CHECK(d_exact <= tol, name);
        snprintf(name, sizeof name, "types: %s: argmax and 16 greedy tokens as llama.cpp's", type);
        CHECK(argmax(ours, V) == argmax(ref, V) && memcmp(greedy, greedy_ref, sizeof greedy) == 0, name);
    }
    free(ref); free(exact); free(ours);
    gt_model_free(&m);
}

static void test_types(void)
{
    int n = each_record(DIR "tiny-types-logits.jsonl", one_type, NULL);
    CHECK(n == 20, "types: 20 records (10 types x 2 prompts)");
}

/* The shared SmolLM2 Q4_1 file against smollm2-logits.jsonl: argmax equal,
 * llama.cpp's top 10 inside our top 64 and 56 of the 64 shared, max |ours -
 * llama.cpp| over its top 64 and every 64th logit within 2x its distance to
 * the exact float64 logits (exact_maxdiff, 0.54-0.88: its own 8-bit
 * activations; ours are rounded the same way but not identically), and 32
 * greedy tokens identical (the prompts were chosen with no greedy step
 * within 0.5 of a tie). */
static void one_shared(yajl_val rec, void *ctx)
{
    gt_model *m = ctx;
    int V = m->c.vocab_size, np;
    int32_t *ids = gt_xmalloc(sizeof(int32_t) * 4096), top_ids[64], greedy_ref[32], greedy[32];
    float top[64], strided[768], *ours = gt_xmalloc(sizeof(float) * (size_t)V);
    yajl_val em = gt_json_get(rec, "exact_maxdiff");
    int ok = (np = ints_of(gt_json_get(rec, "ids"), ids, 4096)) > 0 && ints_of(gt_json_get(rec, "top_ids"), top_ids, 64) == 64 &&
             floats_of(gt_json_get(rec, "top"), top, 64) == 0 && floats_of(gt_json_get(rec, "strided"), strided, 768) == 0 &&
             ints_of(gt_json_get(rec, "greedy"), greedy_ref, 32) == 32 && em && YAJL_IS_NUMBER(em) && V == 49152;
    CHECK(ok && run(m, ids, np, ours, greedy, 32) == 0, "shared: fixture read, forward runs");
    if (ok) {
        double d = 0;
        for (int i = 0; i < 64; i++) d = fmax(d, fabs((double)ours[top_ids[i]] - top[i]));
        for (int i = 0; i < 768; i++) d = fmax(d, fabs((double)ours[i * 64] - strided[i]));
        /* our top 64 */
        int32_t mine[64];
        float *tmp = gt_xmalloc(sizeof(float) * (size_t)V);
        memcpy(tmp, ours, sizeof(float) * (size_t)V);
        for (int k = 0; k < 64; k++) { mine[k] = argmax(tmp, V); tmp[mine[k]] = -INFINITY; }
        free(tmp);
        int shared = 0, top10 = 1;
        for (int i = 0; i < 64; i++) {
            int in = 0;
            for (int k = 0; k < 64; k++) in |= mine[k] == top_ids[i];
            shared += in;
            if (i < 10 && !in) top10 = 0;
        }
        double tol = 2 * YAJL_GET_DOUBLE(em);
        printf("shared: %d prompt tokens: max |ours - llama.cpp| %.4f (llama.cpp - exact %.4f), top-64 overlap %d\n", np, d,
               YAJL_GET_DOUBLE(em), shared);
        CHECK(mine[0] == top_ids[0], "shared: argmax as llama.cpp's");
        CHECK(top10 && shared >= 56, "shared: llama.cpp's top 10 in our top 64, 56 of 64 in common");
        CHECK(d <= tol, "shared: logits within 2x llama.cpp's distance to the exact ones");
        CHECK(memcmp(greedy, greedy_ref, sizeof greedy) == 0, "shared: 32 greedy tokens as llama.cpp's");
    }
    free(ids);
    free(ours);
}

static void test_shared(void)
{
    const char *sh = getenv("GT_SHARED");
    char path[4096];
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    gt_model m;
    if (access(path, R_OK) != 0) {
        printf("skip: %s absent: the shared-file checks did not run\n", path);
        return;
    }
    if (gt_model_load(&m, path, err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "shared: loads");
        return;
    }
    CHECK(m.c.n_layers == 30 && m.c.dim == 576 && m.c.vocab_size == 49152 && gt_dtype_ggml(m.embed.dt) == GT_GGML_Q8_0 &&
          gt_dtype_ggml(m.layers[0].w[GT_PROJ_GATE].dt) == GT_GGML_Q4_1 && m.lm_head.p == m.embed.p && m.c.eos_ids[0] == 2,
          "shared: SmolLM2's config, Q8_0 tied embedding, Q4_1 projections");
    int n = each_record(DIR "smollm2-logits.jsonl", one_shared, &m);
    CHECK(n == 4, "shared: 4 records");
    gt_model_free(&m);
}

static void test_dtype_names(void)
{
    gt_dtype d;
    CHECK(gt_dtype_from_ggml(GT_GGML_Q4_K, &d) == 0 && d == GT_DT_Q4_K && strcmp(gt_dtype_name(d), "Q4_K") == 0,
          "dtype: Q4_K from its ggml id, llama.cpp's name");
    CHECK(gt_dtype_from_ggml(GT_GGML_BF16, &d) == 0 && d == GT_DT_BF16 && gt_dtype_from_ggml(GT_GGML_F16, &d) == 0 &&
          d == GT_DT_F16 && gt_dtype_from_ggml(GT_GGML_F32, &d) == 0 && d == GT_DT_F32,
          "dtype: GGUF's F32/F16/BF16 are the existing members");
    CHECK(gt_dtype_from_ggml(GT_GGML_IQ2_XXS, &d) == -1 && gt_dtype_from_ggml(GT_GGML_Q8_1, &d) == -1,
          "dtype: types qmatmul cannot run have none");
    static const gt_dtype all[] = { GT_DT_Q4_0, GT_DT_Q4_1, GT_DT_Q5_0, GT_DT_Q5_1, GT_DT_Q8_0, GT_DT_Q4_K, GT_DT_Q5_K, GT_DT_Q6_K };
    int ok = 1;
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        ok &= gt_dtype_is_block(all[i]) && strcmp(gt_dtype_name(all[i]), gt_ggml_type_name(gt_dtype_ggml(all[i]))) == 0;
    CHECK(ok && !gt_dtype_is_block(GT_DT_Q8), "dtype: every block type named as ggml names it");
}

int main(void)
{
    test_dtype_names();
    test_tiny_f32_twin();
    test_types();
    test_shared();
    T_END();
}
