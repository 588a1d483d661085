/* layers.h - the layers of LLaMA training, each a forward pass and its paired
 * backward (llm.c's train_gpt2.c style), in F32 over a batch of rows: a "row"
 * is one token (n = b * T + t), row-major throughout. Backward functions ADD
 * into their gradient outputs (dx, dw); pass NULL for a gradient that is not
 * wanted. The training model (train.h) chains them; the finite-difference
 * tests check each against its forward. */
#ifndef GT_LAYERS_H
#define GT_LAYERS_H

#include <stddef.h>
#include <stdint.h>
#include "nn/dtype.h"

/* out[n] = embed row tok[n];  dembed[tok[n]] += dout[n] */
void gt_embedding_forward(float *out, const void *embed, gt_dtype et, const int32_t *tok, int N, int D);
void gt_embedding_backward(float *dembed, const float *dout, const int32_t *tok, int N, int D);

/* out = x * rstd * w,  rstd[n] = 1 / sqrt(mean(x[n]^2) + eps) (stored for the
 * backward): kernels.h's gt_rmsnorm per row */
void gt_rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int D, float eps);
void gt_rmsnorm_backward(float *dx, float *dw, const float *dout, const float *x, const float *w,
                         const float *rstd, int N, int D);

/* Rotate NH heads of each of the N = B*T rows of X in place (rotate_half form,
 * kernels.h's gt_rope_rotate), row n by position n % T of ROPE (kernels.h's
 * gt_rope_table from position 0). The backward rotates DX back in place. */
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
 * dropped x, U [N][r] gets xd A^T (kept for the backward).
 * The backward: dA += (scale * dy B)^T xd, dB += scale * dy^T U,
 * dx += (scale * dy B) A masked like the dropout. */
void gt_lora_forward(float *y, float *u, const float *xd, const float *A, const float *B, float scale, int N, int O,
                     int I, int r);
void gt_lora_backward(float *dxd, float *dA, float *dB, const float *dy, const float *xd, const float *u,
                      const float *A, const float *B, float scale, int N, int O, int I, int r, float *du);

/* ---------------------------------------------------------------- workspace */

/* Scratch grown on demand and reused from call to call: the training model
 * keeps one; the functions above without _ws use a fresh one each call. */
typedef struct { float *p; size_t cap; } gt_wsbuf;
typedef struct {
    gt_wsbuf wt, tmp, a, b, part, cols;
    int widen;          /* products with GGUF block weights through F32 tiles of them (exact, slower) */
} gt_ws;
/* B's memory, at least N floats (its old contents are lost when it grows). */
float *gt_ws_get(gt_wsbuf *b, size_t n);
void gt_ws_free(gt_ws *w);

/* dst [cols][rows] = src [rows][cols]^T, SRC of type T widened to F32 (not Q8). */
void gt_transpose(float *dst, const void *src, gt_dtype t, int rows, int cols);

/* y [N][O] (row stride LDY) = x [N][I] W^T as gt_matmul, except that with
 * WS->widen a W in GGUF blocks (or panels) is widened to F32 in tiles of
 * rows (about 4 MiB) and multiplied in F32: the exact product with the
 * dequantized weights, where gt_matmul rounds X to 8 bits (nn/qmatmul.h). */
void gt_matmul_ws(gt_ws *ws, float *y, size_t ldy, const float *x, const void *w, gt_dtype wt, int N, int O, int I);

/* W^T for W [O][I] of type WT (any), quantized to Q8_0 along O: I rows of O
 * values (O a multiple of 32), repacked into panels when gt_qpack_wanted();
 * its type into *DT. For dX = dY W through the 8-bit kernels (gt_matmul(dX,
 * dY, W^T)) when W is frozen in GGUF blocks: 1.06 bytes a weight where an
 * F32 W^T takes 4, each product on integers as the forward's. The rounding
 * (|W^T - W| <= amax/254 per block of 32 of a column of W) adds to that of
 * dY's 8-bit blocks: see nn/qmatmul.h. NULL when O is not a multiple of 32. */
void *gt_transpose_q8_0(const void *w, gt_dtype wt, int O, int I, gt_dtype *dt);

/* As gt_matmul_backward, with WT the transposed weight W^T [I][O] made
 * beforehand for a frozen weight, of type WTT (F32, or gt_transpose_q8_0's),
 * or NULL: then W^T widened to F32 (8-bit and GGUF block weights in tiles). */
void gt_matmul_backward_ws(gt_ws *ws, float *dx, float *dw, const float *dy, const float *x, const void *w,
                           gt_dtype wt, int N, int O, int I, const void *wT, gt_dtype wTt);
/* As gt_lmhead_ce, with WT the head's transpose made beforehand (or NULL):
 * [D][V] of type WTT (F32, or gt_transpose_q8_0's). */
double gt_lmhead_ce_ws(gt_ws *ws, float *dh, float *dw, const float *h, const void *w, gt_dtype wt,
                       const int32_t *target, int N, int D, int V, float gscale, float *logits, int chunk,
                       const void *wT, gt_dtype wTt);
void gt_lora_backward_ws(gt_ws *ws, float *dxd, float *dA, float *dB, const float *dy, const float *xd,
                         const float *u, const float *A, const float *B, float scale, int N, int O, int I, int r,
                         float *du);

#endif
