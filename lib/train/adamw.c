/* adamw.c - AdamW, LR schedules, gradient clipping (see adamw.h).
 *
 * The update follows torch.optim.AdamW's single-tensor path (torch 1.13 to
 * 2.x, foreach=False) operation by operation, in F32 with the scalar
 * factors computed in double as Python floats are. */
#include "train/adamw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int gt_adamw_init(gt_adamw *a, size_t n, float beta1, float beta2, float eps)
{
    memset(a, 0, sizeof *a);
    a->beta1 = beta1;
    a->beta2 = beta2;
    a->eps = eps;
    a->n = n;
    a->m = calloc(2 * (n ? n : 1), sizeof(float));
    if (!a->m) return -1;
    a->v = a->m + n;
    return 0;
}

void gt_adamw_free(gt_adamw *a)
{
    free(a->m);
    memset(a, 0, sizeof *a);
}

void gt_adamw_begin(gt_adamw *a)
{
    a->step++;
}

void gt_adamw_update(gt_adamw *a, float *p, const float *g, size_t off, size_t n, float lr, float wd)
{
    double b1 = a->beta1, b2 = a->beta2;
    double bc1 = 1 - pow(b1, (double)a->step), bc2 = 1 - pow(b2, (double)a->step);
    float step_size = (float)(lr / bc1);
    float bc2_sqrt = (float)sqrt(bc2);
    float decay = (float)(1.0 - (double)lr * wd);
    float ob1 = (float)(1 - b1), ob2 = (float)(1 - b2), fb1 = a->beta1, fb2 = a->beta2, eps = a->eps;
    float *m = a->m + off, *v = a->v + off;
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t i = 0; i < n; i++) {
        if (wd != 0) p[i] *= decay;
        m[i] = m[i] * fb1 + g[i] * ob1;
        v[i] = v[i] * fb2 + g[i] * g[i] * ob2;
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        p[i] += -step_size * (m[i] / denom);
    }
}

double gt_lr_factor(gt_sched s, long step, long warmup, long total)
{
    if (s == GT_SCHED_CONSTANT) return step < warmup ? (double)step / (double)(warmup > 1 ? warmup : 1) : 1.0;
    if (step < warmup) return (double)step / (double)(warmup > 1 ? warmup : 1);
    long span = total - warmup > 1 ? total - warmup : 1;
    if (s == GT_SCHED_LINEAR) {
        double f = (double)(total - step) / (double)span;
        return f > 0 ? f : 0;
    }
    double progress = (double)(step - warmup) / (double)span;
    double f = 0.5 * (1.0 + cos(M_PI * 0.5 * 2.0 * progress));
    return f > 0 ? f : 0;
}

double gt_grad_sumsq(const float *g, size_t n)
{
    double ss = 0;
#pragma omp parallel for schedule(static) reduction(+ : ss) if (n > 100000)
    for (size_t i = 0; i < n; i++) ss += (double)g[i] * g[i];
    return ss;
}

void gt_grad_clip(float *g, size_t n, double norm, double max_norm)
{
    double coef = max_norm / (norm + 1e-6);
    if (!(coef < 1)) return;
    float c = (float)coef;
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t i = 0; i < n; i++) g[i] *= c;
}

double gt_clip_grad_norm(float *g, size_t n, double max_norm)
{
    double norm = sqrt(gt_grad_sumsq(g, n));
    gt_grad_clip(g, n, norm, max_norm);
    return norm;
}
