/* model.c - the LLaMA forward pass and its run state (see model.h; loading
 * is load.c's).
 *
 * The forward pass follows Hugging Face's modeling_llama.py step by step, over
 * a chunk of tokens at a time (llama2.c's run.c is the shape: plain structs,
 * one function per step):
 *   x = embed(tokens)
 *   per layer:  h = rmsnorm(x);  q,k,v = h Wq^T, h Wk^T, h Wv^T   (k, v into the cache)
 *               rope(q, k);  a = softmax(q k^T / sqrt(hd), causal) v  (GQA: head h reads
 *               kv head h / (n_heads / n_kv_heads));  x += a Wo^T
 *               h = rmsnorm(x);  x += (silu(h Wg^T) * h Wu^T) Wd^T
 *   logits = rmsnorm(x) Wlm^T
 * RoPE is the rotate_half form: within a head, element j pairs with j + hd/2. */
#include "nn/model.h"
#include "nn/kernels.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* ---------------------------------------------------------------- run state */

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

static int thread_num(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

gt_state *gt_state_new(const gt_model *m, int max_seq, int chunk, char *err, size_t errsz)
{
    const gt_config *c = &m->c;
    if (max_seq <= 0) max_seq = c->max_pos;
    if (chunk <= 0) chunk = 64;
    if (chunk > max_seq) chunk = max_seq;
    gt_state *s = calloc(1, sizeof *s);
    if (!s) { gt_fail(err, errsz, "out of memory"); return NULL; }
    s->max_seq = max_seq;
    s->chunk = chunk;
    s->att_threads = max_threads();
    size_t ch = (size_t)chunk, qd = (size_t)c->n_heads * c->head_dim, kvd = (size_t)c->n_kv_heads * c->head_dim;
    size_t dmax = (size_t)c->dim > qd ? (size_t)c->dim : qd;
    s->kv_bytes = 2 * sizeof(float) * (size_t)c->n_layers * (size_t)max_seq * kvd;
    s->x = malloc(sizeof(float) * ch * c->dim);
    s->xb = malloc(sizeof(float) * ch * dmax);
    s->xb2 = malloc(sizeof(float) * ch * qd);
    s->q = malloc(sizeof(float) * ch * qd);
    s->hb = malloc(sizeof(float) * ch * c->hidden_dim);
    s->hb2 = malloc(sizeof(float) * ch * c->hidden_dim);
    s->rope = malloc(sizeof(float) * ch * c->head_dim);
    s->kb = malloc(sizeof(float) * ch * kvd);
    int rep = c->n_heads / c->n_kv_heads;     /* decoding attends REP query heads of one KV head at once */
    s->att_rows = chunk > rep ? chunk : rep;
    if (s->att_rows > GT_ATT_ROWS) s->att_rows = GT_ATT_ROWS;
    s->att = malloc(sizeof(float) * (size_t)s->att_threads * (size_t)s->att_rows * max_seq);
    s->key_cache = malloc(s->kv_bytes / 2);
    s->value_cache = malloc(s->kv_bytes / 2);
    if (!s->x || !s->xb || !s->xb2 || !s->q || !s->hb || !s->hb2 || !s->rope || !s->kb || !s->att || !s->key_cache ||
        !s->value_cache) {
        gt_fail(err, errsz, "out of memory for a run state of %d tokens (KV cache %zu MB)", max_seq, s->kv_bytes >> 20);
        gt_state_free(s);
        return NULL;
    }
    return s;
}

void gt_state_free(gt_state *s)
{
    if (!s) return;
    free(s->x); free(s->xb); free(s->xb2); free(s->q); free(s->hb); free(s->hb2);
    free(s->rope); free(s->kb); free(s->att); free(s->key_cache); free(s->value_cache);
    free(s);
}

void gt_state_copy(const gt_model *m, gt_state *dst, const gt_state *src, int a, int b)
{
    if (b <= a) return;
    size_t kvd = (size_t)m->c.n_kv_heads * m->c.head_dim, n = (size_t)(b - a);
    for (int l = 0; l < m->c.n_layers; l++) {
        const float *ks = src->key_cache + (size_t)l * kvd * src->max_seq + a;
        float *kd = dst->key_cache + (size_t)l * kvd * dst->max_seq + a;
        for (size_t c = 0; c < kvd; c++)
            memcpy(kd + c * dst->max_seq, ks + c * src->max_seq, sizeof(float) * n);
        memcpy(dst->value_cache + ((size_t)l * dst->max_seq + a) * kvd,
               src->value_cache + ((size_t)l * src->max_seq + a) * kvd, sizeof(float) * n * kvd);
    }
}

/* ---------------------------------------------------------------- forward */

static void embed(const gt_model *m, gt_state *s, const int32_t *tok, int n)
{
    for (int i = 0; i < n; i++)
        gt_row_to_f32(s->x + (size_t)i * m->c.dim, m->embed.p, m->embed.dt, (size_t)tok[i], m->c.dim);
}

static void rmsnorm_rows(float *out, const float *x, const float *w, int n, int dim, float eps)
{
    for (int i = 0; i < n; i++) gt_rmsnorm(out + (size_t)i * dim, x + (size_t)i * dim, w, dim, eps);
}

/* Keys of N rows ([n][kvd]) into layer L's transposed key cache at positions POS... */
static void store_keys(const gt_model *m, gt_state *s, int l, int pos, const float *k, int n)
{
    size_t kvd = (size_t)m->c.n_kv_heads * m->c.head_dim, ms = (size_t)s->max_seq;
    float *kt = s->key_cache + (size_t)l * kvd * ms + pos;
    for (size_t c = 0; c < kvd; c++)
        for (int i = 0; i < n; i++) kt[c * ms + (size_t)i] = k[(size_t)i * kvd + c];
}

/* ROWS query rows (row stride LDQ) of one head against one KV head's cache: KT
 * its keys transposed ([head_dim][ldk]), V its values (row stride LDV). Row r
 * sees the first T positions, or with CAUSAL the first T - ROWS + r + 1. Out:
 * softmax(q K^T * scale) V into O (row stride LDO), BLOCK rows at a time.
 * ATT: BLOCK * T floats. */
static void attend(const float *q, size_t ldq, int rows, const float *kt, size_t ldk, const float *v, size_t ldv,
                   int T, int causal, int hd, float scale, int block, float *att, float *o, size_t ldo)
{
    for (int r0 = 0; r0 < rows; r0 += block) {
        int nr = rows - r0 < block ? rows - r0 : block;
        int cols = causal ? T - rows + r0 + nr : T;      /* positions the block's last row sees */
        gt_matmul_nn(att, (size_t)cols, q + (size_t)r0 * ldq, ldq, kt, ldk, nr, cols, hd);
        for (int r = 0; r < nr; r++) {
            float *a = att + (size_t)r * cols;
            int seen = causal ? cols - nr + r + 1 : cols;
            for (int t = 0; t < seen; t++) a[t] *= scale;
            gt_softmax(a, seen);
            for (int t = seen; t < cols; t++) a[t] = 0;
        }
        gt_matmul_nn(o + (size_t)r0 * ldo, ldo, att, (size_t)cols, v, ldv, nr, hd, cols);
    }
}

/* Causal attention of the chunk's N queries (at POS...) over the cache of layer L. */
static void attention(const gt_model *m, gt_state *s, int l, int n, int pos)
{
    const gt_config *c = &m->c;
    int hd = c->head_dim, kvd = c->n_kv_heads * hd, qd = c->n_heads * hd, rep = c->n_heads / c->n_kv_heads;
    size_t ms = (size_t)s->max_seq;
    const float *kt = s->key_cache + (size_t)l * kvd * ms;
    const float *vc = s->value_cache + (size_t)l * ms * kvd;
    float scale = 1.0f / sqrtf((float)hd);
    int blocks = (n + s->att_rows - 1) / s->att_rows, jobs = blocks * c->n_heads;
#pragma omp parallel for schedule(dynamic, 1) num_threads(s->att_threads) if (jobs > 1 && (long long)n * (pos + n) * hd > 20000)
    for (int job = 0; job < jobs; job++) {
        int b = job / c->n_heads, h = job % c->n_heads, kh = h / rep;
        int r0 = b * s->att_rows, nr = n - r0 < s->att_rows ? n - r0 : s->att_rows;
        attend(s->q + (size_t)r0 * qd + (size_t)h * hd, (size_t)qd, nr, kt + (size_t)kh * hd * ms, ms,
               vc + (size_t)kh * hd, (size_t)kvd, pos + r0 + nr, 1, hd, scale, s->att_rows,
               s->att + (size_t)thread_num() * (size_t)s->att_rows * ms, s->xb2 + (size_t)r0 * qd + (size_t)h * hd,
               (size_t)qd);
    }
}

static void add_rows(float *x, const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) x[i] += y[i];
}

/* The delta hook for one projection P (output OUT, input X) */
static void delta1(const gt_model *m, int l, int p, float *out, int ldo, const float *x, int n)
{
    size_t ld = (size_t)ldo;
    m->delta(m->delta_ctx, l, p, 1, &out, &ld, x, n);
}

/* The attention inputs of rows 0..N of layer L: normed x, then q into s->q and
 * the keys and values into K and V ([n][kvd]), LoRA deltas included. */
static void qkv(const gt_model *m, gt_state *s, int l, int n, float *k, float *v)
{
    const gt_config *c = &m->c;
    const gt_layer *L = &m->layers[l];
    int dim = c->dim, qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
    rmsnorm_rows(s->xb, s->x, L->attn_norm, n, dim, c->norm_eps);
    gt_matmul(s->q, qd, s->xb, L->w[GT_PROJ_Q].p, L->w[GT_PROJ_Q].dt, n, qd, dim);
    gt_matmul(k, kvd, s->xb, L->w[GT_PROJ_K].p, L->w[GT_PROJ_K].dt, n, kvd, dim);
    gt_matmul(v, kvd, s->xb, L->w[GT_PROJ_V].p, L->w[GT_PROJ_V].dt, n, kvd, dim);
    if (m->delta) {
        float *outs[3] = { s->q, k, v };
        size_t ldos[3] = { (size_t)qd, (size_t)kvd, (size_t)kvd };
        m->delta(m->delta_ctx, l, GT_PROJ_Q, 3, outs, ldos, s->xb, n);
    }
}

/* The rest of layer L after attention (its output in s->xb2): the output
 * projection and residual, then the SwiGLU MLP block and residual. */
static void layer_rest(const gt_model *m, gt_state *s, int l, int n)
{
    const gt_config *c = &m->c;
    const gt_layer *L = &m->layers[l];
    int dim = c->dim, qd = c->n_heads * c->head_dim, hid = c->hidden_dim;
    gt_matmul(s->xb, dim, s->xb2, L->w[GT_PROJ_O].p, L->w[GT_PROJ_O].dt, n, dim, qd);
    if (m->delta) delta1(m, l, GT_PROJ_O, s->xb, dim, s->xb2, n);
    add_rows(s->x, s->xb, (size_t)n * dim);
    rmsnorm_rows(s->xb, s->x, L->ffn_norm, n, dim, c->norm_eps);
    gt_matmul(s->hb, hid, s->xb, L->w[GT_PROJ_GATE].p, L->w[GT_PROJ_GATE].dt, n, hid, dim);
    gt_matmul(s->hb2, hid, s->xb, L->w[GT_PROJ_UP].p, L->w[GT_PROJ_UP].dt, n, hid, dim);
    if (m->delta) {
        float *outs[2] = { s->hb, s->hb2 };
        size_t ldos[2] = { (size_t)hid, (size_t)hid };
        m->delta(m->delta_ctx, l, GT_PROJ_GATE, 2, outs, ldos, s->xb, n);
    }
    gt_swiglu(s->hb, s->hb2, n * hid);
    gt_matmul(s->xb, dim, s->hb, L->w[GT_PROJ_DOWN].p, L->w[GT_PROJ_DOWN].dt, n, dim, hid);
    if (m->delta) delta1(m, l, GT_PROJ_DOWN, s->xb, dim, s->hb, n);
    add_rows(s->x, s->xb, (size_t)n * dim);
}

static void forward_chunk(const gt_model *m, gt_state *s, const int32_t *tok, int n, int pos, float *logits,
                          int want_all)
{
    const gt_config *c = &m->c;
    int dim = c->dim, hd = c->head_dim, qd = c->n_heads * hd, kvd = c->n_kv_heads * hd;
    embed(m, s, tok, n);
    gt_rope_table(s->rope, m->inv_freq, pos, n, m->c.head_dim);
    for (int l = 0; l < c->n_layers; l++) {
        float *vc = s->value_cache + ((size_t)l * s->max_seq + pos) * kvd;
        /* attention block */
        qkv(m, s, l, n, s->kb, vc);
        for (int i = 0; i < n; i++) {
            const float *r = s->rope + (size_t)i * hd;
            gt_rope_rotate(s->q + (size_t)i * qd, c->n_heads, hd, r, 1.0f);
            gt_rope_rotate(s->kb + (size_t)i * kvd, c->n_kv_heads, hd, r, 1.0f);
        }
        store_keys(m, s, l, pos, s->kb, n);
        attention(m, s, l, n, pos);
        layer_rest(m, s, l, n);
    }
    if (!logits) return;
    int first = want_all ? 0 : n - 1, rows = n - first;
    rmsnorm_rows(s->xb, s->x + (size_t)first * dim, m->norm, rows, dim, c->norm_eps);
    gt_matmul(logits, (size_t)c->vocab_size, s->xb, m->lm_head.p, m->lm_head.dt, rows, c->vocab_size, dim);
}

int gt_model_forward(const gt_model *m, gt_state *s, const int32_t *tokens, int n, int pos, float *logits,
                     int want_all)
{
    if (n < 0 || pos < 0 || pos > s->len)
        return gt_fail(s->err, sizeof s->err, "position %d is past the %d tokens in the cache", pos, s->len);
    if (n > s->max_seq - pos)
        return gt_fail(s->err, sizeof s->err, "%d tokens at position %d exceed the context of %d tokens", n, pos,
                    s->max_seq);
    for (int i = 0; i < n; i++)
        if (tokens[i] < 0 || tokens[i] >= m->c.vocab_size)
            return gt_fail(s->err, sizeof s->err, "token id %d is outside the vocabulary (0..%d)", (int)tokens[i],
                        m->c.vocab_size - 1);
    s->len = pos;
    for (int done = 0; done < n; done += s->chunk) {
        int nb = n - done < s->chunk ? n - done : s->chunk;
        float *lo = NULL;
        if (logits && want_all) lo = logits + (size_t)done * m->c.vocab_size;
        else if (logits && done + nb == n) lo = logits;
        forward_chunk(m, s, tokens + done, nb, pos + done, lo, want_all);
        s->len = pos + done + nb;
    }
    return 0;
}

int gt_model_decode_multi(const gt_model *m, gt_state *const *st, const int32_t *tok, int n, int pos,
                          float *const *logits)
{
    const gt_config *c = &m->c;
    gt_state *s = st[0];
    int dim = c->dim, hd = c->head_dim, qd = c->n_heads * hd, kvd = c->n_kv_heads * hd, hid = c->hidden_dim;
    int rep = c->n_heads / c->n_kv_heads;
    size_t ms = (size_t)s->max_seq;
    if (n > s->chunk || hid < kvd) {              /* no room for N rows: one sequence at a time */
        for (int i = 0; i < n; i++)
            if (gt_model_forward(m, st[i], tok + i, 1, pos, logits[i], 0) != 0) {
                if (i) snprintf(s->err, sizeof s->err, "%s", st[i]->err);
                return -1;
            }
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (pos < 0 || pos > st[i]->len || pos >= st[i]->max_seq || st[i]->max_seq != s->max_seq)
            return gt_fail(s->err, sizeof s->err, "position %d does not fit cache %d", pos, i);
        if (tok[i] < 0 || tok[i] >= c->vocab_size)
            return gt_fail(s->err, sizeof s->err, "token id %d is outside the vocabulary (0..%d)", (int)tok[i],
                        c->vocab_size - 1);
    }
    embed(m, s, tok, n);
    gt_rope_table(s->rope, m->inv_freq, pos, 1, hd);                      /* every row is at POS */
    float *kn = s->hb, *vn = s->hb2;               /* the rows' new keys and values, [n][kvd] */
    float scale = 1.0f / sqrtf((float)hd);
    for (int l = 0; l < c->n_layers; l++) {
        qkv(m, s, l, n, kn, vn);
        size_t at = ((size_t)l * ms + pos) * kvd;
        for (int i = 0; i < n; i++) {
            gt_rope_rotate(s->q + (size_t)i * qd, c->n_heads, hd, s->rope, 1.0f);
            gt_rope_rotate(kn + (size_t)i * kvd, c->n_kv_heads, hd, s->rope, 1.0f);
            store_keys(m, st[i], l, pos, kn + (size_t)i * kvd, 1);
            memcpy(st[i]->value_cache + at, vn + (size_t)i * kvd, sizeof(float) * (size_t)kvd);
        }
        /* one job per row and KV head: its REP query heads are REP rows of stride hd */
        int jobs = n * c->n_kv_heads;
#pragma omp parallel for schedule(dynamic, 1) num_threads(s->att_threads) if (jobs > 1 && (long long)n * (pos + 1) * qd > 20000)
        for (int job = 0; job < jobs; job++) {
            int i = job / c->n_kv_heads, kh = job % c->n_kv_heads;
            const float *kt = st[i]->key_cache + (size_t)l * kvd * ms + (size_t)kh * hd * ms;
            const float *vc = st[i]->value_cache + (size_t)l * ms * kvd + (size_t)kh * hd;
            size_t qo = (size_t)i * qd + (size_t)kh * rep * hd;
            attend(s->q + qo, (size_t)hd, rep, kt, ms, vc, (size_t)kvd, pos + 1, 0, hd, scale, s->att_rows,
                   s->att + (size_t)thread_num() * (size_t)s->att_rows * ms, s->xb2 + qo, (size_t)hd);
        }
        layer_rest(m, s, l, n);
    }
    rmsnorm_rows(s->xb, s->x, m->norm, n, dim, c->norm_eps);
    for (int i = 0; i < n; i++) st[i]->len = pos + 1;
    int contiguous = 1;
    for (int i = 1; i < n; i++) contiguous &= logits[i] == logits[0] + (size_t)i * c->vocab_size;
    if (contiguous) {
        gt_matmul(logits[0], (size_t)c->vocab_size, s->xb, m->lm_head.p, m->lm_head.dt, n, c->vocab_size, dim);
    } else {
        for (int i = 0; i < n; i++)
            gt_matmul(logits[i], (size_t)c->vocab_size, s->xb + (size_t)i * dim, m->lm_head.p, m->lm_head.dt, 1,
                      c->vocab_size, dim);
    }
    return 0;
}
