/* test_gguf_lora.c - PEFT LoRA adapters on GGUF bases (lib/nn/lora.c): the
 * adapted logits against PEFT's own (tests/reference/gguf_lora_reference.py:
 * tests/data/gguf/lora-logits.jsonl and the adapters lora-{q8_0,q4_k,f16}/,
 * r 4, alpha 8, on q_proj, v_proj and down_proj of tiny-q8_0.gguf,
 * tiny-q4_k.gguf and tiny-f16.gguf; PEFT's LoraModel on a transformers
 * LlamaForCausalLM built from the gguf package's dequantized tensors, float64).
 *
 * A quantized base keeps its blocks: the adapter is applied apart from them,
 * y = W x + scale * B (A x), also when merging is asked for (nothing can be
 * merged into blocks); a 16/32-bit base merges as a Hugging Face model does.
 *
 * The tolerance. Our products by quantized weights quantize the activations to
 * 8-bit blocks (lib/nn/qmatmul.h: at most amax/254 per value, about 1% of a
 * product in the worst case), through the layer and the head; the adapter's
 * own delta is F32. test_gguf_model holds such logits to twice llama.cpp's
 * distance to the exact float64 logits plus 1% of max |logit| (about 3% of
 * it for Q4_K, 2-4% for Q8_0 on these random files, whose logits run to
 * +-230). Here, against PEFT's float64 logits: max |ours - PEFT| <= 3% of
 * max |PEFT logit| for the block types (measured 0.7-2.2%, the same as
 * without the adapter against PEFT's base model: the 8-bit activations), and
 * 1e-4 of it for F16 (float32 arithmetic over exact F16 weights: measured
 * 1e-7). The adapter math alone is held tighter: the same weights
 * dequantized to F32 with the adapter give PEFT's logits within 1e-5 of
 * max |logit| (measured 2e-7 to 5e-7). The adapter moves the logits by 30
 * to 114 (delta_max): without it, ours are farther than 5x the tolerance
 * from PEFT's adapted logits (checked), so the test can fail. */
#include "t.h"
#include "gguf_fixture.h"
#include "nn/model.h"
#include "nn/lora.h"
#include "nn/dtype.h"
#include "nn/kernels.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static char err[1024];

static int blocks_in(const gt_model *m)
{
    int n = 0;
    for (int l = 0; l < m->c.n_layers; l++)
        for (int p = 0; p < GT_PROJ_N; p++) n += gt_dtype_is_block(m->layers[l].w[p].dt);
    return n;
}

/* M's weights dequantized to F32 (the rows as M holds them, attn_q/attn_k
 * already un-permuted) in a shallow copy of M; free with twin_free. */
static gt_model twin(const gt_model *m)
{
    gt_model t = *m;
    t.delta = NULL;
    t.delta_ctx = NULL;
    t.layers = gt_xcalloc((size_t)m->c.n_layers, sizeof *t.layers);
    const gt_wmat *src[2 + 64 * GT_PROJ_N];
    gt_wmat *dst[2 + 64 * GT_PROJ_N];
    int rows[2 + 64 * GT_PROJ_N], cols[2 + 64 * GT_PROJ_N], n = 0;
    src[n] = &m->embed, dst[n] = &t.embed, rows[n] = m->c.vocab_size, cols[n++] = m->c.dim;
    src[n] = &m->lm_head, dst[n] = &t.lm_head, rows[n] = m->c.vocab_size, cols[n++] = m->c.dim;
    for (int l = 0; l < m->c.n_layers && l < 64; l++) {
        t.layers[l] = m->layers[l];
        for (int p = 0; p < GT_PROJ_N; p++) {
            src[n] = &m->layers[l].w[p], dst[n] = &t.layers[l].w[p];
            gt_proj_dims(&m->c, p, &rows[n], &cols[n]);
            n++;
        }
    }
    for (int i = 0; i < n; i++) {
        float *f = gt_xmalloc(sizeof(float) * (size_t)rows[i] * (size_t)cols[i]);
        for (int r = 0; r < rows[i]; r++) gt_row_to_f32(f + (size_t)r * cols[i], src[i]->p, src[i]->dt, (size_t)r, cols[i]);
        *dst[i] = (gt_wmat){ f, GT_DT_F32 };
    }
    return t;
}

static void twin_free(gt_model *t)
{
    free((void *)t->embed.p);
    free((void *)t->lm_head.p);
    for (int l = 0; l < t->c.n_layers; l++)
        for (int p = 0; p < GT_PROJ_N; p++) free((void *)t->layers[l].w[p].p);
    free(t->layers);
}

static int seen;

static void one(yajl_val rec, void *ctx)
{
    (void)ctx;
    const char *file = gt_json_str(rec, "file"), *type = gt_json_str(rec, "type"), *ad = gt_json_str(rec, "adapter");
    char path[256], apath[256], name[200];
    if (!file || !type || !ad) { CHECK(0, "lora: fixture record has file, type, adapter"); return; }
    snprintf(path, sizeof path, DIR "%s", file);
    snprintf(apath, sizeof apath, DIR "%s", ad);
    int32_t ids[256];
    int np = ints_of(gt_json_get(rec, "prompt"), ids, 256);
    gt_model m;
    if (np <= 0 || gt_model_load(&m, path, err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "lora: fixture read, base loads");
        return;
    }
    int V = m.c.vocab_size, quantized = strcmp(type, "F16") != 0;
    float *ref = gt_xmalloc(sizeof(float) * (size_t)V), *base = gt_xmalloc(sizeof(float) * (size_t)V),
          *a = gt_xmalloc(sizeof(float) * (size_t)V), *b = gt_xmalloc(sizeof(float) * (size_t)V),
          *c = gt_xmalloc(sizeof(float) * (size_t)V), *d = gt_xmalloc(sizeof(float) * (size_t)V);
    if (floats_of(gt_json_get(rec, "logits"), ref, V) || floats_of(gt_json_get(rec, "base"), base, V)) {
        CHECK(0, "lora: fixture logits read");
        goto out;
    }
    double tol = (quantized ? 0.03 : 1e-4) * max_abs(ref, V);
    int nblocks = blocks_in(&m);

    /* without the adapter: PEFT's base logits, and far from the adapted ones */
    int ok = last_logits(&m, ids, np, c, 1, err, sizeof err) == 0;
    double d_base = max_diff(c, base, V), d_noad = max_diff(c, ref, V);

    /* kept apart */
    gt_lora *l = gt_lora_load(&m, apath, 0, err, sizeof err);
    if (!l) printf("%s\n", err);
    ok = ok && l && last_logits(&m, ids, np, a, 1, err, sizeof err) == 0 && last_logits(&m, ids, np, b, 0, err, sizeof err) == 0;
    double d_apart = max_diff(a, ref, V), d_dec = max_diff(b, ref, V);
    gt_lora_free(l);
    if (m.delta) ok = 0;    /* unhooked */

    /* the same weights in F32 (no 8-bit activations) with the adapter: PEFT's logits to float32 rounding */
    gt_model tw = twin(&m);
    gt_lora *lt = gt_lora_load(&tw, apath, 0, err, sizeof err);
    ok = ok && lt && last_logits(&tw, ids, np, c, 1, err, sizeof err) == 0;
    double d_twin = max_diff(c, ref, V), tol_twin = 1e-5 * max_abs(ref, V);
    gt_lora_free(lt);
    twin_free(&tw);

    /* merge asked for: blocks stay blocks (the adapter apart), 16-bit merges */
    l = gt_lora_load(&m, apath, 1, err, sizeof err);
    if (!l) printf("%s\n", err);
    ok = ok && l && last_logits(&m, ids, np, d, 1, err, sizeof err) == 0;
    int nblocks_after = blocks_in(&m), hooked = m.delta != NULL;
    int q_f32 = m.layers[0].w[GT_PROJ_Q].dt == GT_DT_F32, k_f16 = m.layers[0].w[GT_PROJ_K].dt == GT_DT_F16;
    char note[700];
    snprintf(note, sizeof note, "%s", l ? gt_lora_note(l) : "");
    double d_merge = max_diff(d, ref, V), d_merge_apart = max_diff(d, a, V);
    gt_lora_free(l);        /* the model's merged weights go with it: M is not run again */

    printf("lora: %-4s %2d ids: max |ours - PEFT| apart %.4f, decoding %.4f, merge asked %.4f, F32 twin %.5f; "
           "without the adapter %.3f (PEFT's base: %.4f); tolerance %.4f (max |logit| %.1f)\n",
           type, np, d_apart, d_dec, d_merge, d_twin, d_noad, d_base, tol, max_abs(ref, V));
    snprintf(name, sizeof name, "lora: %s %d ids: loads, runs", type, np);
    CHECK(ok, name);
    snprintf(name, sizeof name, "lora: %s %d ids: base logits as PEFT's base model's", type, np);
    CHECK(d_base <= tol, name);
    snprintf(name, sizeof name, "lora: %s %d ids: adapter kept apart: PEFT's logits (batched and decoding)", type, np);
    CHECK(d_apart <= tol && d_dec <= tol, name);
    snprintf(name, sizeof name, "lora: %s %d ids: its weights in F32 with the adapter: PEFT's logits within 1e-5 of max |logit|", type, np);
    CHECK(d_twin <= tol_twin, name);
    snprintf(name, sizeof name, "lora: %s %d ids: without the adapter the logits are far from PEFT's (> 5x tol)", type, np);
    CHECK(d_noad > 5 * tol, name);
    if (quantized) {
        snprintf(name, sizeof name, "lora: %s %d ids: merge asked: blocks kept, adapter applied apart, a note says so",
                 type, np);
        CHECK(nblocks == GT_PROJ_N * m.c.n_layers && nblocks_after == nblocks && hooked && d_merge_apart == 0 &&
                  strstr(note, "GGUF blocks") && strstr(note, type),
              name);
    } else {
        snprintf(name, sizeof name, "lora: %s %d ids: merged into F32 copies: PEFT's logits, no hook", type, np);
        CHECK(nblocks == 0 && !hooked && q_f32 && k_f16 && d_merge <= tol && d_merge_apart <= tol && !*note,
              name);
    }
    seen++;
out:
    free(ref); free(base); free(a); free(b); free(c); free(d);
    gt_model_free(&m);
}

static void test_fixtures(void)
{
    if (each_record_e(DIR "lora-logits.jsonl", one, NULL, err, sizeof err) == 0) {
        CHECK(0, "lora: lora-logits.jsonl read");
        return;
    }
    CHECK(seen == 9, "lora: 9 records (Q8_0, Q4_K, F16 x 3 prompts)");
}

/* An adapter for another model is refused, naming the file and tensor. */
static void test_wrong_model(void)
{
    gt_model m;
    if (gt_model_load(&m, DIR "tiny-q4_k.gguf", err, sizeof err)) { CHECK(0, "lora: tiny-q4_k loads"); return; }
    gt_lora *l = gt_lora_load(&m, DIR "lora-q8_0", 0, err, sizeof err);
    CHECK(!l && strstr(err, "lora-q8_0/adapter_model.safetensors") && strstr(err, "has shape"),
          "lora: the Q8_0 file's adapter (embedding 128) on the Q4_K file (256): refused, file and tensor named");
    gt_lora_free(l);
    gt_model_free(&m);
}

int main(void)
{
    test_fixtures();
    test_wrong_model();
    T_END();
}
