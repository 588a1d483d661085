/* train.h - training a LLaMA model (lib/nn/model.h) in F32: a forward pass over a
 * batch that keeps the activations, and the backward pass, llm.c style: one
 * allocation for the trained parameters, one for their gradients, one for the
 * activations.
 *
 * Two modes:
 *   full  every weight is trained: F32 master copies of all of them (the model
 *         file may be F32, F16 or BF16).
 *   LoRA  the base weights stay frozen in the model's mapping (used through
 *         gt_matmul whatever their type); each targeted linear layer gets
 *         y = W x + (alpha / r) * B (A (dropout(x))), A [r][in], B [out][r],
 *         initialised like PEFT (A kaiming-uniform with a = sqrt(5), that is
 *         U(-1/sqrt(in), 1/sqrt(in)); B zeros). Only A and B get gradients.
 *
 * The loss is Hugging Face's causal-LM cross-entropy with labels = -100 outside
 * the response: row t of a sequence predicts token t + 1, and counts when
 * mask[t + 1] is set; loss = mean over the counted rows of the whole batch.
 * The LM head is computed only for counted rows, in chunks.
 *
 * The layer functions (forward and paired backward) are exported for the
 * finite-difference tests. Backward functions ADD into their gradient outputs
 * (dx, dw); pass NULL for a gradient that is not wanted. Row-major throughout;
 * a "row" is one token of the batch (n = b * T + t). */
#ifndef GT_TRAIN_H
#define GT_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "nn/lora.h"
#include "nn/model.h"
#include "train/adamw.h"

/* One trained or frozen linear layer of the training model. */
typedef struct {
    int out, in;
    const void *w;      /* the weight used: F32 master copy, or the mapped base */
    gt_dtype wt;
    float *g;           /* its gradient (full mode) or NULL */
    float *A, *B;       /* LoRA adapter or NULL */
    float *gA, *gB;
} gt_tlin;

typedef struct {
    gt_tlin lin[GT_PROJ_N];     /* the projections (nn/model.h) */
    float *attn_norm, *ffn_norm;        /* F32: master copies or the model's */
    float *g_attn_norm, *g_ffn_norm;    /* NULL when frozen */
} gt_tlayer;

/* A named tensor of the trained set, in the flat parameter array. */
typedef struct {
    char name[96];      /* HF or PEFT name, e.g. "model.layers.0.self_attn.q_proj.weight",
                           "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight" */
    size_t off, numel;  /* position in params / grads */
    int rows, cols;     /* cols 0 for a vector */
    int decay;          /* 0 for RMSNorm weights (as HF Trainer), else 1 */
} gt_tparam;

typedef struct {
    const gt_model *m;
    gt_config c;
    int full;                   /* 1: every weight trained; 0: LoRA */
    gt_lora_cfg lora;
    float lora_scale;           /* alpha / r */
    int maxB, maxT;             /* capacity of the activation buffers */

    float *params, *grads;      /* the trained parameters and gradients, n_params floats each */
    size_t n_params;
    gt_tparam *tp;              /* the named tensors in them */
    int ntp;

    const void *embed; gt_dtype embed_t; float *g_embed;
    const void *head; gt_dtype head_t; float *g_head;  /* the LM head (= embed when tied) */
    float *norm, *g_norm;
    gt_tlayer *L;

    float *acts;                /* the activations, n_acts floats */
    size_t n_acts;
    float *scratch;             /* backward scratch, n_scratch floats (not in acts) */
    size_t n_scratch;

    /* set by the last forward */
    int B, T;
    int n_count;                /* counted label rows */
    uint64_t dropout_seed;      /* seed of the last forward's dropout masks */
    int training;               /* the last forward used dropout */
    struct gt_train_priv *priv; /* activation views, scratch views, workspaces */
    char err[160];
} gt_train;

typedef struct {
    int full;                   /* train every weight (else LoRA) */
    gt_lora_cfg lora;           /* LoRA settings (ignored when full) */
    uint64_t seed;              /* LoRA A initialisation */
} gt_train_opts;

/* Set up training of model M for batches of at most MAXB sequences of MAXT
 * tokens. 0 ok; -1 with a message in ERR (out of memory, bad LoRA settings). */
int gt_train_init(gt_train *t, const gt_model *m, const gt_train_opts *o, int maxB, int maxT, char *err,
                  size_t errsz);
void gt_train_free(gt_train *t);


/* Forward pass over TOKENS [B][T] with label MASK [B][T] (mask[b][t] != 0:
 * token t is a label, predicted from row t - 1; mask[b][0] is ignored). When
 * GRAD, the gradients of the loss are ADDED to t->grads (zero them first with
 * gt_train_zero_grad; calls in between accumulate, for gradient accumulation
 * divide the loss yourself: see SCALE). DROPOUT_SEED != 0 enables the LoRA
 * dropout with masks drawn from it (0: no dropout, as in evaluation).
 * SCALE multiplies the loss's gradient (1 normally). *LOSS gets the mean
 * cross-entropy over the counted rows (0 when none). Returns the number of
 * counted rows, or -1 with the reason in t->err (bad sizes or token ids). */
int gt_train_step(gt_train *t, const int32_t *tokens, const uint8_t *mask, int B, int T, int grad,
                  uint64_t dropout_seed, float scale, double *loss);
void gt_train_zero_grad(gt_train *t);

/* One AdamW step over every trained tensor (state of t->n_params floats, in
 * the same order): weight decay WD on matrices, none on RMSNorm weights. */
void gt_train_adamw_step(gt_train *t, gt_adamw *a, float lr, float wd);

/* ---------------------------------------------------------------- layers */

/* out[n] = embed row tok[n];  dembed[tok[n]] += dout[n] */
void gt_embedding_forward(float *out, const void *embed, gt_dtype et, const int32_t *tok, int N, int D);
void gt_embedding_backward(float *dembed, const float *dout, const int32_t *tok, int N, int D);

/* out = x * rstd * w,  rstd[n] = 1 / sqrt(mean(x[n]^2) + eps) (stored for the
 * backward): kernels.h's gt_rmsnorm per row */
void gt_rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int D, float eps);
void gt_rmsnorm_backward(float *dx, float *dw, const float *dout, const float *x, const float *w,
                         const float *rstd, int N, int D);

/* Rotate (rotate_half form, kernels.h's gt_rope_rotate; the table from
 * gt_rope_table for positions 0..T-1) NH heads of each of the N = B*T rows of X in place;
 * row n has position n % T. The backward rotates DX back in place. */
void gt_rope_forward(float *x, const float *rope, int N, int T, int nh, int hd);
void gt_rope_backward(float *dx, const float *rope, int N, int T, int nh, int hd);

/* Causal attention with GQA over B sequences of T tokens: q [B*T][H*hd],
 * k, v [B*T][KV*hd], out [B*T][H*hd]; ATT [B][H][T][T] gets the softmax
 * probabilities (for the backward). The backward adds into dq, dk, dv (the
 * gradients of the query heads sharing a kv head summed into it). */
void gt_attention_forward(float *out, float *att, const float *q, const float *k, const float *v, int B, int T,
                          int H, int KV, int hd);
void gt_attention_backward(float *dq, float *dk, float *dv, const float *dout, const float *att, const float *q,
                           const float *k, const float *v, int B, int T, int H, int KV, int hd);

/* out = silu(g) * u over n values */
void gt_swiglu_forward(float *out, const float *g, const float *u, size_t n);
void gt_swiglu_backward(float *dg, float *du, const float *dout, const float *g, const float *u, size_t n);

/* y [N][O] = x [N][I] W^T (W [O][I] of type WT); backward: dx += dy W,
 * dw += dy^T x (dw only for an F32 W, any of dx, dw may be NULL). */
void gt_matmul_forward(float *y, const float *x, const void *w, gt_dtype wt, int N, int O, int I);
void gt_matmul_backward(float *dx, float *dw, const float *dy, const float *x, const void *w, gt_dtype wt, int N,
                        int O, int I);

/* LM head and cross-entropy over the rows with target[n] >= 0: logits =
 * h W^T (W [V][D]); returns the sum over counted rows of -log softmax[target]
 * (in double). When DH or DW is not NULL, adds GSCALE * d(sum)/dh and /dW
 * (GSCALE = 1 / count for the mean). LOGITS is scratch [CHUNK][V]. */
double gt_lmhead_ce(float *dh, float *dw, const float *h, const void *w, gt_dtype wt, const int32_t *target, int N,
                    int D, int V, float gscale, float *logits, int chunk);

/* LoRA branch: y += scale * (xd A^T) B^T, xd = x (dropout off) or the
 * dropped x, U [N][r] gets xd A^T (kept for the backward). TMP [N][O] scratch.
 * The backward: dA += (scale * dy B)^T xd, dB += scale * dy^T U,
 * dx += (scale * dy B) A masked like the dropout. */
void gt_lora_forward(float *y, float *u, const float *xd, const float *A, const float *B, float scale, int N, int O,
                     int I, int r, float *tmp);
void gt_lora_backward(float *dxd, float *dA, float *dB, const float *dy, const float *xd, const float *u,
                      const float *A, const float *B, float scale, int N, int O, int I, int r, float *du);

#endif
