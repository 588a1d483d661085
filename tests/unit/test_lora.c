/* test_lora.c - PEFT LoRA adapters against PeftModel, and adapters that do not fit.
 *
 * tests/data/tg-lora-NAME/ were written by tests/reference/lora_reference.py
 * with PEFT's get_peft_model + save_pretrained on the tiny fixture models
 * (random A and B), with the logits of PeftModel in float64 (checked there
 * against W + scale * B @ A). Both ways of applying an adapter, kept apart
 * and merged, must match within 1e-4 (max |diff| / max |ref| per position),
 * prefilling then decoding with the KV cache; with --load-8bit weights the
 * adapter still applies (error of the 8-bit base only). */
#include "t.h"
#include "logits_fixture.h"

/* DIR/expected.bin */
static const char *expected_path(const char *dir)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/expected.bin", dir);
    return path;
}
#include "nn/lora.h"
#include "nn/model.h"
#include "nn/quant.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOL 1e-4






/* Worst row error of prefill + decode against E. */
static double run_err(const gt_model *m, const expected *e)
{
    char err[256];
    int V = e->vocab, N = e->ntok, P = e->nprefill;
    float *lg = malloc(sizeof(float) * (size_t)N * V);
    gt_state *s = gt_state_new(m, 32, 0, err, sizeof err);
    double w = 0;
    int rc = gt_model_forward(m, s, e->tok, P, 0, lg, 1);
    for (int i = 0; i < P; i++) w = fmax(w, row_err(lg + (size_t)i * V, e->logits + (size_t)i * V, V));
    for (int i = P; i < N && rc == 0; i++) {
        rc = gt_model_forward(m, s, e->tok + i, 1, i, lg, 0);
        w = fmax(w, row_err(lg, e->logits + (size_t)i * V, V));
    }
    gt_state_free(s);
    free(lg);
    return rc == 0 ? w : INFINITY;
}

static void check_adapter(const char *name, const char *base, int nmods, double scale)
{
    char bdir[256], adir[256], err[512], cn[400];
    snprintf(bdir, sizeof bdir, "tests/data/%s", base);
    snprintf(adir, sizeof adir, "tests/data/%s", name);
    expected e;
    if (read_expected(expected_path(adir), &e) != 0) { CHECK(0, name); return; }
    for (int merge = 0; merge <= 1; merge++) {
        gt_model m;
        if (gt_model_load(&m, bdir, err, sizeof err) != 0) { CHECK(0, err); continue; }
        double plain = run_err(&m, &e);
        gt_lora *l = gt_lora_load(&m, adir, merge, err, sizeof err);
        snprintf(cn, sizeof cn, "%s on %s loads (%s)", name, base, merge ? "merged" : "apart");
        CHECK(l != NULL, cn);
        if (!l) { printf("  %s\n", err); gt_model_free(&m); continue; }
        snprintf(cn, sizeof cn, "%s: %d modules, scale %g", name, nmods, scale);
        CHECK(gt_lora_modules(l) == nmods && fabs(gt_lora_scale(l) - scale) < 1e-12, cn);
        double w = run_err(&m, &e);
        snprintf(cn, sizeof cn, "%s %s: logits match PeftModel (max rel err %.2g; %.2g without the adapter)", name,
                 merge ? "merged" : "apart", w, plain);
        CHECK(w < TOL && plain > 100 * TOL, cn);
        if (!merge) {
            gt_quant *q = gt_quant_model(&m, err, sizeof err);
            double wq = run_err(&m, &e);
            /* the 8-bit error of these tiny models (3% alone), amplified by large random adapters */
            snprintf(cn, sizeof cn, "%s apart over 8-bit weights: max rel err %.2g (%.2g without the adapter)", name,
                     wq, plain);
            CHECK(wq < 0.2 && wq < plain / 3, cn);
            gt_quant_free(q);
        }
        gt_lora_free(l);
        snprintf(cn, sizeof cn, "%s: freeing the adapter unhooks it", name);
        CHECK(m.delta == NULL, cn);
        gt_model_free(&m);
    }
    free(e.tok);
    free(e.logits);
}

/* Load ADAPTER (a directory) on BASE; expect failure with every NEEDLE in the message. */
static void expect_fail(const char *what, const char *base, const char *adapter, const char *n1, const char *n2)
{
    char bdir[256], err[600] = "", cn[700];
    snprintf(bdir, sizeof bdir, "tests/data/%s", base);
    gt_model m;
    if (gt_model_load(&m, bdir, err, sizeof err) != 0) { CHECK(0, err); return; }
    gt_lora *l = gt_lora_load(&m, adapter, 0, err, sizeof err);
    int ok = !l && strstr(err, n1) && (!n2 || strstr(err, n2)) && m.delta == NULL;
    snprintf(cn, sizeof cn, "refused: %s (%s)", what, err);
    CHECK(ok, cn);
    gt_lora_free(l);
    gt_model_free(&m);
}

/* A copy of tests/data/tg-lora-all in TMP with adapter_config.json edited:
 * FROM replaced by TO. */
static void edited(const char *tmp, const char *from, const char *to)
{
    char p[600];
    size_t n;
    char *cfg = slurp("tests/data/tg-lora-all/adapter_config.json", &n);
    char *w = slurp("tests/data/tg-lora-all/adapter_model.safetensors", &n);
    char *at = strstr(cfg, from);
    if (!at) abort();
    size_t a = (size_t)(at - cfg), fl = strlen(from), tl = strlen(to), cl = strlen(cfg);
    char *out = malloc(cl - fl + tl + 1);
    memcpy(out, cfg, a);
    memcpy(out + a, to, tl);
    memcpy(out + a + tl, at + fl, cl - a - fl + 1);
    snprintf(p, sizeof p, "%s/adapter_config.json", tmp);
    spit(p, out, strlen(out));
    snprintf(p, sizeof p, "%s/adapter_model.safetensors", tmp);
    spit(p, w, n);
    free(cfg); free(w); free(out);
}

int main(void)
{
    check_adapter("tg-lora-all", "model-gqa-f32", 14, 2.0);
    check_adapter("tg-lora-qv-rslora", "model-gqa-bf16", 6, 16 / sqrt(2.0));

    expect_fail("an adapter for a model with other k/v sizes", "model-tied-mqa-f32", "tests/data/tg-lora-all",
                "tg-lora-all/adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight' has shape [24, 4], expected [12, 4]",
                NULL);
    expect_fail("an adapter for a deeper model", "model-gqa-f32", "tests/data/tg-lora-qv-rslora",
                "tensor 'base_model.model.model.layers.2.self_attn.", "layer 2, the model has 2 layers");
    expect_fail("no adapter", "model-gqa-f32", "tests/data/no-such-adapter", "no-such-adapter/adapter_config.json",
                "cannot open");

    char tmp[] = "/tmp/test_lora.XXXXXX";
    if (!mkdtemp(tmp)) abort();
    edited(tmp, "\"r\": 4", "\"r\": 8");
    expect_fail("r that does not match the tensors", "model-gqa-f32", tmp, "mlp.down_proj.lora_A.weight' has shape [4, 96], expected [8, 96]", NULL);
    edited(tmp, "\"use_dora\": false", "\"use_dora\": true");
    expect_fail("DoRA", "model-gqa-f32", tmp, "adapter_config.json: use_dora (DoRA) is not supported", NULL);
    edited(tmp, "\"v_proj\"\n", "\"v_proj\", \"lm_head\"\n");
    expect_fail("LoRA on lm_head", "model-gqa-f32", tmp, "target module \"lm_head\" is not supported", NULL);
    edited(tmp, "\"up_proj\",\n", "");
    expect_fail("tensors of a module outside target_modules", "model-gqa-f32", tmp,
                "mlp.up_proj.lora_A.weight': up_proj is not in target_modules", NULL);
    edited(tmp, "\"peft_type\": \"LORA\"", "\"peft_type\": \"IA3\"");
    expect_fail("another PEFT method", "model-gqa-f32", tmp, "peft_type is not \"LORA\"", NULL);
    edited(tmp, "\"lora_alpha\": 8", "\"lora_alpha\": \"8\"");
    expect_fail("lora_alpha not a number", "model-gqa-f32", tmp, "\"lora_alpha\" is not a number", NULL);
    edited(tmp, "\"fan_in_fan_out\": false", "\"fan_in_fan_out\": true");
    {
        char err[256];
        gt_model m;
        gt_model_load(&m, "tests/data/model-gqa-f32", err, sizeof err);
        gt_lora *l = gt_lora_load(&m, tmp, 0, err, sizeof err);
        CHECK(l && strstr(gt_lora_note(l), "fan_in_fan_out is true but LLaMA's projections are nn.Linear"),
              "fan_in_fan_out: ignored with a note, as PEFT does for nn.Linear");
        gt_lora_free(l);
        gt_model_free(&m);
    }
    /* a truncated weights file */
    {
        char p[600];
        size_t n;
        char *w = slurp("tests/data/tg-lora-all/adapter_model.safetensors", &n);
        snprintf(p, sizeof p, "%s/adapter_model.safetensors", tmp);
        spit(p, w, n - 100);
        free(w);
        expect_fail("a truncated adapter_model.safetensors", "model-gqa-f32", tmp, "adapter_model.safetensors: truncated", NULL);
        unlink(p);
        snprintf(p, sizeof p, "%s/adapter_model.bin", tmp);
        spit(p, "x", 1);
        expect_fail("a pickle adapter", "model-gqa-f32", tmp, "adapter_model.bin: PyTorch pickle adapters are not supported", NULL);
        unlink(p);
        snprintf(p, sizeof p, "%s/adapter_config.json", tmp);
        unlink(p);
    }
    rmdir(tmp);
    T_END();
}
