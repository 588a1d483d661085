/* layers.c - the layers of LLaMA training, each a forward and its paired
 * backward (see layers.h), llm.c's train_gpt2.c style.
 *
 * The matrix products of the backward reuse gt_matmul (the forward's tiled AVX
 * kernels) on transposed operands:
 *   dX = dY W      = gt_matmul(dY, W^T)        (W^T widened to F32)
 *   dW = dY^T X    = gt_matmul(dY^T, X^T)
 * the transposes costing O(N (O + I) + O I) against the O(N O I) product.
 * RMSNorm, RoPE and SwiGLU's exp are kernels.h's, shared with inference.
 * Attention has its own loops here: the backward needs the attention
 * probabilities kept ([B][H][T][T]), which inference never stores, and it
 * uses libm's expf where inference uses the kernels' vector exp. */
#include "train/layers.h"
#include "nn/kernels.h"
#include "nn/ggml_types.h"
#include "nn/qmatmul.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- scratch */

float *gt_ws_get(gt_wsbuf *b, size_t n)
{
    if (n > b->cap) {
        free(b->p);
        b->p = gt_xmalloc(sizeof(float) * n);
        b->cap = n;
    }
    return b->p;
}

void gt_ws_free(gt_ws *w)
{
    free(w->wt.p); free(w->tmp.p); free(w->a.p); free(w->b.p); free(w->part.p); free(w->cols.p);
    memset(w, 0, sizeof *w);
}

/* dst [cols][rows] = src [rows][cols]^T, src of type T (widened), its rows LD
 * elements apart. Blocked. */
static void transpose_ld(float *dst, const void *src, gt_dtype t, int rows, int cols, size_t ld)
{
    const int BS = 32;
#pragma omp parallel for schedule(static) if ((long long)rows * cols > 100000)
    for (int r0 = 0; r0 < rows; r0 += BS) {
        float row[32 * 64];
        for (int c0 = 0; c0 < cols; c0 += 64) {
            int rn = rows - r0 < BS ? rows - r0 : BS, cn = cols - c0 < 64 ? cols - c0 : 64;
            for (int r = 0; r < rn; r++) {
                size_t base = (size_t)(r0 + r) * ld + (size_t)c0;
                if (t == GT_DT_F32) {
                    memcpy(row + r * 64, (const float *)src + base, sizeof(float) * (size_t)cn);
                } else {
                    const uint16_t *h = (const uint16_t *)src + base;
                    for (int c = 0; c < cn; c++)
                        row[r * 64 + c] = t == GT_DT_BF16 ? gt_bf16_to_f32(h[c]) : gt_f16_to_f32(h[c]);
                }
            }
            for (int c = 0; c < cn; c++)
                for (int r = 0; r < rn; r++) dst[(size_t)(c0 + c) * rows + r0 + r] = row[r * 64 + c];
        }
    }
}

void gt_transpose(float *dst, const void *src, gt_dtype t, int rows, int cols)
{
    transpose_ld(dst, src, t, rows, cols, (size_t)cols);
}

/* OUT [N][I] (row stride LDO) = DY [N][O] W for a frozen W [O][I] of any type
 * (8-bit, GGUF blocks or panels, F32/F16/BF16) without an F32 copy of the
 * whole of W: W's rows are widened (gt_row_to_f32) in tiles of OC rows, about
 * 4 MiB of floats, 16 rows at a time, and stored transposed, [I][OC], so that
 * gt_matmul's kernels run the product; the tiles' partial products are summed
 * into OUT (the first one stored). DY's columns of a tile are copied out when
 * W takes more than one tile. A 16-row group widens into ROWS, per thread. */
static void matmul_dy_w_tiled(float *out, size_t ldo, const float *dy, const void *w, gt_dtype wt, int N, int O,
                              int I, gt_ws *ws)
{
    int oc = (int)((1u << 20) / (unsigned)(I > 0 ? I : 1));
    oc = oc / 16 * 16;
    if (oc < 16) oc = 16;
    if (oc >= O) oc = O;
    float *wtile = gt_ws_get(&ws->wt, (size_t)oc * (size_t)I);
    float *part = oc < O ? gt_ws_get(&ws->part, (size_t)N * I) : NULL;
    float *dyc = oc < O ? gt_ws_get(&ws->cols, (size_t)N * oc) : NULL;
    for (int o0 = 0; o0 < O; o0 += oc) {
        int on = O - o0 < oc ? O - o0 : oc;
        int ng = (on + 15) / 16;
#pragma omp parallel if ((long long)on * I > 100000)
        {
            float *rows = gt_xmalloc(sizeof(float) * 16 * (size_t)I);
#pragma omp for schedule(static)
            for (int gi = 0; gi < ng; gi++) {
                int r0 = gi * 16, rn = on - r0 < 16 ? on - r0 : 16;
                for (int r = 0; r < rn; r++) gt_row_to_f32(rows + (size_t)r * I, w, wt, (size_t)(o0 + r0 + r), I);
                for (int i = 0; i < I; i++) {
                    float *d = wtile + (size_t)i * on + r0;
                    for (int r = 0; r < rn; r++) d[r] = rows[(size_t)r * I + i];
                }
            }
            free(rows);
        }
        const float *x = dy;
        if (dyc) {
            for (int n = 0; n < N; n++)
                memcpy(dyc + (size_t)n * on, dy + (size_t)n * O + o0, sizeof(float) * (size_t)on);
            x = dyc;
        }
        if (o0 == 0 || !part) {
            gt_matmul(out, ldo, x, wtile, GT_DT_F32, N, I, on);
        } else {
            gt_matmul(part, (size_t)I, x, wtile, GT_DT_F32, N, I, on);
#pragma omp parallel for schedule(static) if ((long long)N * I > 200000)
            for (int n = 0; n < N; n++) {
                float *d = out + (size_t)n * ldo;
                const float *p = part + (size_t)n * I;
                for (int i = 0; i < I; i++) d[i] += p[i];
            }
        }
    }
}

void gt_matmul_ws(gt_ws *ws, float *y, size_t ldy, const float *x, const void *w, gt_dtype wt, int N, int O, int I)
{
    if (!ws->widen || !gt_dtype_is_block(wt)) {
        gt_matmul(y, ldy, x, w, wt, N, O, I);
        return;
    }
    int oc = (int)((1u << 20) / (unsigned)(I > 0 ? I : 1));
    if (oc < 1) oc = 1;
    if (oc > O) oc = O;
    float *tile = gt_ws_get(&ws->wt, (size_t)oc * (size_t)I);
    for (int o0 = 0; o0 < O; o0 += oc) {
        int on = O - o0 < oc ? O - o0 : oc;
#pragma omp parallel for schedule(static) if ((long long)on * I > 100000)
        for (int r = 0; r < on; r++) gt_row_to_f32(tile + (size_t)r * I, w, wt, (size_t)(o0 + r), I);
        gt_matmul(y + o0, ldy, x, tile, GT_DT_F32, N, on, I);
    }
}

void *gt_transpose_q8_0(const void *w, gt_dtype wt, int O, int I, gt_dtype *dt)
{
    if (O % 32 || O <= 0 || I <= 0) return NULL;
    size_t rb = (size_t)O / 32 * 34;
    unsigned char *q = gt_xmalloc(rb * (size_t)I);
    int ng = O / 32;
#pragma omp parallel
    {
        float *rows = gt_xmalloc(sizeof(float) * 32 * (size_t)I);
        float col[32];
#pragma omp for schedule(static)
        for (int g = 0; g < ng; g++) {
            for (int r = 0; r < 32; r++) gt_row_to_f32(rows + (size_t)r * I, w, wt, (size_t)g * 32 + (size_t)r, I);
            for (int i = 0; i < I; i++) {
                for (int r = 0; r < 32; r++) col[r] = rows[(size_t)r * I + i];
                gt_ggml_quantize_q8_0(col, q + (size_t)i * rb + (size_t)g * 34, 32);
            }
        }
        free(rows);
    }
    *dt = GT_DT_Q8_0;
    if (!gt_qpack_wanted()) return q;
    size_t pb = gt_qpack_bytes(GT_GGML_Q8_0, I, O);
    void *pk = gt_xmalloc(pb);
    gt_qpack(pk, q, GT_GGML_Q8_0, I, O, 0, (I + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS);
    free(q);
    *dt = gt_dtype_packed(GT_DT_Q8_0);
    return pk;
}

static void add_to(float *dst, const float *src, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 200000)
    for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

/* ---------------------------------------------------------------- layers */

void gt_embedding_forward(float *out, const void *embed, gt_dtype et, const int32_t *tok, int N, int D)
{
    for (int n = 0; n < N; n++) gt_row_to_f32(out + (size_t)n * D, embed, et, (size_t)tok[n], D);
}

void gt_embedding_backward(float *dembed, const float *dout, const int32_t *tok, int N, int D)
{
    for (int n = 0; n < N; n++) {
        float *d = dembed + (size_t)tok[n] * D;
        const float *g = dout + (size_t)n * D;
        for (int i = 0; i < D; i++) d[i] += g[i];
    }
}

void gt_rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N, int D, float eps)
{
#pragma omp parallel for schedule(static) if ((long long)N * D > 100000)
    for (int n = 0; n < N; n++) rstd[n] = gt_rmsnorm(out + (size_t)n * D, x + (size_t)n * D, w, D, eps);
}

/* y = w * x * r, r = (mean x^2 + eps)^-1/2:
 *   dw += dy * x * r
 *   dx += r * (w dy) - x * r^3 / D * sum(w dy x) */
void gt_rmsnorm_backward(float *dx, float *dw, const float *dout, const float *x, const float *w,
                         const float *rstd, int N, int D)
{
    if (dw)
        for (int n = 0; n < N; n++) {
            const float *xr = x + (size_t)n * D, *dy = dout + (size_t)n * D;
            float r = rstd[n];
            for (int i = 0; i < D; i++) dw[i] += dy[i] * xr[i] * r;
        }
    if (!dx) return;
#pragma omp parallel for schedule(static) if ((long long)N * D > 100000)
    for (int n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * D, *dy = dout + (size_t)n * D;
        float r = rstd[n];
        float dot = 0;
        for (int i = 0; i < D; i++) dot += w[i] * dy[i] * xr[i];
        float c = dot * r * r * r / (float)D;
        float *d = dx + (size_t)n * D;
        for (int i = 0; i < D; i++) d[i] += r * w[i] * dy[i] - c * xr[i];
    }
}

void gt_rope_forward(float *x, const float *rope, int N, int T, int nh, int hd)
{
    for (int n = 0; n < N; n++) gt_rope_rotate(x + (size_t)n * nh * hd, nh, hd, rope + (size_t)(n % T) * hd, 1.0f);
}

/* The rotation is orthogonal: its transpose is the rotation by -angle. */
void gt_rope_backward(float *dx, const float *rope, int N, int T, int nh, int hd)
{
    for (int n = 0; n < N; n++) gt_rope_rotate(dx + (size_t)n * nh * hd, nh, hd, rope + (size_t)(n % T) * hd, -1.0f);
}

/* Attention as matrix products (gt_matmul_nn) over blocks of ATT_BLK query
 * rows: a block's scores only reach the last position its rows see, and
 * products over positions stop there too (the rest of each row is zero). */
#define ATT_BLK 16

/* OUT rows (stride LDO) += SRC [R][C] */
static void add_rows_to(float *out, size_t ldo, const float *src, int R, int C)
{
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) out[(size_t)r * ldo + c] += src[(size_t)r * C + c];
}

void gt_attention_forward(float *out, float *att, const float *q, const float *k, const float *v, int B, int T,
                          int H, int KV, int hd)
{
    int qd = H * hd, kvd = KV * hd, rep = H / KV;
    float scale = 1.0f / sqrtf((float)hd);
    int jobs = B * H;
#pragma omp parallel if ((long long)jobs * T * T * hd > 50000)
    {
        float *kt = gt_xmalloc(sizeof(float) * (size_t)hd * T);
#pragma omp for schedule(dynamic, 1)
        for (int job = 0; job < jobs; job++) {
            int b = job / H, h = job % H, kh = h / rep;
            const float *qb = q + (size_t)b * T * qd + (size_t)h * hd;
            const float *kb = k + (size_t)b * T * kvd + (size_t)kh * hd;
            const float *vb = v + (size_t)b * T * kvd + (size_t)kh * hd;
            float *a = att + ((size_t)b * H + h) * T * T;
            float *ob = out + (size_t)b * T * qd + (size_t)h * hd;
            transpose_ld(kt, kb, GT_DT_F32, T, hd, (size_t)kvd);
            for (int r0 = 0; r0 < T; r0 += ATT_BLK) {
                int nr = T - r0 < ATT_BLK ? T - r0 : ATT_BLK, cols = r0 + nr;
                gt_matmul_nn(a + (size_t)r0 * T, (size_t)T, qb + (size_t)r0 * qd, (size_t)qd, kt, (size_t)T, nr, cols,
                             hd);
                for (int i = r0; i < r0 + nr; i++) {
                    float *ai = a + (size_t)i * T, mx = -INFINITY;
                    for (int j = 0; j <= i; j++) {
                        ai[j] *= scale;
                        if (ai[j] > mx) mx = ai[j];
                    }
                    float inv = 1.0f / gt_exp_shift(ai, i + 1, mx);
                    for (int j = 0; j <= i; j++) ai[j] *= inv;
                    for (int j = i + 1; j < T; j++) ai[j] = 0;
                }
                gt_matmul_nn(ob + (size_t)r0 * qd, (size_t)qd, a + (size_t)r0 * T, (size_t)T, vb, (size_t)kvd, nr, hd,
                             cols);
            }
        }
        free(kt);
    }
}

/* Per (sequence, kv head), for each query head reading it:
 *   dP = dO V^T,  dS = P * (dP - rowsum(P * dP)) * scale,
 *   dq += dS K,  dk += dS^T Q,  dv += P^T dO.
 * One job owns the dk, dv rows of its kv head, so no two threads write the same. */
void gt_attention_backward(float *dq, float *dk, float *dv, const float *dout, const float *att, const float *q,
                           const float *k, const float *v, int B, int T, int H, int KV, int hd)
{
    int qd = H * hd, kvd = KV * hd, rep = H / KV;
    float scale = 1.0f / sqrtf((float)hd);
    int jobs = B * KV;
#pragma omp parallel if ((long long)B * H * T * T * hd > 50000)
    {
        float *vt = gt_xmalloc(sizeof(float) * (size_t)hd * T);
        float *ds = gt_xmalloc(sizeof(float) * (size_t)T * T), *tr = gt_xmalloc(sizeof(float) * (size_t)T * T);
        float *tmp = gt_xmalloc(sizeof(float) * (size_t)T * hd);
#pragma omp for schedule(dynamic, 1)
        for (int job = 0; job < jobs; job++) {
            int b = job / KV, kh = job % KV;
            const float *kb = k + (size_t)b * T * kvd + (size_t)kh * hd;
            const float *vb = v + (size_t)b * T * kvd + (size_t)kh * hd;
            float *dkb = dk + (size_t)b * T * kvd + (size_t)kh * hd;
            float *dvb = dv + (size_t)b * T * kvd + (size_t)kh * hd;
            transpose_ld(vt, vb, GT_DT_F32, T, hd, (size_t)kvd);
            for (int h = kh * rep; h < (kh + 1) * rep; h++) {
                const float *P = att + ((size_t)b * H + h) * T * T;
                const float *dOb = dout + (size_t)b * T * qd + (size_t)h * hd;
                const float *qb = q + (size_t)b * T * qd + (size_t)h * hd;
                float *dqb = dq + (size_t)b * T * qd + (size_t)h * hd;
                /* dS, and dq += dS K, by row blocks */
                for (int r0 = 0; r0 < T; r0 += ATT_BLK) {
                    int nr = T - r0 < ATT_BLK ? T - r0 : ATT_BLK, cols = r0 + nr;
                    gt_matmul_nn(ds + (size_t)r0 * T, (size_t)T, dOb + (size_t)r0 * qd, (size_t)qd, vt, (size_t)T, nr,
                                 cols, hd);
                    for (int i = r0; i < r0 + nr; i++) {
                        const float *pi = P + (size_t)i * T;
                        float *di = ds + (size_t)i * T, sum = 0;
                        for (int j = 0; j <= i; j++) sum += pi[j] * di[j];
                        for (int j = 0; j <= i; j++) di[j] = pi[j] * (di[j] - sum) * scale;
                        for (int j = i + 1; j < T; j++) di[j] = 0;
                    }
                    gt_matmul_nn(tmp + (size_t)r0 * hd, (size_t)hd, ds + (size_t)r0 * T, (size_t)T, kb, (size_t)kvd,
                                 nr, hd, cols);
                }
                add_rows_to(dqb, (size_t)qd, tmp, T, hd);
                /* dk += dS^T Q and dv += P^T dO: row j of a transposed causal
                 * matrix is zero before column j, so a block starts there */
                for (int pass = 0; pass < 2; pass++) {
                    gt_transpose(tr, pass == 0 ? ds : P, GT_DT_F32, T, T);
                    const float *rhs = pass == 0 ? qb : dOb;
                    for (int j0 = 0; j0 < T; j0 += ATT_BLK) {
                        int nr = T - j0 < ATT_BLK ? T - j0 : ATT_BLK;
                        gt_matmul_nn(tmp + (size_t)j0 * hd, (size_t)hd, tr + (size_t)j0 * T + j0, (size_t)T,
                                     rhs + (size_t)j0 * qd, (size_t)qd, nr, hd, T - j0);
                    }
                    add_rows_to(pass == 0 ? dkb : dvb, (size_t)kvd, tmp, T, hd);
                }
            }
        }
        free(vt); free(ds); free(tr); free(tmp);
    }
}

/* In chunks of SW_CHUNK values, one per thread at a time, through the
 * kernels' vector exp (gt_swiglu, gt_exp_shift: a few ulp of expf). */
#define SW_CHUNK 2048

void gt_swiglu_forward(float *out, const float *g, const float *u, size_t n)
{
    size_t nc = (n + SW_CHUNK - 1) / SW_CHUNK;
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t c = 0; c < nc; c++) {
        size_t i0 = c * SW_CHUNK, m = n - i0 < SW_CHUNK ? n - i0 : SW_CHUNK;
        memcpy(out + i0, g + i0, sizeof(float) * m);
        gt_swiglu(out + i0, u + i0, (int)m);
    }
}

/* silu(g) = g s, s = sigmoid(g); silu'(g) = s (1 + g (1 - s)) */
void gt_swiglu_backward(float *dg, float *du, const float *dout, const float *g, const float *u, size_t n)
{
    size_t nc = (n + SW_CHUNK - 1) / SW_CHUNK;
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t c = 0; c < nc; c++) {
        size_t i0 = c * SW_CHUNK, m = n - i0 < SW_CHUNK ? n - i0 : SW_CHUNK;
        float s[SW_CHUNK];
        for (size_t i = 0; i < m; i++) s[i] = -g[i0 + i];
        gt_exp_shift(s, (int)m, 0.0f);                  /* exp(-g) */
        for (size_t i = 0; i < m; i++) s[i] = 1.0f / (1.0f + s[i]);
        if (du)
            for (size_t i = 0; i < m; i++) du[i0 + i] += dout[i0 + i] * g[i0 + i] * s[i];
        if (dg)
            for (size_t i = 0; i < m; i++)
                dg[i0 + i] += dout[i0 + i] * u[i0 + i] * s[i] * (1.0f + g[i0 + i] * (1.0f - s[i]));
    }
}

void gt_matmul_forward(float *y, const float *x, const void *w, gt_dtype wt, int N, int O, int I)
{
    gt_matmul(y, (size_t)O, x, w, wt, N, O, I);
}

/* WTPRE: W^T as F32 [I][O] made beforehand (frozen weights), or NULL. */
void gt_matmul_backward_ws(gt_ws *ws, float *dx, float *dw, const float *dy, const float *x, const void *w, gt_dtype wt,
                        int N, int O, int I, const void *wTpre, gt_dtype wTt)
{
    if (N <= 0) return;
    if (dx && !wTpre && gt_matmul_kd_direct(GT_K_AUTO, wt)) {
        gt_matmul_kd(dx, (size_t)I, dy, w, wt, N, I, O, 1);     /* W read as stored, added into dx */
    } else if (dx) {
        float *tmp = gt_ws_get(&ws->tmp, (size_t)N * I);
        if (wTpre) {
            gt_matmul(tmp, (size_t)I, dy, wTpre, wTt, N, I, O);
        } else if (wt == GT_DT_Q8 || gt_dtype_is_block(wt)) {
            matmul_dy_w_tiled(tmp, (size_t)I, dy, w, wt, N, O, I, ws);
        } else {
            float *m = gt_ws_get(&ws->wt, (size_t)I * O);
            gt_transpose(m, w, wt, O, I);                   /* [I][O] */
            gt_matmul(tmp, (size_t)I, dy, m, GT_DT_F32, N, I, O);
        }
        add_to(dx, tmp, (size_t)N * I);
    }
    if (dw) {
        float *dyT = gt_ws_get(&ws->a, (size_t)O * N), *xT = gt_ws_get(&ws->b, (size_t)I * N);
        float *tmp = gt_ws_get(&ws->tmp, (size_t)O * I);
        gt_transpose(dyT, dy, GT_DT_F32, N, O);             /* [O][N] */
        gt_transpose(xT, x, GT_DT_F32, N, I);               /* [I][N] */
        gt_matmul(tmp, (size_t)I, dyT, xT, GT_DT_F32, O, I, N);
        add_to(dw, tmp, (size_t)O * I);
    }
}

void gt_matmul_backward(float *dx, float *dw, const float *dy, const float *x, const void *w, gt_dtype wt, int N,
                        int O, int I)
{
    gt_ws ws = { 0 };
    gt_matmul_backward_ws(&ws, dx, dw, dy, x, w, wt, N, O, I, NULL, GT_DT_F32);
    gt_ws_free(&ws);
}

double gt_lmhead_ce_ws(gt_ws *ws, float *dh, float *dw, const float *h, const void *w, gt_dtype wt,
                       const int32_t *target, int N, int D, int V, float gscale, float *logits, int chunk,
                       const void *wTpre, gt_dtype wTt)
{
    double total = 0;
    float *hc = gt_ws_get(&ws->b, (size_t)chunk * D);   /* the chunk's rows of H (ws->b is not reused below) */
    int *rows = gt_xmalloc(sizeof(int) * (size_t)chunk);
    int n = 0;
    while (n < N) {
        int c = 0;
        for (; n < N && c < chunk; n++)
            if (target[n] >= 0) {
                rows[c] = n;
                memcpy(hc + (size_t)c * D, h + (size_t)n * D, sizeof(float) * (size_t)D);
                c++;
            }
        if (c == 0) break;
        gt_matmul_ws(ws, logits, (size_t)V, hc, w, wt, c, V, D);
        double part = 0;
#pragma omp parallel for schedule(static) reduction(+ : part) if ((long long)c * V > 100000)
        for (int i = 0; i < c; i++) {
            float *lg = logits + (size_t)i * V;
            int tgt = target[rows[i]];
            float mx = lg[0];
            for (int v = 1; v < V; v++) if (lg[v] > mx) mx = lg[v];
            float lt = lg[tgt];
            float s = gt_exp_shift(lg, V, mx);          /* lg[v] = exp(lg[v] - mx) */
            part += (double)mx + log((double)s) - lt;
            if (dh || dw) {
                float g = gscale / s;                   /* the probabilities, times gscale */
                for (int v = 0; v < V; v++) lg[v] *= g;
                lg[tgt] -= gscale;
            }
        }
        total += part;
        if (dh || dw) {
            float *dhc = dh ? gt_ws_get(&ws->a, (size_t)c * D) : NULL;
            if (dhc) memset(dhc, 0, sizeof(float) * (size_t)c * D);
            /* dW through the workspace needs ws->a and ws->b: do the dx part first */
            if (dhc) {
                if (wTpre) {
                    gt_matmul(dhc, (size_t)D, logits, wTpre, wTt, c, D, V);
                } else if (wt == GT_DT_Q8 || gt_dtype_is_block(wt)) {
                    matmul_dy_w_tiled(dhc, (size_t)D, logits, w, wt, c, V, D, ws);
                } else if (gt_matmul_kd_direct(GT_K_AUTO, wt)) {
                    gt_matmul_kd(dhc, (size_t)D, logits, w, wt, c, D, V, 0);
                } else {
                    float *m = gt_ws_get(&ws->wt, (size_t)D * V);
                    gt_transpose(m, w, wt, V, D);
                    gt_matmul(dhc, (size_t)D, logits, m, GT_DT_F32, c, D, V);
                }
                for (int i = 0; i < c; i++) {
                    float *d = dh + (size_t)rows[i] * D;
                    const float *s = dhc + (size_t)i * D;
                    for (int e = 0; e < D; e++) d[e] += s[e];
                }
            }
            if (dw) {
                /* dW [V][D] += logits^T hc */
                float *lT = gt_ws_get(&ws->a, (size_t)V * c);
                float *hT = gt_ws_get(&ws->tmp, (size_t)D * c);
                gt_transpose(lT, logits, GT_DT_F32, c, V);
                gt_transpose(hT, hc, GT_DT_F32, c, D);
                float *tmp = gt_ws_get(&ws->wt, (size_t)V * D);
                gt_matmul(tmp, (size_t)D, lT, hT, GT_DT_F32, V, D, c);
                add_to(dw, tmp, (size_t)V * D);
            }
        }
    }
    free(rows);
    return total;
}

double gt_lmhead_ce(float *dh, float *dw, const float *h, const void *w, gt_dtype wt, const int32_t *target, int N,
                    int D, int V, float gscale, float *logits, int chunk)
{
    gt_ws ws = { 0 };
    double r = gt_lmhead_ce_ws(&ws, dh, dw, h, w, wt, target, N, D, V, gscale, logits, chunk, NULL, GT_DT_F32);
    gt_ws_free(&ws);
    return r;
}

/* Y [N][O] += S * U [N][r] M [r][O] for a small rank r: 16 rows of Y at a
 * time, their product into a block that stays in cache (gt_matmul_nn, whose
 * register tiles stream M's r rows), then added; one block per thread. Where
 * gt_matmul's tiles are made for long dot products, these are r long, and a
 * product of N x O written whole and read back would cost more than it. */
static void lowrank_add(float *y, size_t ldy, const float *u, const float *m, float s, int N, int O, int r)
{
    int nb = (N + 15) / 16;
#pragma omp parallel if ((long long)N * O * r > 200000)
    {
        float *blk = gt_xmalloc(sizeof(float) * 16 * (size_t)O);
#pragma omp for schedule(static)
        for (int b = 0; b < nb; b++) {
            int n0 = 16 * b, rows = N - n0 < 16 ? N - n0 : 16;
            gt_matmul_nn(blk, (size_t)O, u + (size_t)n0 * r, (size_t)r, m, (size_t)O, rows, O, r);
            for (int i = 0; i < rows; i++) {
                float *yr = y + (size_t)(n0 + i) * ldy;
                const float *br = blk + (size_t)i * O;
                for (int o = 0; o < O; o++) yr[o] += s * br[o];
            }
        }
        free(blk);
    }
}

void gt_lora_forward(float *y, float *u, const float *xd, const float *A, const float *B, float scale, int N, int O,
                     int I, int r)
{
    gt_matmul(u, (size_t)r, xd, A, GT_DT_F32, N, r, I);
    float *bt = gt_xmalloc(sizeof(float) * (size_t)O * r);     /* B^T [r][O] */
    for (int o = 0; o < O; o++)
        for (int j = 0; j < r; j++) bt[(size_t)j * O + o] = B[(size_t)o * r + j];
    lowrank_add(y, (size_t)O, u, bt, scale, N, O, r);
    free(bt);
}

/* du = scale dy B [N][r];  dB += scale dy^T u;  dA += du^T xd;  dxd += du A */
/* C [M][K] = A^T B for A [N][M] with M small (the LoRA rank), B [N][K]: A^T
 * made (M N floats into AT), then gt_matmul_nn on strips of C's columns, one
 * per thread, each streaming its strip of B's rows once per 6 rows of C: no
 * transposed copy of B (the big operand: the layer's input or output
 * gradient, N x K). */
static void matmul_tn_small(float *c, float *at, const float *a, const float *b, int N, int M, int K)
{
    for (int n = 0; n < N; n++)
        for (int m = 0; m < M; m++) at[(size_t)m * N + n] = a[(size_t)n * M + m];
    int strips = (K + 63) / 64;
#pragma omp parallel for schedule(static) if ((long long)N * M * K > 200000)
    for (int s = 0; s < strips; s++) {
        int j0 = s * 64, jn = K - j0 < 64 ? K - j0 : 64;
        gt_matmul_nn(c + j0, (size_t)K, at, (size_t)N, b + j0, (size_t)K, M, jn, N);
    }
}

void gt_lora_backward_ws(gt_ws *ws, float *dxd, float *dA, float *dB, const float *dy, const float *xd,
                          const float *u, const float *A, const float *B, float scale, int N, int O, int I, int r,
                          float *du)
{
    memset(du, 0, sizeof(float) * (size_t)N * r);
    gt_matmul_backward_ws(ws, du, NULL, dy, NULL, B, GT_DT_F32, N, O, r, NULL, GT_DT_F32);
    for (size_t i = 0; i < (size_t)N * r; i++) du[i] *= scale;
    int big = O > I ? O : I;
    float *c = gt_ws_get(&ws->part, (size_t)r * big), *at = gt_ws_get(&ws->cols, (size_t)r * N);
    /* dB [O][r] += scale dy^T u = scale (u^T dy)^T */
    matmul_tn_small(c, at, u, dy, N, r, O);
    for (int o = 0; o < O; o++)
        for (int j = 0; j < r; j++) dB[(size_t)o * r + j] += scale * c[(size_t)j * O + o];
    /* dA [r][I] += du^T xd */
    matmul_tn_small(c, at, du, xd, N, r, I);
    for (size_t i = 0; i < (size_t)r * I; i++) dA[i] += c[i];
    if (dxd) lowrank_add(dxd, (size_t)I, du, A, 1.0f, N, I, r);  /* dxd += du A */
}

void gt_lora_backward(float *dxd, float *dA, float *dB, const float *dy, const float *xd, const float *u,
                      const float *A, const float *B, float scale, int N, int O, int I, int r, float *du)
{
    gt_ws ws = { 0 };
    gt_lora_backward_ws(&ws, dxd, dA, dB, dy, xd, u, A, B, scale, N, O, I, r, du);
    gt_ws_free(&ws);
}
