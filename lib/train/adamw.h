/* adamw.h - the AdamW optimizer exactly as torch.optim.AdamW (decoupled weight
 * decay, bias correction, F32 state), the learning-rate schedules of
 * transformers (get_linear_schedule_with_warmup,
 * get_cosine_schedule_with_warmup) and global-norm gradient clipping as
 * torch.nn.utils.clip_grad_norm_. */
#ifndef GT_ADAMW_H
#define GT_ADAMW_H

#include <stddef.h>

typedef struct {
    float beta1, beta2, eps;    /* 0.9, 0.999, 1e-8 in torch */
    size_t n;                   /* parameters */
    float *m, *v;               /* exp_avg, exp_avg_sq (one allocation) */
    long step;                  /* steps taken (torch's state["step"]) */
} gt_adamw;

/* State for N parameters, zeroed. 0 ok; -1 when out of memory. */
int gt_adamw_init(gt_adamw *a, size_t n, float beta1, float beta2, float eps);
void gt_adamw_free(gt_adamw *a);

/* Start a step: step += 1. Then update the parameters with one or more calls
 * to gt_adamw_update over disjoint ranges (each its own weight decay). */
void gt_adamw_begin(gt_adamw *a);
/* P[0..n) with gradients G, state at OFF (P and G are the parameters' range,
 * OFF its position in the state):
 *   p *= 1 - lr wd;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps) */
void gt_adamw_update(gt_adamw *a, float *p, const float *g, size_t off, size_t n, float lr, float wd);

/* The learning-rate factor of optimizer step STEP (0-based, the number of
 * scheduler steps done before it) of TOTAL, after WARMUP warmup steps:
 * step / max(1, warmup) during the warmup, then linear decay to 0 at TOTAL,
 * or cosine: 0.5 (1 + cos(pi progress)). */
typedef enum { GT_SCHED_CONSTANT, GT_SCHED_LINEAR, GT_SCHED_COSINE } gt_sched;
double gt_lr_factor(gt_sched s, long step, long warmup, long total);

/* Scale G[0..n) so that its L2 norm is at most MAX_NORM (factor
 * max_norm / (norm + 1e-6), when below 1). Returns the norm before. */
double gt_clip_grad_norm(float *g, size_t n, double max_norm);
/* Its two halves, for a norm over parts held apart (the parts' sums summed):
 * the sum of the squares of G[0..n), in double; G scaled for NORM as above. */
double gt_grad_sumsq(const float *g, size_t n);
void gt_grad_clip(float *g, size_t n, double norm, double max_norm);

#endif
