/* train.c - training forward and backward passes for LLaMA (see train.h).
 *
 * The shape is llm.c's train_gpt2.c: per layer, every activation the backward
 * needs is kept in one big buffer; the backward walks the layers in reverse
 * with one set of gradient buffers reused for every layer, adding into the
 * parameter gradients. The matrix products of the backward reuse gt_matmul
 * (the forward's tiled AVX kernels) on transposed operands:
 *   dX = dY W      = gt_matmul(dY, W^T)        (W^T widened to F32)
 *   dW = dY^T X    = gt_matmul(dY^T, X^T)
 * the transposes costing O(N (O + I) + O I) against the O(N O I) product. */
#include "train/train.h"
#include "nn/kernels.h"
#include "core/rand.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- scratch */

typedef struct {
    float *p;
    size_t cap;
} ws_buf;

static float *ws_get(ws_buf *b, size_t n)
{
    if (n > b->cap) {
        free(b->p);
        b->p = gt_xmalloc(sizeof(float) * n);
        b->cap = n;
    }
    return b->p;
}

typedef struct {
    ws_buf wt, tmp, a, b;
} mm_ws;

static void mm_ws_free(mm_ws *w)
{
    free(w->wt.p); free(w->tmp.p); free(w->a.p); free(w->b.p);
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

static void transpose(float *dst, const void *src, gt_dtype t, int rows, int cols)
{
    transpose_ld(dst, src, t, rows, cols, (size_t)cols);
}

/* OUT [N][I] (row stride LDO) = DY [N][O] W, W an 8-bit [O][I] matrix,
 * without an F32 copy of W: W^T is widened in tiles of columns (about 4 MiB
 * of floats each) into the workspace TILE. */
static void matmul_dy_w_q8(float *out, size_t ldo, const float *dy, const gt_q8mat *q, int N, int O, int I,
                           ws_buf *tile)
{
    int ic = (int)((1u << 20) / (unsigned)(O > 0 ? O : 1));
    ic = ic / GT_Q8_BLOCK * GT_Q8_BLOCK;
    if (ic < GT_Q8_BLOCK) ic = GT_Q8_BLOCK;
    if (ic > I) ic = I;
    float *wt = ws_get(tile, (size_t)ic * (size_t)O);
    for (int i0 = 0; i0 < I; i0 += ic) {
        int cn = I - i0 < ic ? I - i0 : ic;
#pragma omp parallel for schedule(static) if ((long long)cn * O > 100000)
        for (int o = 0; o < O; o++) {
            const int8_t *qr = q->q + (size_t)o * (size_t)q->cols;
            const float *sr = q->s + (size_t)o * (size_t)q->nblk;
            for (int c = 0; c < cn; c++) {
                int col = i0 + c;
                wt[(size_t)c * O + o] = (float)qr[col] * sr[col / GT_Q8_BLOCK];
            }
        }
        gt_matmul(out + i0, ldo, dy, wt, GT_DT_F32, N, cn, O);
    }
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
    for (int n = 0; n < N; n++) {
        const float *xr = x + (size_t)n * D, *dy = dout + (size_t)n * D;
        float r = rstd[n];
        if (dw)
            for (int i = 0; i < D; i++) dw[i] += dy[i] * xr[i] * r;
        if (!dx) continue;
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
                    float s = 0;
                    for (int j = 0; j <= i; j++) { ai[j] = expf(ai[j] - mx); s += ai[j]; }
                    float inv = 1.0f / s;
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
                    transpose(tr, pass == 0 ? ds : P, GT_DT_F32, T, T);
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

void gt_swiglu_forward(float *out, const float *g, const float *u, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t i = 0; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

/* silu(g) = g s, s = sigmoid(g); silu'(g) = s (1 + g (1 - s)) */
void gt_swiglu_backward(float *dg, float *du, const float *dout, const float *g, const float *u, size_t n)
{
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t i = 0; i < n; i++) {
        float s = 1.0f / (1.0f + expf(-g[i]));
        if (du) du[i] += dout[i] * g[i] * s;
        if (dg) dg[i] += dout[i] * u[i] * s * (1.0f + g[i] * (1.0f - s));
    }
}

void gt_matmul_forward(float *y, const float *x, const void *w, gt_dtype wt, int N, int O, int I)
{
    gt_matmul(y, (size_t)O, x, w, wt, N, O, I);
}

/* WTPRE: W^T as F32 [I][O] made beforehand (frozen weights), or NULL. */
static void mm_backward(mm_ws *ws, float *dx, float *dw, const float *dy, const float *x, const void *w, gt_dtype wt,
                        int N, int O, int I, const float *wTpre)
{
    if (N <= 0) return;
    if (dx) {
        const float *wT = wTpre;
        float *tmp = ws_get(&ws->tmp, (size_t)N * I);
        if (!wT && wt == GT_DT_Q8) {
            matmul_dy_w_q8(tmp, (size_t)I, dy, (const gt_q8mat *)w, N, O, I, &ws->wt);
            add_to(dx, tmp, (size_t)N * I);
            wT = NULL;
        } else if (!wT) {
            float *m = ws_get(&ws->wt, (size_t)I * O);
            transpose(m, w, wt, O, I);                   /* [I][O] */
            wT = m;
        }
        if (wT) {
            gt_matmul(tmp, (size_t)I, dy, wT, GT_DT_F32, N, I, O);
            add_to(dx, tmp, (size_t)N * I);
        }
    }
    if (dw) {
        float *dyT = ws_get(&ws->a, (size_t)O * N), *xT = ws_get(&ws->b, (size_t)I * N);
        float *tmp = ws_get(&ws->tmp, (size_t)O * I);
        transpose(dyT, dy, GT_DT_F32, N, O);             /* [O][N] */
        transpose(xT, x, GT_DT_F32, N, I);               /* [I][N] */
        gt_matmul(tmp, (size_t)I, dyT, xT, GT_DT_F32, O, I, N);
        add_to(dw, tmp, (size_t)O * I);
    }
}

void gt_matmul_backward(float *dx, float *dw, const float *dy, const float *x, const void *w, gt_dtype wt, int N,
                        int O, int I)
{
    mm_ws ws = { 0 };
    mm_backward(&ws, dx, dw, dy, x, w, wt, N, O, I, NULL);
    mm_ws_free(&ws);
}

static double lmhead_ce(mm_ws *ws, float *dh, float *dw, const float *h, const void *w, gt_dtype wt,
                        const int32_t *target, int N, int D, int V, float gscale, float *logits, int chunk,
                        const float *wTpre)
{
    double total = 0;
    float *hc = ws_get(&ws->b, (size_t)chunk * D);   /* the chunk's rows of H (ws->b is not reused below) */
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
        gt_matmul(logits, (size_t)V, hc, w, wt, c, V, D);
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
            float *dhc = dh ? ws_get(&ws->a, (size_t)c * D) : NULL;
            if (dhc) memset(dhc, 0, sizeof(float) * (size_t)c * D);
            /* dW via mm_backward needs ws->a and ws->b: do the dx part first */
            if (dhc) {
                const float *wT = wTpre;
                if (!wT && wt == GT_DT_Q8) {
                    matmul_dy_w_q8(dhc, (size_t)D, logits, (const gt_q8mat *)w, c, V, D, &ws->wt);
                } else {
                    if (!wT) {
                        float *m = ws_get(&ws->wt, (size_t)D * V);
                        transpose(m, w, wt, V, D);
                        wT = m;
                    }
                    gt_matmul(dhc, (size_t)D, logits, wT, GT_DT_F32, c, D, V);
                }
                for (int i = 0; i < c; i++) {
                    float *d = dh + (size_t)rows[i] * D;
                    const float *s = dhc + (size_t)i * D;
                    for (int e = 0; e < D; e++) d[e] += s[e];
                }
            }
            if (dw) {
                /* dW [V][D] += logits^T hc */
                float *lT = ws_get(&ws->a, (size_t)V * c);
                float *hT = ws_get(&ws->tmp, (size_t)D * c);
                transpose(lT, logits, GT_DT_F32, c, V);
                transpose(hT, hc, GT_DT_F32, c, D);
                float *tmp = ws_get(&ws->wt, (size_t)V * D);
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
    mm_ws ws = { 0 };
    double r = lmhead_ce(&ws, dh, dw, h, w, wt, target, N, D, V, gscale, logits, chunk, NULL);
    mm_ws_free(&ws);
    return r;
}

static void lora_forward(mm_ws *ws, float *y, float *u, const float *xd, const float *A, const float *B, float scale,
                         int N, int O, int I, int r)
{
    gt_matmul(u, (size_t)r, xd, A, GT_DT_F32, N, r, I);
    float *tmp = ws_get(&ws->tmp, (size_t)N * O);
    gt_matmul(tmp, (size_t)O, u, B, GT_DT_F32, N, O, r);
    for (size_t i = 0; i < (size_t)N * O; i++) y[i] += scale * tmp[i];
}

void gt_lora_forward(float *y, float *u, const float *xd, const float *A, const float *B, float scale, int N, int O,
                     int I, int r, float *tmp)
{
    gt_matmul(u, (size_t)r, xd, A, GT_DT_F32, N, r, I);
    gt_matmul(tmp, (size_t)O, u, B, GT_DT_F32, N, O, r);
    for (size_t i = 0; i < (size_t)N * O; i++) y[i] += scale * tmp[i];
}

/* du = scale dy B [N][r];  dB += scale dy^T u;  dA += du^T xd;  dxd += du A */
static void lora_backward(mm_ws *ws, float *dxd, float *dA, float *dB, const float *dy, const float *xd,
                          const float *u, const float *A, const float *B, float scale, int N, int O, int I, int r,
                          float *du)
{
    memset(du, 0, sizeof(float) * (size_t)N * r);
    mm_backward(ws, du, NULL, dy, NULL, B, GT_DT_F32, N, O, r, NULL);
    for (size_t i = 0; i < (size_t)N * r; i++) du[i] *= scale;
    /* dB [O][r] += scale dy^T u: computed into a temporary scaled once */
    float *tdb = gt_xcalloc((size_t)O * r, sizeof(float));
    mm_backward(ws, NULL, tdb, dy, u, NULL, GT_DT_F32, N, O, r, NULL);
    for (size_t i = 0; i < (size_t)O * r; i++) dB[i] += scale * tdb[i];
    free(tdb);
    mm_backward(ws, dxd, dA, du, xd, A, GT_DT_F32, N, r, I, NULL);
}

void gt_lora_backward(float *dxd, float *dA, float *dB, const float *dy, const float *xd, const float *u,
                      const float *A, const float *B, float scale, int N, int O, int I, int r, float *du)
{
    mm_ws ws = { 0 };
    lora_backward(&ws, dxd, dA, dB, dy, xd, u, A, B, scale, N, O, I, r, du);
    mm_ws_free(&ws);
}

/* ---------------------------------------------------------------- the model */

/* A uniform double in [0, 1) for the LoRA A initialisation. The state steps
 * to its own mix (*S = mix(*S + golden)), not splitmix64's *S += golden:
 * the initial weights of existing runs depend on this sequence. */
static double unif(uint64_t *s)
{
    *s = gt_mix64(*s + GT_GOLDEN64);
    return gt_unit53(*s);
}

typedef struct {
    float *res;         /* [L+1][N][D] residual stream entering each layer (last: the final one) */
    float *res2;        /* [L][N][D] after the attention block */
    float *rstd1, *rstd2;   /* [L][N] */
    float *h1, *h2;     /* [L][N][D] normed */
    float *q, *k, *v;   /* [L][N][qd|kvd] (q, k after RoPE) */
    float *att;         /* [L][B][H][T][T] */
    float *ao;          /* [L][N][qd] attention output */
    float *g, *u, *a;   /* [L][N][F] gate, up, silu(gate) * up */
    float *lu;          /* [L][GT_PROJ_N][N][r] LoRA A x */
    float *rstdf, *hf;  /* [N], [N][D] final norm */
} acts_t;

typedef struct {
    float *dres, *dh, *dq, *dk, *dv, *dao, *dg, *du, *da, *dlu, *xd, *dxd, *logits;
    int32_t *target;
} scratch_t;

struct gt_train_priv {
    acts_t a;
    scratch_t s;
    mm_ws ws;
    float *rope;
    /* F32 transposes of frozen weights (LoRA), made on first use: they never
     * change, and re-transposing them in every backward cost ~10% of a step */
    float **wT;                 /* [n_layers * GT_PROJ_N] */
    float *headT;
};

typedef struct gt_train_priv priv_t;

static size_t add_tp(gt_train *t, int *cap, const char *name, int rows, int cols, int decay)
{
    if (t->ntp == *cap) t->tp = gt_xrealloc(t->tp, sizeof *t->tp * (size_t)(*cap = *cap ? *cap * 2 : 64));
    gt_tparam *p = &t->tp[t->ntp++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->off = t->n_params;
    p->rows = rows;
    p->cols = cols;
    p->numel = (size_t)rows * (size_t)(cols ? cols : 1);
    p->decay = decay;
    t->n_params += p->numel;
    return p->off;
}

int gt_train_init(gt_train *t, const gt_model *m, const gt_train_opts *o, int maxB, int maxT, char *err,
                  size_t errsz)
{
    memset(t, 0, sizeof *t);
    const gt_config *c = &m->c;
    t->m = m;
    t->c = *c;
    t->full = o->full;
    t->lora = o->lora;
    if (maxB < 1 || maxT < 1) return gt_fail(err, errsz, "batch of %d x %d tokens", maxB, maxT);
    if (!t->full) {
        if (o->lora.r < 1 || o->lora.r > 4096) return gt_fail(err, errsz, "LoRA rank %d is outside 1..4096", o->lora.r);
        if (!(o->lora.dropout >= 0 && o->lora.dropout < 1))
            return gt_fail(err, errsz, "LoRA dropout %g is outside [0, 1)", (double)o->lora.dropout);
        if (!(o->lora.targets & ((1u << GT_PROJ_N) - 1))) return gt_fail(err, errsz, "no LoRA target");
        t->lora_scale = o->lora.alpha / (float)o->lora.r;
    }
    t->maxB = maxB;
    t->maxT = maxT;
    int D = c->dim, F = c->hidden_dim, V = c->vocab_size, NL = c->n_layers;
    int qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
    int r = t->full ? 0 : t->lora.r;

    /* 1. the named trained tensors and their offsets */
    int cap = 0;
    char nm[128];
    size_t off_embed = 0, off_norm = 0, off_head = 0;
    size_t *off_an = gt_xcalloc((size_t)NL, sizeof(size_t)), *off_fn = gt_xcalloc((size_t)NL, sizeof(size_t));
    size_t (*off_lin)[GT_PROJ_N][2] = gt_xcalloc((size_t)NL, sizeof *off_lin);
    if (t->full) {
        off_embed = add_tp(t, &cap, "model.embed_tokens.weight", V, D, 1);
    }
    for (int l = 0; l < NL; l++) {
        if (t->full) {
            snprintf(nm, sizeof nm, "model.layers.%d.input_layernorm.weight", l);
            off_an[l] = add_tp(t, &cap, nm, D, 0, 0);
        }
        for (int w = 0; w < GT_PROJ_N; w++) {
            int out, in;
            gt_proj_dims(c, w, &out, &in);
            if (t->full) {
                off_lin[l][w][0] = add_tp(t, &cap, gt_proj_tensor(nm, sizeof nm, "", l, w, ".weight"), out, in, 1);
            } else if (t->lora.targets >> w & 1) {
                gt_proj_tensor(nm, sizeof nm, "base_model.model.", l, w, ".lora_A.weight");
                off_lin[l][w][0] = add_tp(t, &cap, nm, r, in, 1);
                gt_proj_tensor(nm, sizeof nm, "base_model.model.", l, w, ".lora_B.weight");
                off_lin[l][w][1] = add_tp(t, &cap, nm, out, r, 1);
            }
            if (t->full && w == GT_PROJ_O) {
                snprintf(nm, sizeof nm, "model.layers.%d.post_attention_layernorm.weight", l);
                off_fn[l] = add_tp(t, &cap, nm, D, 0, 0);
            }
        }
    }
    if (t->full) {
        off_norm = add_tp(t, &cap, "model.norm.weight", D, 0, 0);
        if (!c->tie_embeddings) off_head = add_tp(t, &cap, "lm_head.weight", V, D, 1);
    }

    /* 2. parameters and gradients: one allocation each */
    t->params = malloc(sizeof(float) * (t->n_params ? t->n_params : 1));
    t->grads = calloc(t->n_params ? t->n_params : 1, sizeof(float));
    t->L = calloc((size_t)NL, sizeof *t->L);
    if (!t->params || !t->grads || !t->L) {
        free(off_lin); free(off_an); free(off_fn);
        gt_train_free(t);
        return gt_fail(err, errsz, "out of memory for %zu trained parameters", t->n_params);
    }
    float *P = t->params, *G = t->grads;
    uint64_t rng = o->seed ^ 0x6c6f7261ull;
    if (t->full) {
        for (int v = 0; v < V; v++) gt_row_to_f32(P + off_embed + (size_t)v * D, m->embed.p, m->embed.dt, (size_t)v, D);
        t->embed = P + off_embed; t->embed_t = GT_DT_F32; t->g_embed = G + off_embed;
        memcpy(P + off_norm, m->norm, sizeof(float) * (size_t)D);
        t->norm = P + off_norm; t->g_norm = G + off_norm;
        if (c->tie_embeddings) {
            t->head = t->embed; t->g_head = t->g_embed;
        } else {
            for (int v = 0; v < V; v++)
                gt_row_to_f32(P + off_head + (size_t)v * D, m->lm_head.p, m->lm_head.dt, (size_t)v, D);
            t->head = P + off_head; t->g_head = G + off_head;
        }
        t->head_t = GT_DT_F32;
    } else {
        t->embed = m->embed.p; t->embed_t = m->embed.dt;
        t->head = m->lm_head.p; t->head_t = m->lm_head.dt;
        t->norm = m->norm;
    }
    for (int l = 0; l < NL; l++) {
        gt_tlayer *TL = &t->L[l];
        const gt_layer *ML = &m->layers[l];
        if (t->full) {
            TL->attn_norm = P + off_an[l]; TL->g_attn_norm = G + off_an[l];
            TL->ffn_norm = P + off_fn[l]; TL->g_ffn_norm = G + off_fn[l];
            memcpy(TL->attn_norm, ML->attn_norm, sizeof(float) * (size_t)D);
            memcpy(TL->ffn_norm, ML->ffn_norm, sizeof(float) * (size_t)D);
        } else {
            TL->attn_norm = ML->attn_norm;
            TL->ffn_norm = ML->ffn_norm;
        }
        for (int w = 0; w < GT_PROJ_N; w++) {
            gt_tlin *li = &TL->lin[w];
            const gt_wmat *bw = &ML->w[w];
            gt_proj_dims(c, w, &li->out, &li->in);
            if (t->full) {
                float *dst = P + off_lin[l][w][0];
                for (int row = 0; row < li->out; row++) gt_row_to_f32(dst + (size_t)row * li->in, bw->p, bw->dt, (size_t)row, li->in);
                li->w = dst; li->wt = GT_DT_F32; li->g = G + off_lin[l][w][0];
            } else {
                li->w = bw->p; li->wt = bw->dt;
                if (t->lora.targets >> w & 1) {
                    li->A = P + off_lin[l][w][0]; li->gA = G + off_lin[l][w][0];
                    li->B = P + off_lin[l][w][1]; li->gB = G + off_lin[l][w][1];
                    double bound = 1.0 / sqrt((double)li->in);   /* kaiming_uniform_(a=sqrt(5)) */
                    for (size_t i = 0; i < (size_t)r * li->in; i++) li->A[i] = (float)((2 * unif(&rng) - 1) * bound);
                    memset(li->B, 0, sizeof(float) * (size_t)li->out * r);
                }
            }
        }
    }
    free(off_lin); free(off_an); free(off_fn);

    /* 3. activations: one allocation */
    size_t N = (size_t)maxB * maxT;
    size_t nl = (size_t)NL;
    size_t nlu = t->full ? 0 : nl * GT_PROJ_N * N * r;
    size_t sizes[] = {
        (nl + 1) * N * D, nl * N * D, nl * N, nl * N, nl * N * D, nl * N * D,
        nl * N * qd, nl * N * kvd, nl * N * kvd, nl * maxB * c->n_heads * (size_t)maxT * maxT, nl * N * qd,
        nl * N * F, nl * N * F, nl * N * F, nlu, N, N * D,
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) total += sizes[i];
    t->n_acts = total;
    t->acts = malloc(sizeof(float) * total);
    priv_t *pv = calloc(1, sizeof *pv);
    int chunk = 128;
    size_t maxin = (size_t)(D > qd ? D : qd);
    if ((size_t)F > maxin) maxin = (size_t)F;
    size_t ssz[] = { N * D, N * D, N * qd, N * kvd, N * kvd, N * qd, N * F, N * F, N * F, N * (size_t)(r ? r : 1),
                     N * maxin, N * maxin, (size_t)chunk * V, N };
    size_t stotal = 0;
    for (size_t i = 0; i < sizeof ssz / sizeof *ssz; i++) stotal += ssz[i];
    t->n_scratch = stotal;
    float *sc = malloc(sizeof(float) * stotal);
    pv->rope = malloc(sizeof(float) * (size_t)maxT * c->head_dim);
    if (!t->acts || !pv || !sc || !pv->rope) {
        if (pv) free(pv->rope);
        free(pv);
        free(sc);
        gt_train_free(t);
        return gt_fail(err, errsz, "out of memory for the activations of %d x %d tokens (%zu MB)", maxB, maxT,
                    total * 4 >> 20);
    }
    t->scratch = sc;
    t->priv = pv;
    float *S = sc;
    acts_t *A = &pv->a;
    float *p = t->acts;
    float **dst[] = { &A->res, &A->res2, &A->rstd1, &A->rstd2, &A->h1, &A->h2, &A->q, &A->k, &A->v, &A->att,
                      &A->ao, &A->g, &A->u, &A->a, &A->lu, &A->rstdf, &A->hf };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) { *dst[i] = p; p += sizes[i]; }
    scratch_t *s = &pv->s;
    float **sdst[] = { &s->dres, &s->dh, &s->dq, &s->dk, &s->dv, &s->dao, &s->dg, &s->du, &s->da, &s->dlu,
                       &s->xd, &s->dxd, &s->logits };
    p = S;
    for (size_t i = 0; i < sizeof sdst / sizeof *sdst; i++) { *sdst[i] = p; p += ssz[i]; }
    s->target = (int32_t *)(void *)p;
    gt_rope_table(pv->rope, m->inv_freq, 0, maxT, c->head_dim);
    return 0;
}

static priv_t *get_priv(const gt_train *t)
{
    return t->priv;
}

void gt_train_free(gt_train *t)
{
    if (t->priv) {
        mm_ws_free(&t->priv->ws);
        free(t->priv->rope);
        if (t->priv->wT)
            for (int i = 0; i < t->c.n_layers * GT_PROJ_N; i++) free(t->priv->wT[i]);
        free(t->priv->wT);
        free(t->priv->headT);
        free(t->priv);
    }
    free(t->scratch);
    free(t->params);
    free(t->grads);
    free(t->tp);
    free(t->L);
    free(t->acts);
    memset(t, 0, sizeof *t);
}

void gt_train_zero_grad(gt_train *t)
{
    memset(t->grads, 0, sizeof(float) * t->n_params);
}

/* The dropout mask element (layer l, linear w, row n, column i): keep or not. */
static inline int dropout_keep(uint64_t seed, int l, int w, size_t idx, uint32_t thresh)
{
    uint64_t site = gt_mix64((((uint64_t)l << 8 | (uint64_t)w) ^ (idx << 20)) + GT_GOLDEN64);
    uint64_t h = gt_mix64((seed ^ site) + GT_GOLDEN64);     /* one splitmix64 step from each */
    return (uint32_t)(h >> 32) >= thresh;
}

/* xd = dropout(x) for the LoRA branch of (l, w), or X itself when off */
static const float *lora_input(const gt_train *t, float *xd, const float *x, int l, int w, int N, int I)
{
    if (!t->training || t->lora.dropout <= 0) return x;
    uint32_t thresh = (uint32_t)((double)t->lora.dropout * 4294967296.0);
    float keep = 1.0f / (1.0f - t->lora.dropout);
    size_t n = (size_t)N * I;
    for (size_t i = 0; i < n; i++) xd[i] = dropout_keep(t->dropout_seed, l, w, i, thresh) ? x[i] * keep : 0.0f;
    return xd;
}

static void lin_forward(gt_train *t, int l, int w, float *y, const float *x, int N)
{
    priv_t *pv = get_priv(t);
    const gt_tlin *li = &t->L[l].lin[w];
    gt_matmul(y, (size_t)li->out, x, li->w, li->wt, N, li->out, li->in);
    if (li->A) {
        const float *xd = lora_input(t, pv->s.xd, x, l, w, N, li->in);
        float *u = pv->a.lu + ((size_t)l * GT_PROJ_N + w) * (size_t)t->maxB * t->maxT * t->lora.r;
        lora_forward(&pv->ws, y, u, xd, li->A, li->B, t->lora_scale, N, li->out, li->in, t->lora.r);
    }
}

/* dx (may be NULL) += dy W (+ the LoRA branch); parameter gradients added */
static void lin_backward(gt_train *t, int l, int w, float *dx, const float *dy, const float *x, int N)
{
    priv_t *pv = get_priv(t);
    const gt_tlin *li = &t->L[l].lin[w];
    const float *wT = NULL;
    if (!li->g && dx && li->wt != GT_DT_Q8) {  /* frozen: W^T once (not for 8-bit weights: 4 bytes a weight) */
        if (!pv->wT) pv->wT = gt_xcalloc((size_t)t->c.n_layers * GT_PROJ_N, sizeof *pv->wT);
        float **c = &pv->wT[(size_t)l * GT_PROJ_N + (size_t)w];
        if (!*c) {
            *c = gt_xmalloc(sizeof(float) * (size_t)li->out * (size_t)li->in);
            transpose(*c, li->w, li->wt, li->out, li->in);
        }
        wT = *c;
    }
    mm_backward(&pv->ws, dx, li->g, dy, x, li->w, li->wt, N, li->out, li->in, wT);
    if (li->A) {
        int r = t->lora.r;
        const float *xd = lora_input(t, pv->s.xd, x, l, w, N, li->in);
        const float *u = pv->a.lu + ((size_t)l * GT_PROJ_N + w) * (size_t)t->maxB * t->maxT * r;
        int dropped = xd != x;
        float *dxd = NULL;
        if (dx) {
            dxd = dropped ? pv->s.dxd : dx;
            if (dropped) memset(dxd, 0, sizeof(float) * (size_t)N * li->in);
        }
        lora_backward(&pv->ws, dxd, li->gA, li->gB, dy, xd, u, li->A, li->B, t->lora_scale, N, li->out, li->in, r,
                      pv->s.dlu);
        if (dx && dropped) {
            /* d xd / dx = keep / (1 - p) where kept: xd != 0 marks kept unless x was 0 */
            uint32_t thresh = (uint32_t)((double)t->lora.dropout * 4294967296.0);
            float keep = 1.0f / (1.0f - t->lora.dropout);
            for (size_t i = 0; i < (size_t)N * li->in; i++)
                if (dropout_keep(t->dropout_seed, l, w, i, thresh)) dx[i] += dxd[i] * keep;
        }
    }
}

int gt_train_step(gt_train *t, const int32_t *tokens, const uint8_t *mask, int B, int T, int grad,
                  uint64_t dropout_seed, float scale, double *loss)
{
    const gt_config *c = &t->c;
    *loss = 0;
    if (B < 1 || T < 1 || B > t->maxB || T > t->maxT)
        return gt_fail(t->err, sizeof t->err, "batch of %d x %d tokens exceeds the %d x %d set up", B, T, t->maxB,
                    t->maxT);
    for (int i = 0; i < B * T; i++)
        if (tokens[i] < 0 || tokens[i] >= c->vocab_size)
            return gt_fail(t->err, sizeof t->err, "token id %d is outside the vocabulary (0..%d)", (int)tokens[i],
                        c->vocab_size - 1);
    priv_t *pv = get_priv(t);
    acts_t *A = &pv->a;
    scratch_t *S = &pv->s;
    t->B = B;
    t->T = T;
    t->dropout_seed = dropout_seed;
    t->training = dropout_seed != 0;
    int N = B * T, D = c->dim, F = c->hidden_dim, H = c->n_heads, KV = c->n_kv_heads, hd = c->head_dim;
    int qd = H * hd, kvd = KV * hd, V = c->vocab_size;
    size_t ND = (size_t)N * D;
    /* per-layer strides use the capacity so the layout does not depend on B, T */
    size_t cN = (size_t)t->maxB * t->maxT;
    size_t attL = (size_t)t->maxB * H * t->maxT * t->maxT;

    /* the rope table is for maxT positions; rows use n % T */
    float *rope = pv->rope;
    gt_embedding_forward(A->res, t->embed, t->embed_t, tokens, N, D);
    for (int l = 0; l < c->n_layers; l++) {
        gt_tlayer *L = &t->L[l];
        float *res = A->res + (size_t)l * cN * D, *res2 = A->res2 + (size_t)l * cN * D;
        float *out = A->res + (size_t)(l + 1) * cN * D;
        float *h1 = A->h1 + (size_t)l * cN * D, *h2 = A->h2 + (size_t)l * cN * D;
        float *q = A->q + (size_t)l * cN * qd, *k = A->k + (size_t)l * cN * kvd, *v = A->v + (size_t)l * cN * kvd;
        float *att = A->att + (size_t)l * attL, *ao = A->ao + (size_t)l * cN * qd;
        float *g = A->g + (size_t)l * cN * F, *u = A->u + (size_t)l * cN * F, *a = A->a + (size_t)l * cN * F;
        gt_rmsnorm_forward(h1, A->rstd1 + (size_t)l * cN, res, L->attn_norm, N, D, c->norm_eps);
        lin_forward(t, l, GT_PROJ_Q, q, h1, N);
        lin_forward(t, l, GT_PROJ_K, k, h1, N);
        lin_forward(t, l, GT_PROJ_V, v, h1, N);
        gt_rope_forward(q, rope, N, T, H, hd);
        gt_rope_forward(k, rope, N, T, KV, hd);
        gt_attention_forward(ao, att, q, k, v, B, T, H, KV, hd);
        lin_forward(t, l, GT_PROJ_O, res2, ao, N);
        for (size_t i = 0; i < ND; i++) res2[i] += res[i];
        gt_rmsnorm_forward(h2, A->rstd2 + (size_t)l * cN, res2, L->ffn_norm, N, D, c->norm_eps);
        lin_forward(t, l, GT_PROJ_GATE, g, h2, N);
        lin_forward(t, l, GT_PROJ_UP, u, h2, N);
        gt_swiglu_forward(a, g, u, (size_t)N * F);
        lin_forward(t, l, GT_PROJ_DOWN, out, a, N);
        for (size_t i = 0; i < ND; i++) out[i] += res2[i];
    }
    float *resf = A->res + (size_t)c->n_layers * cN * D;
    gt_rmsnorm_forward(A->hf, A->rstdf, resf, t->norm, N, D, c->norm_eps);

    /* labels: row (b, t) predicts token t + 1 when it is masked in */
    int count = 0;
    for (int b = 0; b < B; b++)
        for (int i = 0; i < T; i++) {
            int n = b * T + i;
            int lab = i + 1 < T && mask[n + 1] ? tokens[n + 1] : -1;
            S->target[n] = lab;
            count += lab >= 0;
        }
    t->n_count = count;
    if (count == 0) return 0;
    float gscale = scale / (float)count;
    float *dhf = NULL;
    if (grad) {
        dhf = S->dh;
        memset(dhf, 0, sizeof(float) * ND);
    }
    if (grad && !t->g_head && !pv->headT && t->head_t != GT_DT_Q8) {     /* frozen head: W^T once */
        pv->headT = gt_xmalloc(sizeof(float) * (size_t)V * (size_t)D);
        transpose(pv->headT, t->head, t->head_t, V, D);
    }
    double sum = lmhead_ce(&pv->ws, dhf, grad ? t->g_head : NULL, A->hf, t->head, t->head_t, S->target, N, D, V,
                           gscale, S->logits, 128, t->g_head ? NULL : pv->headT);
    *loss = sum / count;
    if (!grad) return count;

    /* ---- backward ---- */
    float *dres = S->dres;
    memset(dres, 0, sizeof(float) * ND);
    gt_rmsnorm_backward(dres, t->g_norm, dhf, resf, t->norm, A->rstdf, N, D);
    for (int l = c->n_layers - 1; l >= 0; l--) {
        gt_tlayer *L = &t->L[l];
        float *res = A->res + (size_t)l * cN * D, *res2 = A->res2 + (size_t)l * cN * D;
        float *h1 = A->h1 + (size_t)l * cN * D, *h2 = A->h2 + (size_t)l * cN * D;
        float *q = A->q + (size_t)l * cN * qd, *k = A->k + (size_t)l * cN * kvd, *v = A->v + (size_t)l * cN * kvd;
        float *att = A->att + (size_t)l * attL, *ao = A->ao + (size_t)l * cN * qd;
        float *g = A->g + (size_t)l * cN * F, *u = A->u + (size_t)l * cN * F, *a = A->a + (size_t)l * cN * F;
        /* MLP block: dres is d(out) = d(res2) through the residual */
        memset(S->da, 0, sizeof(float) * (size_t)N * F);
        lin_backward(t, l, GT_PROJ_DOWN, S->da, dres, a, N);
        memset(S->dg, 0, sizeof(float) * (size_t)N * F);
        memset(S->du, 0, sizeof(float) * (size_t)N * F);
        gt_swiglu_backward(S->dg, S->du, S->da, g, u, (size_t)N * F);
        memset(S->dh, 0, sizeof(float) * ND);
        lin_backward(t, l, GT_PROJ_GATE, S->dh, S->dg, h2, N);
        lin_backward(t, l, GT_PROJ_UP, S->dh, S->du, h2, N);
        gt_rmsnorm_backward(dres, L->g_ffn_norm, S->dh, res2, L->ffn_norm, A->rstd2 + (size_t)l * cN, N, D);
        /* attention block: dres is now d(res2) = d(res) through the residual */
        memset(S->dao, 0, sizeof(float) * (size_t)N * qd);
        lin_backward(t, l, GT_PROJ_O, S->dao, dres, ao, N);
        memset(S->dq, 0, sizeof(float) * (size_t)N * qd);
        memset(S->dk, 0, sizeof(float) * (size_t)N * kvd);
        memset(S->dv, 0, sizeof(float) * (size_t)N * kvd);
        gt_attention_backward(S->dq, S->dk, S->dv, S->dao, att, q, k, v, B, T, H, KV, hd);
        gt_rope_backward(S->dq, rope, N, T, H, hd);
        gt_rope_backward(S->dk, rope, N, T, KV, hd);
        /* below layer 0 only the embedding needs the gradient */
        int need_dx = l > 0 || t->g_embed || L->g_attn_norm;
        float *dh = need_dx ? S->dh : NULL;
        if (dh) memset(dh, 0, sizeof(float) * ND);
        lin_backward(t, l, GT_PROJ_Q, dh, S->dq, h1, N);
        lin_backward(t, l, GT_PROJ_K, dh, S->dk, h1, N);
        lin_backward(t, l, GT_PROJ_V, dh, S->dv, h1, N);
        if (need_dx)
            gt_rmsnorm_backward(l > 0 || t->g_embed ? dres : NULL, L->g_attn_norm, S->dh, res, L->attn_norm,
                                A->rstd1 + (size_t)l * cN, N, D);
    }
    if (t->g_embed) gt_embedding_backward(t->g_embed, dres, tokens, N, D);
    return count;
}

void gt_train_adamw_step(gt_train *t, gt_adamw *a, float lr, float wd)
{
    gt_adamw_begin(a);
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        gt_adamw_update(a, t->params + p->off, t->grads + p->off, p->off, p->numel, lr, p->decay ? wd : 0.0f);
    }
}
