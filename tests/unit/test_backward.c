/* test_backward.c - the training code (lib/train/train.c, lib/train/adamw.c) against
 * PyTorch autograd: tests/reference/train_reference.py wrote, for the tiny
 * models in tests/data/train-* (untied GQA F32; tied MQA BF16), the loss of a
 * fixed batch with a response mask, the gradients of every weight, the
 * weights after 3 AdamW steps (clipping at 1.0, linear warmup schedule), and
 * the same for LoRA adapters with random non-zero A and B.
 *
 * Metric, per tensor: max |ours - torch| / max |torch| <= 1e-4 for losses and
 * gradients; for the weights after the 3 steps, the error is measured against
 * the size of the change: max |ours - torch| / max |torch - initial| <= 1e-4
 * (stricter than relative to the weights themselves). */
#include "t.h"
#include "train/train.h"
#include "train/adamw.h"
#include "nn/safetensors.h"

#include <math.h>
#include <stdlib.h>

#define TOL 1e-4

static double worst_all;

static const float *tensor(const gt_st *st, const char *name, size_t want)
{
    const gt_tensor *t = gt_st_find(st, name);
    if (!t || t->dtype != GT_DT_F32 || (want && (size_t)t->numel != want)) {
        printf("# missing or bad tensor %s\n", name);
        return NULL;
    }
    return t->data;
}

/* max |a - b| / max |ref| */
static double relerr(const float *a, const float *b, const float *ref0, size_t n)
{
    double md = 0, mr = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]);
        double r = ref0 ? fabs((double)b[i] - ref0[i]) : fabs((double)b[i]);
        if (d > md || isnan(d)) md = isnan(d) ? INFINITY : d;
        if (r > mr) mr = r;
    }
    return mr > 0 ? md / mr : md;
}

typedef struct {
    int B, T;
    int32_t tok[64];
    uint8_t mask[64];
    float hp[9];
} batch_t;

static int load_batch(const gt_st *ex, batch_t *b)
{
    const gt_tensor *t = gt_st_find(ex, "tokens");
    if (!t || t->ndim != 2 || t->numel > 64) return -1;
    b->B = (int)t->shape[0];
    b->T = (int)t->shape[1];
    const float *tk = t->data, *mk = tensor(ex, "mask", (size_t)t->numel), *hp = tensor(ex, "hparams", 9);
    if (!mk || !hp) return -1;
    for (int i = 0; i < b->B * b->T; i++) {
        b->tok[i] = (int32_t)tk[i];
        b->mask[i] = mk[i] != 0;
    }
    memcpy(b->hp, hp, sizeof b->hp);
    return 0;
}

/* compare every trained tensor with PREFIX + its name */
static void compare_all(const gt_train *t, const gt_st *ex, const char *prefix, const float *vals,
                        const float *init, const char *what, const char *fixture)
{
    double worst = 0;
    const char *wname = "";
    int missing = 0;
    for (int i = 0; i < t->ntp; i++) {
        char nm[160];
        snprintf(nm, sizeof nm, "%s%s", prefix, t->tp[i].name);
        const float *ref = tensor(ex, nm, t->tp[i].numel);
        if (!ref) { missing++; continue; }
        double e = relerr(vals + t->tp[i].off, ref, init ? init + t->tp[i].off : NULL, t->tp[i].numel);
        if (e > worst || isnan(e)) { worst = e; wname = t->tp[i].name; }
    }
    char name[200];
    printf("# %s %s: worst %.3g (%s)\n", fixture, what, worst, wname);
    if (worst > worst_all) worst_all = worst;
    snprintf(name, sizeof name, "%s %s within %g of torch (%d tensors)", fixture, what, TOL, t->ntp);
    CHECK(missing == 0 && worst <= TOL, name);
}

static void run(const char *fixture, int full)
{
    char dir[256], path[300], err[256], name[200];
    snprintf(dir, sizeof dir, "tests/data/%s", fixture);
    snprintf(path, sizeof path, "%s/expected.safetensors", dir);
    gt_model m;
    gt_st ex;
    if (gt_model_load(&m, dir, err, sizeof err) != 0 || gt_st_open(&ex, path, err, sizeof err) != 0) {
        printf("# %s\n", err);
        CHECK(0, fixture);
        return;
    }
    batch_t b;
    CHECK(load_batch(&ex, &b) == 0, "fixture batch");
    const char *pre = full ? "" : "lora.";
    gt_train_opts o = { .full = full, .seed = 1 };
    gt_lora_cfg_default(&o.lora);
    if (!full) {
        const float *tg = tensor(&ex, "lora_targets", GT_PROJ_N), *r = tensor(&ex, "lora_r", 1);
        o.lora.targets = 0;
        for (int i = 0; i < GT_PROJ_N; i++) if (tg && tg[i] != 0) o.lora.targets |= 1u << i;
        o.lora.r = r ? (int)r[0] : 8;
        o.lora.alpha = b.hp[8] * (float)o.lora.r;
        o.lora.dropout = 0;
    }
    gt_train t;
    if (gt_train_init(&t, &m, &o, b.B, b.T, err, sizeof err) != 0) {
        printf("# %s\n", err);
        CHECK(0, "train init");
        return;
    }
    if (!full) {
        /* the adapters start from the fixture's random A and B */
        for (int i = 0; i < t.ntp; i++) {
            char nm[160];
            snprintf(nm, sizeof nm, "lora.init.%s", t.tp[i].name);
            const float *v = tensor(&ex, nm, t.tp[i].numel);
            if (v) memcpy(t.params + t.tp[i].off, v, sizeof(float) * t.tp[i].numel);
        }
    }
    float *init = malloc(sizeof(float) * t.n_params);
    memcpy(init, t.params, sizeof(float) * t.n_params);
    const char *mode = full ? "full" : "lora";

    /* loss and gradients */
    double loss;
    gt_train_zero_grad(&t);
    int cnt = gt_train_step(&t, b.tok, b.mask, b.B, b.T, 1, 0, 1.0f, &loss);
    char nm[64];
    snprintf(nm, sizeof nm, "%sloss", pre);
    const float *rl = tensor(&ex, nm, 1);
    double le = rl ? fabs(loss - rl[0]) / fabs(rl[0]) : 1;
    printf("# %s %s loss %.7f torch %.7f rel %.3g (%d label rows)\n", fixture, mode, loss, rl ? rl[0] : 0, le, cnt);
    snprintf(name, sizeof name, "%s %s loss within %g of torch", fixture, mode, TOL);
    CHECK(cnt == 17 && le <= TOL, name);
    if (le > worst_all) worst_all = le;
    snprintf(nm, sizeof nm, "%sgrad.", pre);
    snprintf(name, sizeof name, "%s gradients", mode);
    compare_all(&t, &ex, nm, t.grads, NULL, name, fixture);

    /* 3 AdamW steps with clipping and the warmup + linear schedule */
    gt_adamw opt;
    CHECK(gt_adamw_init(&opt, t.n_params, b.hp[1], b.hp[2], b.hp[3]) == 0, "adamw init");
    snprintf(nm, sizeof nm, "%sloss3", full ? "full." : "lora.");
    const float *l3 = tensor(&ex, nm, 3);
    double l3e = 0;
    for (int s = 0; s < 3; s++) {
        gt_train_zero_grad(&t);
        gt_train_step(&t, b.tok, b.mask, b.B, b.T, 1, 0, 1.0f, &loss);
        if (l3) l3e = fmax(l3e, fabs(loss - l3[s]) / fabs(l3[s]));
        gt_clip_grad_norm(t.grads, t.n_params, b.hp[7]);
        double f = gt_lr_factor(GT_SCHED_LINEAR, s, (long)b.hp[5], (long)b.hp[6]);
        gt_train_adamw_step(&t, &opt, (float)(b.hp[0] * f), b.hp[4]);
    }
    printf("# %s %s losses of the 3 steps: worst rel %.3g\n", fixture, mode, l3e);
    snprintf(name, sizeof name, "%s %s losses of 3 AdamW steps", fixture, mode);
    CHECK(l3 && l3e <= TOL, name);
    snprintf(nm, sizeof nm, "%safter3.", full ? "full." : "lora.");
    snprintf(name, sizeof name, "%s weights after 3 AdamW steps", mode);
    compare_all(&t, &ex, nm, t.params, init, name, fixture);

    gt_adamw_free(&opt);
    free(init);
    gt_train_free(&t);
    gt_st_close(&ex);
    gt_model_free(&m);
}

static void test_schedules(void)
{
    /* transformers: linear(warmup 2, total 10): 0, .5, 1, 7/8, ..., 0 at 10 */
    CHECK(gt_lr_factor(GT_SCHED_LINEAR, 0, 2, 10) == 0 && gt_lr_factor(GT_SCHED_LINEAR, 1, 2, 10) == 0.5 &&
          gt_lr_factor(GT_SCHED_LINEAR, 2, 2, 10) == 1 && fabs(gt_lr_factor(GT_SCHED_LINEAR, 3, 2, 10) - 0.875) < 1e-12 &&
          gt_lr_factor(GT_SCHED_LINEAR, 10, 2, 10) == 0 && gt_lr_factor(GT_SCHED_LINEAR, 12, 2, 10) == 0,
          "linear schedule with warmup");
    /* cosine(warmup 2, total 10): step 6 is half way: 0.5; step 4: 0.5 (1 + cos(pi/4)) */
    CHECK(gt_lr_factor(GT_SCHED_COSINE, 1, 2, 10) == 0.5 && gt_lr_factor(GT_SCHED_COSINE, 2, 2, 10) == 1 &&
          fabs(gt_lr_factor(GT_SCHED_COSINE, 6, 2, 10) - 0.5) < 1e-12 &&
          fabs(gt_lr_factor(GT_SCHED_COSINE, 4, 2, 10) - 0.5 * (1 + cos(M_PI / 4))) < 1e-12 &&
          fabs(gt_lr_factor(GT_SCHED_COSINE, 10, 2, 10)) < 1e-12, "cosine schedule with warmup");
    float g[4] = { 3, 4, 0, 0 };
    double n = gt_clip_grad_norm(g, 4, 1.0);
    CHECK(n == 5 && fabs(g[0] - 3 / (5 + 1e-6)) < 1e-7 && fabs(g[1] - 4 / (5 + 1e-6)) < 1e-7, "clip to norm 1");
    float h[2] = { 0.3f, 0.4f };
    gt_clip_grad_norm(h, 2, 1.0);
    CHECK(h[0] == 0.3f && h[1] == 0.4f, "no clipping below the norm");
    unsigned set = 0;
    char err[128];
    CHECK(gt_lora_parse_targets("q_proj,v_proj", &set, err, sizeof err) == 0 && set == 5u, "targets q_proj,v_proj");
    CHECK(gt_lora_parse_targets("q,k,v,o,gate,up,down", &set, err, sizeof err) == 0 && set == 127u, "all targets");
    CHECK(gt_lora_parse_targets("q_proj,x_proj", &set, err, sizeof err) == -1 && strstr(err, "x_proj"),
          "unknown target refused");
}

int main(void)
{
    test_schedules();
    run("train-gqa", 1);
    run("train-gqa", 0);
    run("train-tied-mqa-bf16", 1);
    run("train-tied-mqa-bf16", 0);
    printf("# worst relative error over all comparisons: %.3g\n", worst_all);
    T_END();
}
