/* merge_gguf.c - a GGUF base with a LoRA adapter merged in, written as a GGUF
 * file (see merge.h). */
#include "train/merge.h"
#include "nn/ggml_types.h"
#include "nn/gguf.h"
#include "nn/gguf_write.h"
#include "nn/lora.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gt_merge_lora_from_train(gt_merge_lora *f, const gt_train *t)
{
    f->n = t->c.n_layers * GT_PROJ_N;
    f->r = t->lora.r;
    f->scale = t->lora_scale;
    f->A = gt_xcalloc((size_t)f->n, sizeof *f->A);
    f->B = gt_xcalloc((size_t)f->n, sizeof *f->B);
    for (int l = 0; l < t->c.n_layers; l++)
        for (int p = 0; p < GT_PROJ_N; p++) {
            const gt_tlin *tl = &t->L[l].lin[p];
            if (!tl->A || !tl->B) continue;
            f->A[l * GT_PROJ_N + p] = tl->A;
            f->B[l * GT_PROJ_N + p] = tl->B;
        }
}

void gt_merge_lora_from_adapter(gt_merge_lora *f, const gt_model *m, const gt_lora *l)
{
    f->n = m->c.n_layers * GT_PROJ_N;
    f->r = gt_lora_rank(l);
    f->scale = 1.0f;
    f->A = gt_xcalloc((size_t)f->n, sizeof *f->A);
    f->B = gt_xcalloc((size_t)f->n, sizeof *f->B);
    for (int i = 0; i < f->n; i++) gt_lora_factors(l, i / GT_PROJ_N, i % GT_PROJ_N, &f->A[i], &f->B[i]);
}

void gt_merge_lora_free(gt_merge_lora *f)
{
    free(f->A);
    free(f->B);
    f->A = f->B = NULL;
}

int gt_merge_file_type(int dt)
{
    /* llama.cpp's llama_ftype: LLAMA_FTYPE_ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7, MOSTLY_BF16 32 */
    return dt == GT_DT_F32 ? 0 : dt == GT_DT_F16 ? 1 : dt == GT_DT_BF16 ? 32 : dt == GT_DT_Q8_0 ? 7 : -1;
}

/* One merged projection, filled when the writer reaches it. */
typedef struct {
    const gt_gguf *g;
    const gt_gguf_tensor *t;
    const float *A, *B;
    int r, rows, cols;
    float scale;
    int n_head;                 /* attn_q / attn_k: B's rows go to the file's rotary order by N_HEAD heads; else 0 */
    int failed;                 /* the fill failed (the base's data) */
} merged;

static int fill_merged(void *ctx, float *out, char *err, size_t errsz)
{
    merged *x = ctx;
    x->failed = 1;
    if (gt_gguf_dequantize(x->g, x->t, 0, x->rows, out, err, errsz) != 0) return -1;
    const float *B = x->B;
    float *Bp = NULL;
    if (x->n_head) {
        int32_t *perm = gt_xmalloc(sizeof(int32_t) * (size_t)x->rows);
        if (gt_gguf_rope_unpermute(perm, x->rows, x->n_head) != 0) {
            free(perm);
            return gt_fail(err, errsz, "%s: tensor '%s': %d rows are not %d heads of an even size", x->g->path,
                           x->t->name, x->rows, x->n_head);
        }
        /* row I of the Hugging Face weight is row PERM[I] of the file's */
        Bp = gt_xmalloc(sizeof(float) * (size_t)x->rows * (size_t)x->r);
        for (int i = 0; i < x->rows; i++)
            memcpy(Bp + (size_t)perm[i] * x->r, B + (size_t)i * x->r, sizeof(float) * (size_t)x->r);
        free(perm);
        B = Bp;
    }
    gt_lora_merge(out, x->rows, x->cols, x->A, B, x->r, x->scale);
    free(Bp);
    x->failed = 0;
    return 0;
}

int gt_write_merged_gguf(const gt_model *m, const gt_merge_lora *f, const char *out, int dtype, char *err,
                         size_t errsz)
{
    const gt_gguf *g = m->gguf;
    int ftype = dtype >= 0 ? gt_merge_file_type(dtype) : -1;
    if (!g || (dtype >= 0 && ftype < 0)) {
        gt_fail(err, errsz, "%s: %s", out, !g ? "a merged GGUF model needs a GGUF base"
                                              : "a merged GGUF model is written as F32, F16, BF16 or Q8_0");
        return EX_USAGE;
    }
    /* which tensors take which factors */
    int *fi = gt_xcalloc(g->nt ? g->nt : 1, sizeof *fi);     /* factor index + 1, 0 for raw */
    merged *mx = gt_xcalloc((size_t)(f->n ? f->n : 1), sizeof *mx);
    gt_ggufw *w = gt_ggufw_new();
    int rc = EX_DATAERR, nm = 0;
    for (int i = 0; i < f->n; i++) {
        if (!f->A[i] || !f->B[i]) continue;
        int l = i / GT_PROJ_N, p = i % GT_PROJ_N, o, in;
        char nm_[96];
        snprintf(nm_, sizeof nm_, "blk.%d.%s.weight", l, gt_projs[p].gguf);
        const gt_gguf_tensor *t = gt_gguf_tensor_find(g, nm_);
        gt_proj_dims(&m->c, p, &o, &in);
        if (!t) { gt_fail(err, errsz, "%s: tensor '%s' is missing", g->path, nm_); goto out; }
        if (t->ndim != 2 || t->ne[0] != in || t->ne[1] != o) {
            char a[96], b[96];
            int64_t want[2] = { in, o };
            gt_fail(err, errsz, "%s: tensor '%s' has shape %s, the adapter's factors %s (ggml order)", g->path, nm_,
                    gt_shape_str(t->ne, t->ndim, a, sizeof a), gt_shape_str(want, 2, b, sizeof b));
            goto out;
        }
        if (gt_gguf_check_type(g, t, err, errsz) != 0) goto out;
        merged *x = &mx[nm++];
        x->g = g;
        x->t = t;
        x->A = f->A[i];
        x->B = f->B[i];
        x->r = f->r;
        x->rows = o;
        x->cols = in;
        x->scale = f->scale;
        x->n_head = p == GT_PROJ_Q ? m->c.n_heads : p == GT_PROJ_K ? m->c.n_kv_heads : 0;
        fi[t - g->t] = nm;
    }
    /* the metadata, in the base's order */
    for (size_t i = 0; i < g->nkv; i++) {
        const gt_gguf_kv *kv = &g->kv[i];
        if (ftype >= 0 && strcmp(kv->key, "general.file_type") == 0) gt_ggufw_u32(w, kv->key, (uint32_t)ftype);
        else gt_ggufw_val(w, kv->key, &kv->v);
    }
    if (ftype >= 0 && !gt_gguf_find(g, "general.file_type")) gt_ggufw_u32(w, "general.file_type", (uint32_t)ftype);
    /* the tensors, in the base's order */
    for (size_t i = 0; i < g->nt; i++) {
        const gt_gguf_tensor *t = &g->t[i];
        if (!fi[i]) {
            gt_ggufw_tensor_raw(w, t->name, t->ndim, t->ne, t->type, t->data, t->nbytes);
            continue;
        }
        uint32_t type = dtype >= 0 ? (uint32_t)gt_ggml_type_of_dtype(dtype)
                      : gt_ggml_can_quantize(t->type) ? t->type : GT_GGML_F16;
        if (type == GT_GGML_Q8_0 && t->ne[0] % 32) {
            gt_fail(err, errsz, "%s: tensor '%s': rows of %lld values are not whole Q8_0 blocks of 32 (write it as "
                    "f16, bf16 or f32)", g->path, t->name, (long long)t->ne[0]);
            goto out;
        }
        gt_ggufw_tensor_fill(w, t->name, t->ndim, t->ne, type, fill_merged, &mx[fi[i] - 1]);
    }
    rc = 0;
    if (gt_ggufw_write(w, out, err, errsz) != 0) {
        rc = EX_IOERR;
        for (int i = 0; i < nm; i++)
            if (mx[i].failed) rc = EX_DATAERR;
    }
out:
    gt_ggufw_free(w);
    free(mx);
    free(fi);
    return rc;
}
