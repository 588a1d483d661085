/* test_gradcheck.c - every backward function of lib/train/train.c against central
 * finite differences, on tiny random inputs: for a layer y = f(x, w), the
 * objective L = sum(y * R) (R random, L summed in double) has dL/dx =
 * backward(dy = R); each input element is moved by +-h and
 * (L(+h) - L(-h)) / (2h) compared with the analytic value.
 * Then the whole model: the loss of tests/data/train-gqa with respect to
 * sampled weights (full training) and LoRA A/B elements (with dropout on,
 * the same seeded masks in every evaluation).
 *
 * Metric, per tensor: max |fd - analytic| / max |analytic| <= TOL (the
 * layers run in float, so the differences carry ~1e-6 of rounding). */
#include "t.h"
#include "train/train.h"
#include "nn/kernels.h"

#include <math.h>
#include <stdlib.h>

static uint64_t rs = 0x1234567;
static float frand(void)   /* uniform in [-1, 1) */
{
    rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17;
    return (float)((double)(rs >> 11) / 9007199254740992.0 * 2 - 1);
}
static float *rnd(size_t n, float scale)
{
    float *p = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; i < n; i++) p[i] = frand() * scale;
    return p;
}
static float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

typedef double (*objfn)(void *ctx);

/* max |fd - an| / max |an| over the N elements of P */
static double fdcheck(objfn f, void *ctx, float *p, const float *an, size_t n, float h)
{
    double md = 0, ma = 0;
    for (size_t i = 0; i < n; i++) {
        float old = p[i], up = old + h, dn = old - h;
        p[i] = up;
        double a = f(ctx);
        p[i] = dn;
        double b = f(ctx);
        p[i] = old;
        double g = (a - b) / ((double)up - dn);
        double d = fabs(g - an[i]);
        if (d > md || isnan(d)) md = isnan(d) ? INFINITY : d;
        if (fabs(an[i]) > ma) ma = fabs(an[i]);
    }
    return ma > 0 ? md / ma : md;
}

static double worst;
#define TOL 2e-3

static void report(const char *name, double e)
{
    char buf[160];
    printf("# %-34s max rel err %.3g\n", name, e);
    if (e > worst) worst = e;
    snprintf(buf, sizeof buf, "finite differences: %s", name);
    CHECK(e <= TOL && e > 0 ? 1 : e == 0, buf);
}

/* ---- embedding ---- */
enum { EV = 5, ED = 4, EN = 6 };
static int32_t etok[EN] = { 3, 1, 3, 0, 4, 3 };
static float *eW, *eR, *eY;
static double emb_obj(void *c)
{
    (void)c;
    gt_embedding_forward(eY, eW, GT_DT_F32, etok, EN, ED);
    return dot(eY, eR, EN * ED);
}
static void test_embedding(void)
{
    eW = rnd(EV * ED, 1); eR = rnd(EN * ED, 1); eY = zeros(EN * ED);
    float *dW = zeros(EV * ED);
    gt_embedding_backward(dW, eR, etok, EN, ED);
    report("embedding dW", fdcheck(emb_obj, NULL, eW, dW, EV * ED, 1e-2f));
    free(eW); free(eR); free(eY); free(dW);
}

/* ---- rmsnorm ---- */
enum { RN = 3, RD = 8 };
static float *rX, *rW, *rR, *rY, rS[RN];
static double rms_obj(void *c)
{
    (void)c;
    gt_rmsnorm_forward(rY, rS, rX, rW, RN, RD, 1e-5f);
    return dot(rY, rR, RN * RD);
}
static void test_rmsnorm(void)
{
    rX = rnd(RN * RD, 1); rW = rnd(RD, 1); rR = rnd(RN * RD, 1); rY = zeros(RN * RD);
    float *dX = zeros(RN * RD), *dW = zeros(RD);
    rms_obj(NULL);
    gt_rmsnorm_backward(dX, dW, rR, rX, rW, rS, RN, RD);
    report("rmsnorm dx", fdcheck(rms_obj, NULL, rX, dX, RN * RD, 1e-3f));
    report("rmsnorm dw", fdcheck(rms_obj, NULL, rW, dW, RD, 1e-3f));
    free(rX); free(rW); free(rR); free(rY); free(dX); free(dW);
}

/* ---- rope ---- */
enum { PB = 2, PT = 3, PH = 2, PD = 6 };
static float *pX, *pR, *pY, pRope[PT * PD];
static double rope_obj(void *c)
{
    (void)c;
    memcpy(pY, pX, sizeof(float) * PB * PT * PH * PD);
    gt_rope_forward(pY, pRope, PB * PT, PT, PH, PD);
    return dot(pY, pR, PB * PT * PH * PD);
}
static void test_rope(void)
{
    double inv[PD / 2] = { 1.0, 0.3, 0.05 };
    gt_rope_table(pRope, inv, 0, PT, PD);
    size_t n = PB * PT * PH * PD;
    pX = rnd(n, 1); pR = rnd(n, 1); pY = zeros(n);
    float *dX = malloc(sizeof(float) * n);
    memcpy(dX, pR, sizeof(float) * n);
    gt_rope_backward(dX, pRope, PB * PT, PT, PH, PD);
    report("rope dx", fdcheck(rope_obj, NULL, pX, dX, n, 1e-2f));
    free(pX); free(pR); free(pY); free(dX);
}

/* ---- attention (GQA: 4 query heads on 2 kv heads) ---- */
enum { AB = 2, AT = 4, AH = 4, AKV = 2, AD = 4 };
static float *aQ, *aK, *aV, *aR, *aY, *aAtt;
static double att_obj(void *c)
{
    (void)c;
    gt_attention_forward(aY, aAtt, aQ, aK, aV, AB, AT, AH, AKV, AD);
    return dot(aY, aR, AB * AT * AH * AD);
}
static void test_attention(void)
{
    size_t nq = AB * AT * AH * AD, nk = AB * AT * AKV * AD;
    aQ = rnd(nq, 1.5f); aK = rnd(nk, 1.5f); aV = rnd(nk, 1); aR = rnd(nq, 1); aY = zeros(nq);
    aAtt = zeros(AB * AH * AT * AT);
    float *dQ = zeros(nq), *dK = zeros(nk), *dV = zeros(nk);
    att_obj(NULL);
    gt_attention_backward(dQ, dK, dV, aR, aAtt, aQ, aK, aV, AB, AT, AH, AKV, AD);
    report("attention dq", fdcheck(att_obj, NULL, aQ, dQ, nq, 1e-2f));
    report("attention dk (GQA sum)", fdcheck(att_obj, NULL, aK, dK, nk, 1e-2f));
    report("attention dv (GQA sum)", fdcheck(att_obj, NULL, aV, dV, nk, 1e-2f));
    free(aQ); free(aK); free(aV); free(aR); free(aY); free(aAtt); free(dQ); free(dK); free(dV);
}

/* ---- swiglu ---- */
enum { SN = 12 };
static float *sG, *sU, *sR, *sY;
static double swi_obj(void *c)
{
    (void)c;
    gt_swiglu_forward(sY, sG, sU, SN);
    return dot(sY, sR, SN);
}
static void test_swiglu(void)
{
    sG = rnd(SN, 3); sU = rnd(SN, 1); sR = rnd(SN, 1); sY = zeros(SN);
    float *dG = zeros(SN), *dU = zeros(SN);
    gt_swiglu_backward(dG, dU, sR, sG, sU, SN);
    report("swiglu dgate", fdcheck(swi_obj, NULL, sG, dG, SN, 1e-2f));
    report("swiglu dup", fdcheck(swi_obj, NULL, sU, dU, SN, 1e-2f));
    free(sG); free(sU); free(sR); free(sY); free(dG); free(dU);
}

/* ---- matmul ---- */
enum { MN = 3, MO = 5, MI = 7 };
static float *mX, *mW, *mR, *mY;
static double mm_obj(void *c)
{
    (void)c;
    gt_matmul_forward(mY, mX, mW, GT_DT_F32, MN, MO, MI);
    return dot(mY, mR, MN * MO);
}
static void test_matmul(void)
{
    mX = rnd(MN * MI, 1); mW = rnd(MO * MI, 1); mR = rnd(MN * MO, 1); mY = zeros(MN * MO);
    float *dX = zeros(MN * MI), *dW = zeros(MO * MI);
    gt_matmul_backward(dX, dW, mR, mX, mW, GT_DT_F32, MN, MO, MI);
    report("matmul dx", fdcheck(mm_obj, NULL, mX, dX, MN * MI, 1e-2f));
    report("matmul dw", fdcheck(mm_obj, NULL, mW, dW, MO * MI, 1e-2f));
    /* a BF16 weight: dx only, equal to the F32 product with the widened weight */
    uint16_t wb[MO * MI];
    float wf[MO * MI], *dXb = zeros(MN * MI), *dXf = zeros(MN * MI);
    for (int i = 0; i < MO * MI; i++) { wb[i] = gt_f32_to_bf16(mW[i]); wf[i] = gt_bf16_to_f32(wb[i]); }
    gt_matmul_backward(dXb, NULL, mR, mX, wb, GT_DT_BF16, MN, MO, MI);
    gt_matmul_backward(dXf, NULL, mR, mX, wf, GT_DT_F32, MN, MO, MI);
    CHECK(memcmp(dXb, dXf, sizeof(float) * MN * MI) == 0, "matmul dx with a BF16 weight");
    free(mX); free(mW); free(mR); free(mY); free(dX); free(dW); free(dXb); free(dXf);
}

/* ---- LM head + cross-entropy over masked rows ---- */
enum { CN = 5, CD = 4, CV = 7 };
static float *cH, *cW, cLog[2 * CV];
static int32_t ctgt[CN] = { 3, -1, 6, 0, -1 };
static double ce_obj(void *c)
{
    (void)c;
    return gt_lmhead_ce(NULL, NULL, cH, cW, GT_DT_F32, ctgt, CN, CD, CV, 1, cLog, 2);
}
static void test_ce(void)
{
    cH = rnd(CN * CD, 1); cW = rnd(CV * CD, 2);
    float *dH = zeros(CN * CD), *dW = zeros(CV * CD);
    gt_lmhead_ce(dH, dW, cH, cW, GT_DT_F32, ctgt, CN, CD, CV, 1, cLog, 2);
    report("lm head + cross-entropy dh", fdcheck(ce_obj, NULL, cH, dH, CN * CD, 1e-2f));
    report("lm head + cross-entropy dW", fdcheck(ce_obj, NULL, cW, dW, CV * CD, 1e-2f));
    int zero = 1;
    for (int e = 0; e < CD; e++) zero &= dH[1 * CD + e] == 0 && dH[4 * CD + e] == 0;
    CHECK(zero, "rows without a label get no gradient");
    free(cH); free(cW); free(dH); free(dW);
}

/* ---- LoRA branch ---- */
enum { LN = 3, LO = 5, LI = 6, LR = 2 };
static float *lX, *lA, *lB, *lR, *lY, lU[LN * LR];
static double lora_obj(void *c)
{
    (void)c;
    memset(lY, 0, sizeof(float) * LN * LO);
    gt_lora_forward(lY, lU, lX, lA, lB, 2.0f, LN, LO, LI, LR);
    return dot(lY, lR, LN * LO);
}
static void test_lora(void)
{
    lX = rnd(LN * LI, 1); lA = rnd(LR * LI, 1); lB = rnd(LO * LR, 1); lR = rnd(LN * LO, 1); lY = zeros(LN * LO);
    float *dX = zeros(LN * LI), *dA = zeros(LR * LI), *dB = zeros(LO * LR), du[LN * LR];
    lora_obj(NULL);
    gt_lora_backward(dX, dA, dB, lR, lX, lU, lA, lB, 2.0f, LN, LO, LI, LR, du);
    report("lora dx", fdcheck(lora_obj, NULL, lX, dX, LN * LI, 1e-2f));
    report("lora dA", fdcheck(lora_obj, NULL, lA, dA, LR * LI, 1e-2f));
    report("lora dB", fdcheck(lora_obj, NULL, lB, dB, LO * LR, 1e-2f));
    free(lX); free(lA); free(lB); free(lR); free(lY); free(dX); free(dA); free(dB);
}

/* ---- the whole model ---- */
typedef struct {
    gt_train *t;
    int32_t tok[16];
    uint8_t mask[16];
    uint64_t seed;
} model_ctx;

static double model_obj(void *c)
{
    model_ctx *m = c;
    double loss;
    gt_train_step(m->t, m->tok, m->mask, 2, 8, 0, m->seed, 1.0f, &loss);
    return loss;
}

static void test_model(int full)
{
    gt_model m;
    char err[256];
    if (gt_model_load(&m, "tests/data/train-gqa", err, sizeof err) != 0) {
        printf("# %s\n", err);
        CHECK(0, "load tests/data/train-gqa");
        return;
    }
    gt_train_opts o = { .full = full, .seed = 7 };
    gt_lora_cfg_default(&o.lora);
    o.lora.r = 3;
    o.lora.targets = 127;
    o.lora.alpha = 6;
    o.lora.dropout = 0.3f;
    gt_train t;
    CHECK(gt_train_init(&t, &m, &o, 2, 8, err, sizeof err) == 0, "train init");
    model_ctx mc = { .t = &t, .tok = { 1, 5, 9, 33, 2, 60, 12, 4, 1, 40, 40, 7, 3, 2, 0, 0 },
                     .mask = { 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0 }, .seed = full ? 0 : 99 };
    if (!full)   /* B starts at zero (PEFT): make it non-zero so that A has a gradient */
        for (int i = 0; i < t.ntp; i++)
            if (strstr(t.tp[i].name, "lora_B"))
                for (size_t j = 0; j < t.tp[i].numel; j++) t.params[t.tp[i].off + j] = frand() * 0.1f;
    double loss;
    gt_train_zero_grad(&t);
    gt_train_step(&t, mc.tok, mc.mask, 2, 8, 1, mc.seed, 1.0f, &loss);
    /* 6 sampled elements of every tensor */
    double e = 0;
    for (int i = 0; i < t.ntp; i++) {
        float an[6];
        float *p[6];
        for (int s = 0; s < 6; s++) {
            size_t j = t.tp[i].off + (size_t)((frand() + 1) / 2 * (float)t.tp[i].numel) % t.tp[i].numel;
            p[s] = t.params + j;
            an[s] = t.grads[j];
        }
        /* elements checked one at a time (fdcheck wants contiguous ones) */
        double md = 0, ma = 0;
        for (int s = 0; s < 6; s++) {
            /* Richardson: (4 D(h/2) - D(h)) / 3 cancels the h^2 error term */
            double dd[2];
            for (int k = 0; k < 2; k++) {
                float old = *p[s], h = k ? 5e-3f : 1e-2f, up = old + h, dn = old - h;
                *p[s] = up;
                double a = model_obj(&mc);
                *p[s] = dn;
                double b = model_obj(&mc);
                *p[s] = old;
                dd[k] = (a - b) / ((double)up - dn);
            }
            double g = (4 * dd[1] - dd[0]) / 3;
            md = fmax(md, fabs(g - an[s]));
            ma = fmax(ma, fabs(an[s]));
        }
        /* relative to the largest gradient of the tensor */
        double gmax = 0;
        for (size_t j = 0; j < t.tp[i].numel; j++) gmax = fmax(gmax, fabs(t.grads[t.tp[i].off + j]));
        (void)ma;
        if (gmax > 0 && md / gmax > e) e = md / gmax;
    }
    if (!full) {
        double l0 = 0, l1 = model_obj(&mc);
        mc.seed = 0;
        l0 = model_obj(&mc);
        mc.seed = 99;
        printf("# loss with dropout %.6f, without %.6f\n", l1, l0);
        CHECK(fabs(l1 - l0) > 1e-4, "LoRA dropout changes the loss");
    }
    report(full ? "whole model loss, full (all tensors)" : "whole model loss, LoRA + dropout", e);
    gt_train_free(&t);
    gt_model_free(&m);
}

int main(void)
{
    test_embedding();
    test_rmsnorm();
    test_rope();
    test_attention();
    test_swiglu();
    test_matmul();
    test_ce();
    test_lora();
    test_model(1);
    test_model(0);
    printf("# worst: %.3g (tolerance %g)\n", worst, TOL);
    T_END();
}
