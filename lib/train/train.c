/* train.c - the training model over the layers of layers.c (see train.h).
 *
 * The shape is llm.c's train_gpt2.c: per layer, every activation the backward
 * needs is kept in one big buffer; the backward walks the layers in reverse
 * with one set of gradient buffers reused for every layer, adding into the
 * parameter gradients. */
#include "train/train.h"
#include "nn/kernels.h"
#include "nn/kpath.h"
#include "core/rand.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

/* A frozen weight's transpose for dX = dY W (gt_matmul_backward_ws's WT):
 * P of type DT, or none (P NULL) once TRIED. */
typedef struct { void *p; gt_dtype dt; int tried; } wtrans;

struct gt_train_priv {
    acts_t a;
    scratch_t s;
    gt_ws ws;
    float *rope;
    /* transposes of frozen weights (LoRA), made on first use (frozen_transpose) */
    wtrans *wT;                 /* [n_layers * GT_PROJ_N] */
    wtrans headT;
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

/* Rows of the LM head's logits at a time: 128, or 64 with the head in GGUF
 * blocks (its 8-bit products lose nothing on fewer rows, and the [rows][V]
 * logits are the largest scratch: 25 MB at 128 rows of a 49,152 vocabulary) */
static int lm_chunk(const gt_train *t)
{
    return gt_dtype_is_block(t->head_t) ? 64 : 128;
}

int gt_train_init(gt_train *t, const gt_model *m, const gt_train_opts *o, int maxB, int maxT, char *err,
                  size_t errsz)
{
    memset(t, 0, sizeof *t);
    const gt_config *c = &m->c;
    t->m = m;
    t->c = *c;
    t->full = o->full;
    t->exact = o->exact;
    t->checkpoint = o->checkpoint;
    t->lora = o->lora;
    if (maxB < 1 || maxT < 1) return gt_fail(err, errsz, "batch of %d x %d tokens", maxB, maxT);
    /* LoRA keeps GGUF block weights frozen as they are; --full would need
     * F32 master copies of them (and writes a 16/32-bit model): refused */
    if (t->full && gt_model_check_unblocked(m, "lora-train --full", err, errsz)) return -1;
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
    size_t na = t->checkpoint ? 1 : nl;     /* layers whose activations are kept */
    size_t nlu = t->full ? 0 : na * GT_PROJ_N * N * r;
    size_t sizes[] = {
        (nl + 1) * N * D, na * N * D, na * N, na * N, na * N * D, na * N * D,
        na * N * qd, na * N * kvd, na * N * kvd, na * maxB * c->n_heads * (size_t)maxT * maxT, na * N * qd,
        na * N * F, na * N * F, na * N * F, nlu, N, N * D,
    };
    size_t total = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) total += sizes[i];
    t->n_acts = total;
    t->acts = malloc(sizeof(float) * total);
    priv_t *pv = calloc(1, sizeof *pv);
    int chunk = lm_chunk(t);
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
    pv->ws.widen = t->exact;
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
        gt_ws_free(&t->priv->ws);
        free(t->priv->rope);
        if (t->priv->wT)
            for (int i = 0; i < t->c.n_layers * GT_PROJ_N; i++) free(t->priv->wT[i].p);
        free(t->priv->wT);
        free(t->priv->headT.p);
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

/* The dropout masks: element IDX (n * in + i) of the input of linear (l, w)
 * is kept when its 16-bit uniform is at least THRESH = p * 65536. The
 * uniforms come 4 to a 64-bit hash, a counter-based splitmix64 stream per
 * (seed, l, w): hash c = mix64(key + c * golden), key = mix64(seed ^
 * mix64(l << 8 | w)); element IDX is bits 16 (IDX % 4) .. of hash IDX / 4.
 * (One mix per 4 elements: the masks cost ~1% of a step, where two mixes per
 * element cost 8%.) */
static inline uint64_t dropout_key(uint64_t seed, int l, int w)
{
    return gt_mix64(seed ^ gt_mix64(((uint64_t)l << 8 | (uint64_t)w) + GT_GOLDEN64));
}

static inline int dropout_keep(uint64_t key, size_t idx, uint32_t thresh)
{
    uint64_t h = gt_mix64(key + (uint64_t)(idx >> 2) * GT_GOLDEN64);
    return (uint32_t)(h >> (16 * (idx & 3)) & 0xffff) >= thresh;
}

/* The dropout of N values from element I0 (KEY: dropout_key): ADD 0, DST =
 * SRC masked and scaled by KEEP; ADD 1, DST += the same (the backward). */
static void dropout_scalar(float *dst, const float *src, int add, uint64_t key, size_t i0, size_t n, uint32_t thresh,
                           float keep)
{
    for (size_t i = 0; i < n; i++) {
        int k = dropout_keep(key, i0 + i, thresh);
        if (add) dst[i] += k ? src[i] * keep : 0.0f;
        else dst[i] = k ? src[i] * keep : 0.0f;
    }
}

#if defined(__x86_64__)
#define T512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))
T512 static inline __m512i mix64_x8(__m512i z)
{
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), _mm512_set1_epi64((long long)0xbf58476d1ce4e5b9ULL));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), _mm512_set1_epi64((long long)0x94d049bb133111ebULL));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

/* 32 elements from I (a multiple of 4): 8 hashes, their 32 16-bit words in
 * element order (little-endian), compared at once */
T512 static void dropout_avx512(float *dst, const float *src, int add, uint64_t key, size_t i0, size_t n,
                                uint32_t thresh, float keep)
{
    const __m512i th = _mm512_set1_epi16((short)thresh), g8 = _mm512_set1_epi64((long long)(8 * GT_GOLDEN64));
    const __m512 kv = _mm512_set1_ps(keep);
    size_t i = 0;
    if (i0 % 4 == 0) {
        __m512i c = _mm512_add_epi64(_mm512_set1_epi64((long long)(key + (uint64_t)(i0 >> 2) * GT_GOLDEN64)),
                                     _mm512_mullo_epi64(_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0),
                                                        _mm512_set1_epi64((long long)GT_GOLDEN64)));
        for (; i + 32 <= n; i += 32, c = _mm512_add_epi64(c, g8)) {
            __mmask32 m = _mm512_cmpge_epu16_mask(mix64_x8(c), th);
            for (int half = 0; half < 2; half++) {
                __m512 v = _mm512_maskz_mul_ps((__mmask16)(m >> (16 * half)), _mm512_loadu_ps(src + i + 16 * half), kv);
                if (add) v = _mm512_add_ps(_mm512_loadu_ps(dst + i + 16 * half), v);
                _mm512_storeu_ps(dst + i + 16 * half, v);
            }
        }
    }
    dropout_scalar(dst + i, src + i, add, key, i0 + i, n - i, thresh, keep);
}
#endif

static void dropout_apply(const gt_train *t, float *dst, const float *src, int add, int l, int w, size_t n)
{
    uint32_t thresh = (uint32_t)((double)t->lora.dropout * 65536.0 + 0.5);
    float keep = 1.0f / (1.0f - t->lora.dropout);
    uint64_t key = dropout_key(t->dropout_seed, l, w);
    size_t chunk = 4096, nc = (n + chunk - 1) / chunk;
#if defined(__x86_64__)
    int v = gt_kernels_best() == GT_K_AVX512;
#endif
#pragma omp parallel for schedule(static) if (n > 100000)
    for (size_t c = 0; c < nc; c++) {
        size_t i0 = c * chunk, m = n - i0 < chunk ? n - i0 : chunk;
#if defined(__x86_64__)
        if (v) { dropout_avx512(dst + i0, src + i0, add, key, i0, m, thresh, keep); continue; }
#endif
        dropout_scalar(dst + i0, src + i0, add, key, i0, m, thresh, keep);
    }
}

/* xd = dropout(x) for the LoRA branch of (l, w), or X itself when off */
static const float *lora_input(const gt_train *t, float *xd, const float *x, int l, int w, int N, int I)
{
    if (!t->training || t->lora.dropout <= 0) return x;
    dropout_apply(t, xd, x, 0, l, w, (size_t)N * I);
    return xd;
}

static void lin_forward(gt_train *t, int l, int w, float *y, const float *x, int N)
{
    priv_t *pv = get_priv(t);
    const gt_tlin *li = &t->L[l].lin[w];
    gt_matmul_ws(&pv->ws, y, (size_t)li->out, x, li->w, li->wt, N, li->out, li->in);
    if (li->A) {
        const float *xd = lora_input(t, pv->s.xd, x, l, w, N, li->in);
        float *u = pv->a.lu + ((size_t)(t->checkpoint ? 0 : l) * GT_PROJ_N + w) * (size_t)t->maxB * t->maxT * t->lora.r;
        gt_lora_forward(y, u, xd, li->A, li->B, t->lora_scale, N, li->out, li->in, t->lora.r);
    }
}

/* The transpose of frozen weight W [O][I] of type WT in cache C, made on
 * first use: they never change, and re-transposing them in every backward
 * cost ~10% of a step. F32/F16/BF16: as F32. GGUF blocks: as Q8_0 (layers.h's
 * gt_transpose_q8_0), so that dX = dY W runs on the 8-bit kernels; none with
 * exact (F32 tiles instead), nor for the head with checkpointing, which
 * trades speed for memory (its backward widens tiles: 30 MB less for
 * SmolLM2's). 8-bit (--load-8bit): none either: tiles, 4 bytes a weight
 * being what it avoids. NULL when there is none. */
static const wtrans *frozen_transpose(const gt_train *t, wtrans *c, const void *w, gt_dtype wt, int O, int I, int head)
{
    if (!c->tried) {
        c->tried = 1;
        if ((wt == GT_DT_F32 || wt == GT_DT_F16 || wt == GT_DT_BF16) && !gt_matmul_kd_direct(GT_K_AUTO, wt)) {
            c->p = gt_xmalloc(sizeof(float) * (size_t)O * (size_t)I);
            gt_transpose(c->p, w, wt, O, I);
            c->dt = GT_DT_F32;
        } else if (gt_dtype_is_block(wt) && !t->exact && !(head && t->checkpoint)) {
            c->p = gt_transpose_q8_0(w, wt, O, I, &c->dt);
        }
    }
    return c->p ? c : NULL;
}

/* dx (may be NULL) += dy W (+ the LoRA branch); parameter gradients added */
static void lin_backward(gt_train *t, int l, int w, float *dx, const float *dy, const float *x, int N)
{
    priv_t *pv = get_priv(t);
    const gt_tlin *li = &t->L[l].lin[w];
    const wtrans *wT = NULL;
    if (dx && !li->g) {
        if (!pv->wT) pv->wT = gt_xcalloc((size_t)t->c.n_layers * GT_PROJ_N, sizeof *pv->wT);
        wT = frozen_transpose(t, &pv->wT[(size_t)l * GT_PROJ_N + (size_t)w], li->w, li->wt, li->out, li->in, 0);
    }
    gt_matmul_backward_ws(&pv->ws, dx, li->g, dy, x, li->w, li->wt, N, li->out, li->in, wT ? wT->p : NULL,
                          wT ? wT->dt : GT_DT_F32);
    if (li->A) {
        int r = t->lora.r;
        const float *xd = lora_input(t, pv->s.xd, x, l, w, N, li->in);
        const float *u = pv->a.lu + ((size_t)(t->checkpoint ? 0 : l) * GT_PROJ_N + w) * (size_t)t->maxB * t->maxT * r;
        int dropped = xd != x;
        float *dxd = NULL;
        if (dx) {
            dxd = dropped ? pv->s.dxd : dx;
            if (dropped) memset(dxd, 0, sizeof(float) * (size_t)N * li->in);
        }
        gt_lora_backward_ws(&pv->ws, dxd, li->gA, li->gB, dy, xd, u, li->A, li->B, t->lora_scale, N, li->out, li->in, r,
                      pv->s.dlu);
        if (dx && dropped) dropout_apply(t, dx, dxd, 1, l, w, (size_t)N * li->in);   /* d xd / dx */
    }
}

/* Layer l's activations in acts: its own, or with checkpointing (only the
 * residual stream kept per layer) the one set that every layer reuses. */
typedef struct {
    float *res, *res2, *out, *h1, *h2, *q, *k, *v, *att, *ao, *g, *u, *a, *rstd1, *rstd2;
} lview;

static lview layer_view(const gt_train *t, int l)
{
    const gt_config *c = &t->c;
    const acts_t *A = &get_priv(t)->a;
    size_t cN = (size_t)t->maxB * t->maxT, D = (size_t)c->dim, F = (size_t)c->hidden_dim;
    size_t qd = (size_t)c->n_heads * c->head_dim, kvd = (size_t)c->n_kv_heads * c->head_dim;
    size_t attL = (size_t)t->maxB * c->n_heads * t->maxT * t->maxT, i = t->checkpoint ? 0 : (size_t)l;
    lview v = { A->res + (size_t)l * cN * D, A->res2 + i * cN * D, A->res + (size_t)(l + 1) * cN * D,
                A->h1 + i * cN * D, A->h2 + i * cN * D, A->q + i * cN * qd, A->k + i * cN * kvd,
                A->v + i * cN * kvd, A->att + i * attL, A->ao + i * cN * qd, A->g + i * cN * F, A->u + i * cN * F,
                A->a + i * cN * F, A->rstd1 + i * cN, A->rstd2 + i * cN };
    return v;
}

/* Layer l's forward over the batch (B x T) into its views (the backward's
 * recomputation with checkpointing: the same values, the same dropout). */
static void layer_forward(gt_train *t, int l, const lview *lv, int B, int T)
{
    const gt_config *c = &t->c;
    gt_tlayer *L = &t->L[l];
    int N = B * T, D = c->dim, F = c->hidden_dim, H = c->n_heads, KV = c->n_kv_heads, hd = c->head_dim;
    size_t ND = (size_t)N * D;
    const float *rope = get_priv(t)->rope;
    gt_rmsnorm_forward(lv->h1, lv->rstd1, lv->res, L->attn_norm, N, D, c->norm_eps);
    lin_forward(t, l, GT_PROJ_Q, lv->q, lv->h1, N);
    lin_forward(t, l, GT_PROJ_K, lv->k, lv->h1, N);
    lin_forward(t, l, GT_PROJ_V, lv->v, lv->h1, N);
    gt_rope_forward(lv->q, rope, N, T, H, hd);
    gt_rope_forward(lv->k, rope, N, T, KV, hd);
    gt_attention_forward(lv->ao, lv->att, lv->q, lv->k, lv->v, B, T, H, KV, hd);
    lin_forward(t, l, GT_PROJ_O, lv->res2, lv->ao, N);
    for (size_t i = 0; i < ND; i++) lv->res2[i] += lv->res[i];
    gt_rmsnorm_forward(lv->h2, lv->rstd2, lv->res2, L->ffn_norm, N, D, c->norm_eps);
    lin_forward(t, l, GT_PROJ_GATE, lv->g, lv->h2, N);
    lin_forward(t, l, GT_PROJ_UP, lv->u, lv->h2, N);
    gt_swiglu_forward(lv->a, lv->g, lv->u, (size_t)N * F);
    lin_forward(t, l, GT_PROJ_DOWN, lv->out, lv->a, N);
    for (size_t i = 0; i < ND; i++) lv->out[i] += lv->res2[i];
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

    /* the rope table is for maxT positions; rows use n % T */
    float *rope = pv->rope;
    gt_embedding_forward(A->res, t->embed, t->embed_t, tokens, N, D);
    for (int l = 0; l < c->n_layers; l++) {
        lview lv = layer_view(t, l);
        layer_forward(t, l, &lv, B, T);
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
    const wtrans *hT = grad && !t->g_head ? frozen_transpose(t, &pv->headT, t->head, t->head_t, V, D, 1) : NULL;
    double sum = gt_lmhead_ce_ws(&pv->ws, dhf, grad ? t->g_head : NULL, A->hf, t->head, t->head_t, S->target, N, D, V,
                           gscale, S->logits, lm_chunk(t), hT ? hT->p : NULL, hT ? hT->dt : GT_DT_F32);
    *loss = sum / count;
    if (!grad) return count;

    /* ---- backward ---- */
    float *dres = S->dres;
    memset(dres, 0, sizeof(float) * ND);
    gt_rmsnorm_backward(dres, t->g_norm, dhf, resf, t->norm, A->rstdf, N, D);
    for (int l = c->n_layers - 1; l >= 0; l--) {
        gt_tlayer *L = &t->L[l];
        lview lv = layer_view(t, l);
        /* checkpointing: the layer's activations again from its input (the
         * last layer's are still there from the forward) */
        if (t->checkpoint && l < c->n_layers - 1) layer_forward(t, l, &lv, B, T);
        float *res = lv.res, *res2 = lv.res2, *h1 = lv.h1, *h2 = lv.h2, *q = lv.q, *k = lv.k, *v = lv.v;
        float *att = lv.att, *ao = lv.ao, *g = lv.g, *u = lv.u, *a = lv.a;
        /* MLP block: dres is d(out) = d(res2) through the residual */
        memset(S->da, 0, sizeof(float) * (size_t)N * F);
        lin_backward(t, l, GT_PROJ_DOWN, S->da, dres, a, N);
        memset(S->dg, 0, sizeof(float) * (size_t)N * F);
        memset(S->du, 0, sizeof(float) * (size_t)N * F);
        gt_swiglu_backward(S->dg, S->du, S->da, g, u, (size_t)N * F);
        memset(S->dh, 0, sizeof(float) * ND);
        lin_backward(t, l, GT_PROJ_GATE, S->dh, S->dg, h2, N);
        lin_backward(t, l, GT_PROJ_UP, S->dh, S->du, h2, N);
        gt_rmsnorm_backward(dres, L->g_ffn_norm, S->dh, res2, L->ffn_norm, lv.rstd2, N, D);
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
                                lv.rstd1, N, D);
    }
    if (t->g_embed) gt_embedding_backward(t->g_embed, dres, tokens, N, D);
    return count;
}

void gt_train_adamw_range(gt_train *t, gt_adamw *a, float lr, float wd, size_t lo, size_t hi)
{
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        size_t a0 = p->off > lo ? p->off : lo, a1 = p->off + p->numel < hi ? p->off + p->numel : hi;
        if (a0 < a1) gt_adamw_update(a, t->params + a0, t->grads + a0, a0, a1 - a0, lr, p->decay ? wd : 0.0f);
    }
}

void gt_train_adamw_step(gt_train *t, gt_adamw *a, float lr, float wd)
{
    gt_adamw_begin(a);
    gt_train_adamw_range(t, a, lr, wd, 0, t->n_params);
}
