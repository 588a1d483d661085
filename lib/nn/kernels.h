/* kernels.h - the compute kernels of the forward pass: matrix products with
 * F32, F16 or BF16 weights (16-bit weights are widened inside the kernel, never
 * stored as F32), RMSNorm, RoPE, softmax, SwiGLU: the one home of each for
 * inference and training. The matmul has AVX-512 and
 * AVX2+FMA paths picked at run time and a portable one; OpenMP splits the
 * output rows over threads. */
#ifndef GT_KERNELS_H
#define GT_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "nn/dtype.h"

#include "nn/kpath.h"

/* out[i][j] = sum_t x[i][t] * W[j][t]  for i < n, j < d, t < k:
 * X is n x k floats (row stride k), W is d x k of type WT (row-major, like a
 * PyTorch Linear weight), OUT n x d floats (row stride LDO >= d). */
void gt_matmul(float *out, size_t ldo, const float *x, const void *w, gt_dtype wt,
               int n, int d, int k);
void gt_matmul_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *w,
                    gt_dtype wt, int n, int d, int k);

/* out[i][j] = (ACC ? out[i][j] : 0) + sum_t x[i][t] * B[t][j]  for i < n,
 * j < d, t < k: B is k x d of type BT (F32, F16, BF16; row-major, row stride
 * d), X n x k floats. The input gradient through a frozen weight W [O][I]
 * (dX = dY W) reads W as it is stored. On AVX-512 (gt_matmul_kd_direct) the
 * products run on gt_matmul's packed kernel, B's panels taken straight from
 * its rows; elsewhere B is transposed into a scratch copy first. */
void gt_matmul_kd(float *out, size_t ldo, const float *x, const void *b, gt_dtype bt, int n, int d, int k, int acc);
void gt_matmul_kd_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *b, gt_dtype bt, int n,
                       int d, int k, int acc);
int gt_matmul_kd_direct(gt_kpath path, gt_dtype bt);

/* out[i][j] = sum_t a[i][t] * b[t][j]  for i < n, j < d, t < k: F32 matrices
 * with row strides LDA, LDB and LDO, B row-major k x d (so the attention's
 * scores are Q times the transposed key cache and its output the scores times
 * the value cache). One thread: for callers that split the work themselves. */
void gt_matmul_nn(float *out, size_t ldo, const float *a, size_t lda, const float *b, size_t ldb,
                  int n, int d, int k);
void gt_matmul_nn_path(gt_kpath path, float *out, size_t ldo, const float *a, size_t lda,
                       const float *b, size_t ldb, int n, int d, int k);

/* 8-bit weights (title-gen --load-8bit, quant.c): symmetric int8 in blocks of
 * GT_Q8_BLOCK consecutive values of a row, each block with its own F32 scale:
 * w[r][c] = q[r][c] * s[r][c / GT_Q8_BLOCK]. For gt_matmul and gt_row_to_f32,
 * a weight of type GT_DT_Q8 is a pointer to a gt_q8mat (cols must equal K). */
#define GT_Q8_BLOCK 32
typedef struct {
    int8_t *q;              /* [rows][cols] */
    float *s;               /* [rows][nblk] */
    int rows, cols, nblk;   /* nblk = ceil(cols / GT_Q8_BLOCK) */
} gt_q8mat;

/* Row R of a [rows][cols] matrix of type T into OUT (cols floats). */
void gt_row_to_f32(float *out, const void *w, gt_dtype t, size_t r, int cols);

/* out[i] = x[i] / sqrt(mean(x^2) + eps) * w[i]  (like LlamaRMSNorm); returns
 * 1 / sqrt(mean(x^2) + eps), which training keeps for the backward. */
float gt_rmsnorm(float *out, const float *x, const float *w, int n, float eps);

/* RoPE, rotate_half form: within a head of HD values, element j pairs with
 * j + hd/2. The table of N positions from POS: rope[i][0..hd/2) the cosines,
 * rope[i][hd/2..hd) the sines of (pos + i) * inv_freq[j]. */
void gt_rope_table(float *rope, const double *inv_freq, int pos, int n, int hd);
/* Rotate the NH heads of one row V in place by the angles of table row R;
 * SIGN -1 rotates back (the transpose: training's backward). Inline: inference
 * and training call it per row with a constant SIGN. */
static inline void gt_rope_rotate(float *v, int nh, int hd, const float *r, float sign)
{
    int half = hd / 2;
    const float *cs = r, *sn = r + half;
    for (int h = 0; h < nh; h++) {
        float *a = v + (size_t)h * hd, *b = a + half;
        for (int j = 0; j < half; j++) {
            float x0 = a[j], x1 = b[j], s = sign * sn[j];
            a[j] = x0 * cs[j] - x1 * s;
            b[j] = x1 * cs[j] + x0 * s;
        }
    }
}
/* In-place softmax of x[0..n). The vector paths use their own exp (within
 * 2 ulp of expf). */
void gt_softmax(float *x, int n);
void gt_softmax_path(gt_kpath path, float *x, int n);
/* x[i] = exp(x[i] - m) in place (the vector paths' exp); returns their sum. */
float gt_exp_shift(float *x, int n, float m);
/* gate[i] = silu(gate[i]) * up[i] */
void gt_swiglu(float *gate, const float *up, int n);
void gt_swiglu_path(gt_kpath path, float *gate, const float *up, int n);

#endif
