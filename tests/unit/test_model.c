/* test_model.c - the LLaMA forward pass against PyTorch, and bad model input.
 *
 * tests/data/model-NAME/ are tiny random LLaMA models written by
 * tests/reference/llama_reference.py with the logits of an independent float64
 * PyTorch implementation of Hugging Face's LlamaForCausalLM (checked against
 * transformers itself when that is installed). Error metric: for each
 * position, max_j |ours_j - ref_j| / max_j |ref_j|; the worst position must be
 * below 1e-4, for a batched prefill, for decoding token by token with the KV
 * cache, and for their mix. */
#include "t.h"
#include "logits_fixture.h"

/* DIR/expected.bin */
static const char *expected_path(const char *dir)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/expected.bin", dir);
    return path;
}
#include "nn/kernels.h"
#include "nn/model.h"
#include "nn/safetensors.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOL 1e-4

static const char *FIXTURES[] = { "model-gqa-f32", "model-tied-mqa-f32", "model-gqa-bf16", "model-llama3-f16-sharded" };





/* Row error: max |got - ref| / max |ref|. */

static double worst_prefill, worst_decode;

static void check_fixture(const char *name)
{
    char dir[512], err[512] = "", cname[256];
    snprintf(dir, sizeof dir, "tests/data/%s", name);
    gt_model m;
    expected e;
    int ok = gt_model_load(&m, dir, err, sizeof err) == 0;
    snprintf(cname, sizeof cname, "%s: loads", name);
    CHECK(ok, cname);
    if (!ok) { printf("  %s\n", err); return; }
    ok = read_expected(expected_path(dir), &e) == 0 && e.vocab == m.c.vocab_size;
    snprintf(cname, sizeof cname, "%s: expected.bin readable", name);
    CHECK(ok, cname);
    if (!ok) { gt_model_free(&m); return; }
    int V = e.vocab, N = e.ntok, P = e.nprefill;
    float *lg = malloc(sizeof(float) * (size_t)N * V);
    gt_state *s = gt_state_new(&m, 32, 0, err, sizeof err);

    /* 1. prefill P tokens in one batched pass, then decode the rest one by one */
    double ep = 0, ed = 0;
    int rc = gt_model_forward(&m, s, e.tok, P, 0, lg, 1);
    for (int i = 0; i < P; i++) ep = fmax(ep, row_err(lg + (size_t)i * V, e.logits + (size_t)i * V, V));
    for (int i = P; i < N && rc == 0; i++) {
        rc = gt_model_forward(&m, s, e.tok + i, 1, i, lg, 0);
        ed = fmax(ed, row_err(lg, e.logits + (size_t)i * V, V));
    }
    snprintf(cname, sizeof cname, "%s: prefill of %d tokens matches PyTorch (max rel err %.2g)", name, P, ep);
    CHECK(rc == 0 && ep < TOL, cname);
    snprintf(cname, sizeof cname, "%s: %d decode steps with KV cache match PyTorch (max rel err %.2g)", name, N - P, ed);
    CHECK(rc == 0 && ed < TOL && s->len == N, cname);
    worst_prefill = fmax(worst_prefill, ep);
    worst_decode = fmax(worst_decode, ed);

    /* 2. the whole sequence in one pass (all logits) */
    double ea = 0;
    rc = gt_model_forward(&m, s, e.tok, N, 0, lg, 1);
    for (int i = 0; i < N; i++) ea = fmax(ea, row_err(lg + (size_t)i * V, e.logits + (size_t)i * V, V));
    snprintf(cname, sizeof cname, "%s: whole sequence in one pass (max rel err %.2g)", name, ea);
    CHECK(rc == 0 && ea < TOL, cname);

    /* 3. rewind to position 5 and run the rest again: last logits only */
    rc = gt_model_forward(&m, s, e.tok + 5, N - 5, 5, lg, 0);
    double er = row_err(lg, e.logits + (size_t)(N - 1) * V, V);
    snprintf(cname, sizeof cname, "%s: rewound cache, last-token logits (rel err %.2g)", name, er);
    CHECK(rc == 0 && er < TOL, cname);
    gt_state_free(s);

    /* 4. small chunks (3 tokens per batched pass) and token by token from the start */
    s = gt_state_new(&m, N, 3, err, sizeof err);
    double ec = 0, et = 0;
    rc = gt_model_forward(&m, s, e.tok, N, 0, lg, 1);
    for (int i = 0; i < N; i++) ec = fmax(ec, row_err(lg + (size_t)i * V, e.logits + (size_t)i * V, V));
    for (int i = 0; i < N && rc == 0; i++) {
        rc = gt_model_forward(&m, s, e.tok + i, 1, i, lg, 1);
        et = fmax(et, row_err(lg, e.logits + (size_t)i * V, V));
    }
    snprintf(cname, sizeof cname, "%s: chunks of 3 tokens, and every token decoded alone (rel err %.2g, %.2g)", name,
             ec, et);
    CHECK(rc == 0 && ec < TOL && et < TOL, cname);

    /* 5. errors of the forward call */
    int32_t bad = V;
    rc = gt_model_forward(&m, s, &bad, 1, N - 1, lg, 0);
    snprintf(cname, sizeof cname, "%s: token id out of range rejected", name);
    CHECK(rc == -1 && strstr(s->err, "outside the vocabulary"), cname);
    rc = gt_model_forward(&m, s, e.tok, 1, N, lg, 0);
    snprintf(cname, sizeof cname, "%s: context overflow rejected", name);
    CHECK(rc == -1 && strstr(s->err, "exceed the context"), cname);
    gt_state_free(s);
    s = gt_state_new(&m, N, 0, err, sizeof err);
    rc = gt_model_forward(&m, s, e.tok, 1, 2, lg, 0);
    snprintf(cname, sizeof cname, "%s: position past the cache rejected", name);
    CHECK(rc == -1 && strstr(s->err, "past the 0 tokens"), cname);
    gt_state_free(s);

    free(lg);
    free(e.tok);
    free(e.logits);
    gt_model_free(&m);
}

/* ---------------------------------------------------------------- bad input */

static char tmpdir[64];

static void reset_dir(void)
{
    static const char *names[] = { "config.json", "model.safetensors", "model.safetensors.index.json",
                                   "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "x.safetensors" };
    char p[256];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
}

/* Copy fixture FROM's files into tmpdir, the config with OLD replaced by NEW
 * (when OLD is given), the weights cut to KEEP bytes (when KEEP >= 0). */
static void stage(const char *from, const char *old, const char *new_, long keep)
{
    reset_dir();
    char src[256], dst[256];
    snprintf(src, sizeof src, "tests/data/%s/config.json", from);
    char *cfg = slurp(src, NULL);
    if (old) {
        char *at = strstr(cfg, old);
        if (!at) { printf("  stage: '%s' not in %s\n", old, src); abort(); }
        size_t n = strlen(cfg) + strlen(new_) + 1;
        char *c2 = malloc(n);
        snprintf(c2, n, "%.*s%s%s", (int)(at - cfg), cfg, new_, at + strlen(old));
        free(cfg);
        cfg = c2;
    }
    snprintf(dst, sizeof dst, "%s/config.json", tmpdir);
    spit(dst, cfg, strlen(cfg));
    free(cfg);
    static const char *w[] = { "model.safetensors", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                               "model-00002-of-00002.safetensors" };
    for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
        size_t n;
        snprintf(src, sizeof src, "tests/data/%s/%s", from, w[i]);
        char *p = slurp(src, &n);
        if (!p) continue;
        if (keep >= 0 && (size_t)keep < n && strstr(w[i], ".safetensors") && !strstr(w[i], "index")) n = (size_t)keep;
        snprintf(dst, sizeof dst, "%s/%s", tmpdir, w[i]);
        spit(dst, p, n);
        free(p);
    }
}

/* Load tmpdir; the error must contain every pattern. */
static void expect_error(const char *name, const char *pat1, const char *pat2)
{
    gt_model m;
    char err[512] = "";
    int rc = gt_model_load(&m, tmpdir, err, sizeof err);
    if (rc == 0) gt_model_free(&m);
    int ok = rc == -1 && strstr(err, pat1) && (!pat2 || strstr(err, pat2));
    if (!ok) printf("  got: %s\n", rc == 0 ? "(loaded)" : err);
    else printf("  %s\n", err);
    CHECK(ok, name);
}

static void write_st(const char *file, const char *header, const void *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    size_t hl = strlen(header);
    unsigned char *buf = malloc(8 + hl + n);
    for (int i = 0; i < 8; i++) buf[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(buf + 8, header, hl);
    if (n) memcpy(buf + 8 + hl, data, n);
    spit(path, buf, 8 + hl + n);
    free(buf);
}

static void expect_st_error(const char *name, const char *file, const char *pat1, const char *pat2)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", tmpdir, file);
    gt_st st;
    int rc = gt_st_open(&st, path, err, sizeof err);
    if (rc == 0) gt_st_close(&st);
    int ok = rc == -1 && strstr(err, pat1) && (!pat2 || strstr(err, pat2));
    if (!ok) printf("  got: %s\n", rc == 0 ? "(opened)" : err);
    else printf("  %s\n", err);
    CHECK(ok, name);
}

static void test_bad_input(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/gt_model_XXXXXX");
    if (!mkdtemp(tmpdir)) abort();

    stage("model-gqa-f32", "\"hidden_size\": 48,", "", -1);
    expect_error("config: missing key named with its file", "config.json: missing \"hidden_size\"", NULL);
    stage("model-gqa-f32", "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", -1);
    expect_error("config: heads not a multiple of kv heads", "config.json: num_attention_heads (4) is not a multiple of num_key_value_heads (3)", NULL);
    stage("model-gqa-f32", "\"hidden_size\": 48", "\"hidden_size\": 50", -1);
    expect_error("config: hidden_size not a multiple of heads", "config.json: hidden_size (50) is not a multiple", NULL);
    stage("model-gqa-f32", "\"num_hidden_layers\": 2", "\"num_hidden_layers\": \"2\"", -1);
    expect_error("config: wrong type", "config.json: \"num_hidden_layers\" is not an integer", NULL);
    stage("model-gqa-f32", "\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": -1", -1);
    expect_error("config: negative eps", "config.json: \"rms_norm_eps\" must be", NULL);
    stage("model-gqa-f32", "\"model_type\": \"llama\"", "\"model_type\": \"gpt2\"", -1);
    expect_error("config: other architecture", "config.json: model_type \"gpt2\" is not supported", NULL);
    stage("model-gqa-f32", "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 2}", -1);
    expect_error("config: unsupported rope_scaling", "rope_scaling type \"yarn\" is not supported", NULL);
    stage("model-gqa-f32", "\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}", -1);
    expect_error("config: llama3 rope_scaling without its keys", "config.json: missing \"low_freq_factor\"", NULL);
    stage("model-gqa-f32", "{", "{,", -1);
    expect_error("config: invalid JSON", "config.json: invalid JSON", NULL);
    stage("model-gqa-f32", NULL, NULL, -1);
    char p[256];
    snprintf(p, sizeof p, "%s/config.json", tmpdir);
    unlink(p);
    expect_error("config: missing file", "config.json: cannot open", NULL);

    /* weights */
    stage("model-gqa-f32", NULL, NULL, 100000);
    expect_error("safetensors: truncated file names file, tensor and byte range", "model.safetensors: truncated: tensor '",
                 "file has 100000");
    stage("model-gqa-f32", NULL, NULL, 5);
    expect_error("safetensors: file shorter than its header length", "model.safetensors: truncated", NULL);
    stage("model-gqa-f32", NULL, NULL, 1000);
    expect_error("safetensors: header cut short", "model.safetensors: truncated: header needs bytes 8..", NULL);
    stage("model-gqa-f32", "\"intermediate_size\": 96", "\"intermediate_size\": 100", -1);
    expect_error("tensor of the wrong shape names file and tensor",
                 "model.safetensors: tensor 'model.layers.0.mlp.gate_proj.weight' has shape [96, 48], expected [100, 48]", NULL);
    stage("model-gqa-f32", "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3", -1);
    expect_error("missing tensor names file and tensor", "model.safetensors: missing tensor 'model.layers.2.self_attn.q_proj.weight'", NULL);
    stage("model-tied-mqa-f32", "\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false", -1);
    expect_error("untied config without lm_head", "missing tensor 'lm_head.weight'", NULL);
    stage("model-llama3-f16-sharded", "\"vocab_size\": 256", "\"vocab_size\": 255", -1);
    expect_error("sharded: wrong shape names the shard", "model-0000", "has shape [256, 48], expected [255, 48]");
    stage("model-llama3-f16-sharded", NULL, NULL, 30000);
    expect_error("sharded: truncated shard", "-of-00002.safetensors: truncated: tensor '", NULL);
    snprintf(p, sizeof p, "%s/model-00002-of-00002.safetensors", tmpdir);
    stage("model-llama3-f16-sharded", NULL, NULL, -1);
    unlink(p);
    expect_error("sharded: missing shard", "model-00002-of-00002.safetensors: No such file", NULL);
    stage("model-gqa-f32", NULL, NULL, -1);
    snprintf(p, sizeof p, "%s/model.safetensors", tmpdir);
    unlink(p);
    expect_error("no weights at all", "no model.safetensors or model.safetensors.index.json", NULL);

    /* hand-made headers */
    reset_dir();
    float four[4] = { 1, 2, 3, 4 };
    write_st("x.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", four, 16);
    expect_st_error("safetensors: size disagrees with shape", "x.safetensors", "tensor 'a': data_offsets span 12 bytes but F32 [2, 2] needs 16", NULL);
    write_st("x.safetensors", "{\"a\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", four, 16);
    expect_st_error("safetensors: unsupported dtype", "x.safetensors", "tensor 'a': unsupported dtype 'I64'", NULL);
    write_st("x.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", four, 16);
    expect_st_error("safetensors: tensor past the end", "x.safetensors", "truncated: tensor 'b' needs bytes", NULL);
    write_st("x.safetensors", "[1,2]", NULL, 0);
    expect_st_error("safetensors: header not an object", "x.safetensors", "not a safetensors file", NULL);
    write_st("x.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", NULL, 0);
    expect_st_error("safetensors: entry without offsets", "x.safetensors", "tensor 'a': header entry lacks a \"data_offsets\"", NULL);

    /* a misaligned tensor (header length 57, not a multiple of 4) is still read right */
    {
        const char *h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}   ";
        write_st("x.safetensors", h, four, 16);
        snprintf(p, sizeof p, "%s/x.safetensors", tmpdir);
        gt_st st;
        char err[256];
        int rc = gt_st_open(&st, p, err, sizeof err);
        const gt_tensor *t = rc == 0 ? gt_st_find(&st, "a") : NULL;
        float got[4] = { 0 };
        if (t) memcpy(got, t->data, 16);
        CHECK(t && ((uintptr_t)t->data % 4) == 0 && got[0] == 1 && got[3] == 4 && t->ndim == 1 && t->shape[0] == 4,
              "safetensors: misaligned F32 data read through an aligned copy");
        CHECK(rc == 0 && !gt_st_find(&st, "b") && !gt_st_find(&st, ""), "safetensors: unknown names not found");
        if (rc == 0) gt_st_close(&st);
    }

    /* the index maps a tensor to a shard that lacks it */
    stage("model-llama3-f16-sharded", NULL, NULL, -1);
    snprintf(p, sizeof p, "%s/model.safetensors.index.json", tmpdir);
    char *idx = slurp(p, NULL);
    char *at = strstr(idx, "\"model.norm.weight\": \"model-0000");
    if (at) {
        char *digit = at + strlen("\"model.norm.weight\": \"model-0000");
        *digit = *digit == '1' ? '2' : '1';
        spit(p, idx, strlen(idx));
    }
    free(idx);
    expect_error("sharded: index names the wrong shard", "model.safetensors.index.json: tensor 'model.norm.weight' is mapped to", NULL);

    reset_dir();
    rmdir(tmpdir);
}

static void test_config_defaults(void)
{
    gt_config c;
    char err[256];
    int rc = gt_config_parse(&c, "{\"hidden_size\":64,\"intermediate_size\":128,\"num_hidden_layers\":1,"
                                 "\"num_attention_heads\":8,\"vocab_size\":10,\"eos_token_id\":[3,4]}",
                             "c.json", err, sizeof err);
    CHECK(rc == 0 && c.n_kv_heads == 8 && c.head_dim == 8 && c.rope_theta == 10000.0 && fabsf(c.norm_eps - 1e-6f) < 1e-12 &&
              !c.tie_embeddings && c.max_pos == 2048 && c.rope_type == GT_ROPE_DEFAULT && c.bos_id == -1 &&
              c.n_eos == 2 && c.eos_ids[1] == 4,
          "config: LlamaConfig defaults; eos list");
    rc = gt_config_parse(&c, "{\"hidden_size\":64,\"intermediate_size\":128,\"num_hidden_layers\":1,"
                             "\"num_attention_heads\":8,\"vocab_size\":10,\"head_dim\":16,\"rope_theta\":5e5,"
                             "\"rope_scaling\":{\"type\":\"linear\",\"factor\":2.0}}",
                         "c.json", err, sizeof err);
    CHECK(rc == 0 && c.head_dim == 16 && c.rope_theta == 5e5 && c.rope_type == GT_ROPE_LINEAR && c.rope_factor == 2.0,
          "config: explicit head_dim, linear rope scaling");
}

int main(void)
{
    for (size_t i = 0; i < sizeof FIXTURES / sizeof *FIXTURES; i++) check_fixture(FIXTURES[i]);
    printf("  worst relative error vs PyTorch: prefill %.3g, decode %.3g (kernels: %s)\n", worst_prefill, worst_decode,
           gt_kernels_name(gt_kernels_best()));
    test_config_defaults();
    test_bad_input();
    T_END();
}
