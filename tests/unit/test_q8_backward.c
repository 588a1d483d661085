/* test_q8_backward.c - the backward through 8-bit frozen weights (lora-train
 * --load-8bit): dx = dy W and the LM head's dh computed from a gt_q8mat in
 * tiles must equal the same products over the dequantised F32 matrix. */
#include "nn/kernels.h"
#include "nn/quant.h"
#include "train/train.h"
#include "core/util.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>

static float rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((double)(*s >> 11) * 0x1p-53 * 2.0 - 1.0);
}

static double maxrel(const float *a, const float *b, size_t n)
{
    double m = 0, s = 0;
    for (size_t i = 0; i < n; i++) s = fmax(s, fabs((double)b[i]));
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs((double)a[i] - (double)b[i]));
    return s > 0 ? m / s : m;
}

int main(void)
{
    uint64_t st = 7;
    /* I = 2000 with O = 600: more than one tile of columns, a partial block */
    int N = 3, O = 600, I = 2000;
    float *w = gt_xmalloc(sizeof(float) * (size_t)O * I), *deq = gt_xmalloc(sizeof(float) * (size_t)O * I);
    for (size_t i = 0; i < (size_t)O * I; i++) w[i] = rnd(&st) * 0.1f;
    gt_q8mat q;
    gt_q8_quantize(&q, w, GT_DT_F32, O, I);
    for (int r = 0; r < O; r++) gt_row_to_f32(deq + (size_t)r * I, &q, GT_DT_Q8, (size_t)r, I);
    float *dy = gt_xmalloc(sizeof(float) * (size_t)N * O), *x = gt_xmalloc(sizeof(float) * (size_t)N * I);
    for (int i = 0; i < N * O; i++) dy[i] = rnd(&st);
    for (int i = 0; i < N * I; i++) x[i] = rnd(&st);
    float *dx8 = gt_xcalloc((size_t)N * I, sizeof(float)), *dx32 = gt_xcalloc((size_t)N * I, sizeof(float));
    for (int i = 0; i < N * I; i++) dx8[i] = dx32[i] = 0.5f;     /* the backward adds */
    gt_matmul_backward(dx8, NULL, dy, x, &q, GT_DT_Q8, N, O, I);
    gt_matmul_backward(dx32, NULL, dy, x, deq, GT_DT_F32, N, O, I);
    double e = maxrel(dx8, dx32, (size_t)N * I);
    printf("# dx: max relative difference %.3g\n", e);
    CHECK(e < 1e-5, "dx = dy W through an 8-bit W equals the dequantised F32 product");

    /* LM head: V = O rows of D = I; targets on two of three rows */
    int32_t tg[3] = { 5, -1, 599 };
    float *dh8 = gt_xcalloc((size_t)N * I, sizeof(float)), *dh32 = gt_xcalloc((size_t)N * I, sizeof(float));
    float *lg = gt_xmalloc(sizeof(float) * 2 * (size_t)O);
    double l8 = gt_lmhead_ce(dh8, NULL, x, &q, GT_DT_Q8, tg, N, I, O, 0.5f, lg, 2);
    double l32 = gt_lmhead_ce(dh32, NULL, x, deq, GT_DT_F32, tg, N, I, O, 0.5f, lg, 2);
    e = maxrel(dh8, dh32, (size_t)N * I);
    printf("# lm head: loss %.6f vs %.6f, dh max relative difference %.3g\n", l8, l32, e);
    CHECK(fabs(l8 - l32) < 1e-4 * fabs(l32), "LM head loss through an 8-bit W");
    CHECK(e < 1e-5, "LM head dh through an 8-bit W");
    gt_q8_free(&q);
    free(w); free(deq); free(dy); free(x); free(dx8); free(dx32); free(dh8); free(dh32); free(lg);
    T_END();
}
