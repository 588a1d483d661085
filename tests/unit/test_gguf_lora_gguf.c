/* test_gguf_lora_gguf.c - GGUF LoRA adapters as llama.cpp writes and reads
 * them (lib/nn/lora.c: general.type "adapter", adapter.type "lora",
 * adapter.lora.alpha, tensors blk.N.NAME.weight.lora_a / .lora_b) on GGUF
 * bases, against llama.cpp's own logits with the same adapter
 * (tests/reference/gguf_lora_adapter_reference.py: gguf-lora-{q8_0,q4_k,f16}.gguf,
 * r 4, alpha 8, on attn_q, attn_v and ffn_down of tiny-q8_0.gguf (F32
 * tensors), tiny-q4_k.gguf (lora_a Q8_0, lora_b F16) and tiny-f16.gguf
 * (BF16); gguf-lora-logits.jsonl).
 *
 * lora_b of attn_q is in the base's permuted row order (llama.cpp's converter
 * permutes it as it permutes the base's attn_q): our loader puts its rows
 * back as it does the base's, else the logits would not be llama.cpp's.
 *
 * The tolerance is test_gguf_model's for llama.cpp's logits on these tiny
 * files: twice llama.cpp's own distance to the exact float64 logits on the
 * base (llama_exact, from tiny-types-logits.jsonl: 1.46 Q8_0, 2.22 Q4_K,
 * 0.037 F16) plus 1% of max |logit|. Without the adapter our logits must be
 * farther than 5x the tolerance from llama.cpp's adapted ones (the adapter
 * moves them by 17 to 93), so the test can fail; and our base logits are
 * llama.cpp's base logits within the same tolerance. */
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

static int seen;

static void one(yajl_val rec, void *ctx)
{
    (void)ctx;
    const char *file = gt_json_str(rec, "file"), *type = gt_json_str(rec, "type"), *ad = gt_json_str(rec, "adapter");
    yajl_val le = gt_json_get(rec, "llama_exact");
    char path[256], apath[256], name[200];
    if (!file || !type || !ad || !le || !YAJL_IS_NUMBER(le)) { CHECK(0, "gguf lora: fixture record fields"); return; }
    snprintf(path, sizeof path, DIR "%s", file);
    snprintf(apath, sizeof apath, DIR "%s", ad);
    int32_t ids[256];
    int np = ints_of(gt_json_get(rec, "prompt"), ids, 256);
    gt_model m;
    if (np <= 0 || gt_model_load(&m, path, err, sizeof err)) {
        printf("%s\n", err);
        CHECK(0, "gguf lora: fixture read, base loads");
        return;
    }
    int V = m.c.vocab_size, quantized = strcmp(type, "F16") != 0;
    float *ref = gt_xmalloc(sizeof(float) * (size_t)V), *base = gt_xmalloc(sizeof(float) * (size_t)V),
          *a = gt_xmalloc(sizeof(float) * (size_t)V), *b = gt_xmalloc(sizeof(float) * (size_t)V),
          *c = gt_xmalloc(sizeof(float) * (size_t)V), *d = gt_xmalloc(sizeof(float) * (size_t)V);
    if (floats_of(gt_json_get(rec, "logits"), ref, V) || floats_of(gt_json_get(rec, "base"), base, V)) {
        CHECK(0, "gguf lora: fixture logits read");
        goto out;
    }
    double tol = 2 * YAJL_GET_DOUBLE(le) + 0.01 * max_abs(ref, V);

    /* without the adapter: llama.cpp's base logits, and far from the adapted ones */
    int ok = last_logits(&m, ids, np, c, 1, err, sizeof err) == 0;
    double d_base = max_diff(c, base, V), d_noad = max_diff(c, ref, V);

    /* kept apart */
    gt_lora *l = gt_lora_load(&m, apath, 0, err, sizeof err);
    if (!l) printf("%s\n", err);
    ok = ok && l && gt_lora_modules(l) == 3 && fabs(gt_lora_scale(l) - 2.0) < 1e-12;
    ok = ok && last_logits(&m, ids, np, a, 1, err, sizeof err) == 0 && last_logits(&m, ids, np, b, 0, err, sizeof err) == 0;
    double d_apart = max_diff(a, ref, V), d_dec = max_diff(b, ref, V);
    gt_lora_free(l);
    if (m.delta) ok = 0;    /* unhooked */

    /* merge asked for: blocks stay blocks (the adapter apart), 16-bit merges */
    l = gt_lora_load(&m, apath, 1, err, sizeof err);
    if (!l) printf("%s\n", err);
    ok = ok && l && last_logits(&m, ids, np, d, 1, err, sizeof err) == 0;
    int hooked = m.delta != NULL, q_f32 = m.layers[0].w[GT_PROJ_Q].dt == GT_DT_F32;
    char note[700];
    snprintf(note, sizeof note, "%s", l ? gt_lora_note(l) : "");
    double d_merge = max_diff(d, ref, V);
    gt_lora_free(l);

    printf("gguf lora: %-4s %2d ids: max |ours - llama.cpp| apart %.4f, decoding %.4f, merge asked %.4f; "
           "without the adapter %.3f (llama.cpp's base: %.4f); tolerance %.4f (max |logit| %.1f)\n",
           type, np, d_apart, d_dec, d_merge, d_noad, d_base, tol, max_abs(ref, V));
    snprintf(name, sizeof name, "gguf lora: %s %d ids: loads (3 projections, scale alpha/r = 2), runs", type, np);
    CHECK(ok, name);
    snprintf(name, sizeof name, "gguf lora: %s %d ids: base logits as llama.cpp's", type, np);
    CHECK(d_base <= tol, name);
    snprintf(name, sizeof name, "gguf lora: %s %d ids: adapter kept apart: llama.cpp's logits (batched and decoding)",
             type, np);
    CHECK(d_apart <= tol && d_dec <= tol, name);
    snprintf(name, sizeof name, "gguf lora: %s %d ids: merge asked: llama.cpp's logits", type, np);
    CHECK(d_merge <= tol, name);
    snprintf(name, sizeof name, "gguf lora: %s %d ids: %s", type, np,
             quantized ? "merge asked: blocks kept, adapter apart, a note says so" : "merged: F32 weights, no hook");
    CHECK(quantized ? hooked && strstr(note, "GGUF blocks") != NULL : !hooked && q_f32 && !*note, name);
    snprintf(name, sizeof name, "gguf lora: %s %d ids: without the adapter the logits are far from llama.cpp's "
             "(> 5x tol)", type, np);
    CHECK(d_noad > 5 * tol, name);
    seen++;
out:
    free(ref); free(base); free(a); free(b); free(c); free(d);
    gt_model_free(&m);
}

static void test_fixtures(void)
{
    if (each_record_e(DIR "gguf-lora-logits.jsonl", one, NULL, err, sizeof err) == 0) {
        CHECK(0, "gguf lora: gguf-lora-logits.jsonl read");
        return;
    }
    CHECK(seen == 9, "gguf lora: 9 records (Q8_0, Q4_K, F16 x 3 prompts)");
}

/* Refused with FILE: message: WANT found in the message. */
static void refused(const char *base, const char *adapter, const char *want, const char *what)
{
    gt_model m;
    if (gt_model_load(&m, base, err, sizeof err)) { CHECK(0, "gguf lora: base loads"); return; }
    gt_lora *l = gt_lora_load(&m, adapter, 0, err, sizeof err);
    if (l || !strstr(err, adapter) || !strstr(err, want)) printf("gguf lora: %s: got '%s'\n", what, l ? "(loaded)" : err);
    CHECK(!l && strstr(err, adapter) && strstr(err, want) && !m.delta, what);
    gt_lora_free(l);
    gt_model_free(&m);
}

static void test_errors(void)
{
    refused(DIR "tiny-q8_0.gguf", DIR "tiny-f16.gguf", "general.type",
            "gguf lora: a model given as the adapter: refused, general.type named");
    refused(DIR "tiny-q4_k.gguf", DIR "gguf-lora-q8_0.gguf", "blk.0.attn_q.weight.lora_a' has shape [128, 4], expected [256, 4]",
            "gguf lora: the Q8_0 file's adapter (embedding 128) on the Q4_K file (256): refused, tensor and shapes named");
    refused(DIR "tiny-q8_0.gguf", DIR "gguf-lora-bad-type.gguf", "adapter.type is \"control_vector\", not \"lora\"",
            "gguf lora: adapter.type not lora: refused");
    refused(DIR "tiny-q8_0.gguf", DIR "gguf-lora-bad-alpha.gguf", "adapter.lora.alpha is missing",
            "gguf lora: no adapter.lora.alpha: refused");
    refused(DIR "tiny-q8_0.gguf", DIR "gguf-lora-bad-nob.gguf", "tensor 'blk.0.attn_v.weight.lora_b' is missing",
            "gguf lora: a lora_a without its lora_b: refused, the missing tensor named");
    refused(DIR "tiny-q8_0.gguf", DIR "gguf-lora-bad-name.gguf", "tensor 'blk.0.attn_qkv.weight.lora_a' is not a LoRA weight",
            "gguf lora: an unknown tensor name: refused, named");
    refused(DIR "tiny-q8_0.gguf", DIR "gguf-lora-bad-dtype.gguf", "'blk.0.attn_v.weight.lora_a': type IQ4_NL is not supported",
            "gguf lora: an unsupported tensor type: refused, tensor and type named");
    refused(DIR "tiny-q8_0.gguf", DIR "no-such-adapter.gguf", "no-such-adapter.gguf",
            "gguf lora: a missing .gguf adapter: refused, file named");
}

int main(void)
{
    test_fixtures();
    test_errors();
    T_END();
}
