/* quant.c - 8-bit block-quantised weights (see quant.h). */
#include "nn/quant.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void gt_q8_quantize(gt_q8mat *q, const void *w, gt_dtype dt, int rows, int cols)
{
    q->rows = rows;
    q->cols = cols;
    q->nblk = (cols + GT_Q8_BLOCK - 1) / GT_Q8_BLOCK;
    q->q = gt_xmalloc((size_t)rows * (size_t)cols);
    q->s = gt_xmalloc(sizeof(float) * (size_t)rows * (size_t)q->nblk);
#pragma omp parallel
    {
        float *row = gt_xmalloc(sizeof(float) * (size_t)cols);
#pragma omp for schedule(static)
        for (int r = 0; r < rows; r++) {
            gt_row_to_f32(row, w, dt, (size_t)r, cols);
            int8_t *qr = q->q + (size_t)r * cols;
            float *sr = q->s + (size_t)r * q->nblk;
            for (int b = 0; b < q->nblk; b++) {
                int t0 = b * GT_Q8_BLOCK, t1 = t0 + GT_Q8_BLOCK < cols ? t0 + GT_Q8_BLOCK : cols;
                float amax = 0;
                for (int t = t0; t < t1; t++) amax = fmaxf(amax, fabsf(row[t]));
                float s = amax / 127.0f, inv = s > 0 ? 1.0f / s : 0;
                sr[b] = s;
                for (int t = t0; t < t1; t++) {
                    float v = nearbyintf(row[t] * inv);
                    qr[t] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
                }
            }
        }
        free(row);
    }
}

void gt_q8_free(gt_q8mat *q)
{
    free(q->q);
    free(q->s);
    memset(q, 0, sizeof *q);
}

struct gt_quant {
    gt_q8mat *mats;
    int n;
    size_t bytes;
};

/* Drop the resident pages of [P, P+N) when it lies in one of the mapped files
 * (never malloc'd memory), so that peak memory stays near the 8-bit size. */
static void release(const gt_model *m, const void *p, size_t n)
{
    const char *a = p;
    for (int i = 0; i < m->st.nfiles; i++) {
        const char *b = m->st.files[i].map;
        if (!b || a < b || a + n > b + m->st.files[i].size) continue;
        size_t pg = 4096;
        uintptr_t lo = ((uintptr_t)a + pg - 1) & ~(uintptr_t)(pg - 1), hi = ((uintptr_t)a + n) & ~(uintptr_t)(pg - 1);
        if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
        return;
    }
}

static void quant_one(gt_quant *qu, const gt_model *m, gt_wmat *w, int rows, int cols)
{
    if (w->dt == GT_DT_Q8) return;
    gt_q8mat *q = &qu->mats[qu->n++];
    gt_q8_quantize(q, w->p, w->dt, rows, cols);
    release(m, w->p, (size_t)rows * cols * gt_dtype_size(w->dt));
    qu->bytes += (size_t)rows * cols + sizeof(float) * (size_t)rows * q->nblk;
    w->p = q;
    w->dt = GT_DT_Q8;
}

gt_quant *gt_quant_model(gt_model *m, char *err, size_t errsz)
{
    if (gt_model_check_unblocked(m, "--load-8bit", err, errsz)) return NULL;   /* blocks are not requantized */
    const gt_config *c = &m->c;
    gt_quant *qu = gt_xcalloc(1, sizeof *qu);
    qu->mats = gt_xcalloc((size_t)c->n_layers * GT_PROJ_N + 2, sizeof *qu->mats);
    int tied = m->lm_head.p == m->embed.p;
    quant_one(qu, m, &m->embed, c->vocab_size, c->dim);
    if (tied) m->lm_head = m->embed;
    else quant_one(qu, m, &m->lm_head, c->vocab_size, c->dim);
    for (int l = 0; l < c->n_layers; l++) {
        gt_layer *L = &m->layers[l];
        for (int p = 0; p < GT_PROJ_N; p++) {
            int out, in;
            gt_proj_dims(c, p, &out, &in);
            quant_one(qu, m, &L->w[p], out, in);
        }
    }
    return qu;
}

size_t gt_quant_bytes(const gt_quant *q) { return q ? q->bytes : 0; }

void gt_quant_free(gt_quant *q)
{
    if (!q) return;
    for (int i = 0; i < q->n; i++) gt_q8_free(&q->mats[i]);
    free(q->mats);
    free(q);
}
