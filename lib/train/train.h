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
 * The layers (forward and paired backward) are in layers.h. Row-major
 * throughout; a "row" is one token of the batch (n = b * T + t). */
#ifndef GT_TRAIN_H
#define GT_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "nn/lora.h"
#include "nn/model.h"
#include "train/adamw.h"
#include "train/layers.h"

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
    int exact;                  /* as gt_train_opts */
    int checkpoint;             /* as gt_train_opts */
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
    int exact;                  /* weights frozen in GGUF blocks: every product with them
                                   through F32 tiles of the dequantized weights (as PyTorch
                                   on them; slower), instead of the 8-bit kernels (the
                                   activations, and for dX = dY W the gradients and W^T,
                                   rounded to 8-bit blocks: nn/qmatmul.h) */
    int checkpoint;             /* gradient checkpointing: keep only each layer's input
                                   (the residual stream), recompute the layer's other
                                   activations in the backward (one more forward; the
                                   same numbers, bit for bit) */
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
/* The update of that step (after gt_adamw_begin) for the parameters at
 * positions LO..HI of the flat array only, the rest untouched: one process's
 * share when the processes of a data-parallel run split the step. */
void gt_train_adamw_range(gt_train *t, gt_adamw *a, float lr, float wd, size_t lo, size_t hi);

#endif
