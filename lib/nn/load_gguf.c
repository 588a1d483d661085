/* load_gguf.c - GGUF files as gt_models (see load_gguf.h). */
#include "nn/load_gguf.h"
#include "nn/gguf.h"
#include "nn/ggml_types.h"
#include "nn/qmatmul.h"
#include "core/util.h"

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The hyperparameters as a gt_config. */
static int config_of(gt_config *c, const gt_gguf *g, const gt_gguf_llama *hp, char *err, size_t errsz)
{
    memset(c, 0, sizeof *c);
    c->dim = hp->n_embd;
    c->hidden_dim = hp->n_ff;
    c->n_layers = hp->n_layer;
    c->n_heads = hp->n_head;
    c->n_kv_heads = hp->n_head_kv;
    c->head_dim = hp->head_dim;
    c->vocab_size = hp->n_vocab;
    c->max_pos = hp->n_ctx > 0 ? hp->n_ctx : 2048;
    c->norm_eps = hp->rms_eps > 0 ? hp->rms_eps : 1e-6f;
    c->rope_theta = hp->rope_base;
    c->tie_embeddings = !hp->has_output;
    c->rope_type = GT_ROPE_DEFAULT;
    if (hp->head_dim % 2 || hp->n_rot != hp->head_dim)
        return gt_fail(err, errsz, "%s: llama.rope.dimension_count %d: only RoPE over the whole head (%d) is supported",
                       g->path, hp->n_rot, hp->head_dim);
    if (strcmp(hp->rope_scaling, "linear") == 0 || (strcmp(hp->rope_scaling, "none") == 0 && hp->rope_factor != 1)) {
        c->rope_type = GT_ROPE_LINEAR;
        c->rope_factor = hp->rope_factor;
    } else if (strcmp(hp->rope_scaling, "none") != 0) {
        return gt_fail(err, errsz, "%s: llama.rope.scaling.type \"%s\" is not supported (none, linear)", g->path,
                       hp->rope_scaling);
    }
    uint32_t id;
    int r;
    c->bos_id = -1;
    if ((r = gt_gguf_get_u32(g, "tokenizer.ggml.bos_token_id", &id, err, errsz)) < 0) return -1;
    if (r == 0 && id < (uint32_t)c->vocab_size) c->bos_id = (int)id;
    if ((r = gt_gguf_get_u32(g, "tokenizer.ggml.eos_token_id", &id, err, errsz)) < 0) return -1;
    if (r == 0 && id < (uint32_t)c->vocab_size) c->eos_ids[c->n_eos++] = (int)id;
    return 0;
}

/* N bytes owned by the model (freed with its gt_st's private copies). */
static void *own_alloc(gt_model *m, size_t n)
{
    void *p = gt_xmalloc(n ? n : 1);
    m->st.copies = gt_xrealloc(m->st.copies, (size_t)(m->st.ncopies + 1) * sizeof *m->st.copies);
    m->st.copies[m->st.ncopies++] = p;
    return p;
}

static void *own_copy(gt_model *m, const void *src, size_t n) { return memcpy(own_alloc(m, n), src, n); }

/* The whole pages of the mapping between A and B handed back: a mapped
 * file's pages count as resident once read. */
static void release_pages(const void *a, const void *b)
{
    uintptr_t ps = (uintptr_t)sysconf(_SC_PAGESIZE), lo = ((uintptr_t)a + ps - 1) & ~(ps - 1), hi = (uintptr_t)b & ~(ps - 1);
    if (hi > lo) madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* N bytes of G's file at the mapped address P into BUF, read with pread:
 * the mapping's pages are then never touched (released pages can stay
 * resident when the kernel keeps a file's pages in large folios). 0 ok. */
static int read_mapped(const gt_gguf *g, int fd, const void *p, size_t n, void *buf)
{
    off_t off = (off_t)((const unsigned char *)p - g->base);
    for (size_t done = 0; done < n;) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, off + (off_t)done);
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

/* A weight of a block type as qmatmul.h's panels, on a CPU whose kernels
 * want them (gt_qpack_wanted): packed 64 panels at a time from SRC (ROWS
 * rows of COLS values); from the file (MAPPED: SRC is in G's mapping) each
 * slice is read into a buffer, so that memory holds the panels and not the
 * file's pages as well (when the file cannot be read so, the mapping's pages
 * of each slice are handed back once packed). */
static int pack_weight(gt_model *m, gt_wmat *w, const unsigned char *src, int rows, int cols, int mapped)
{
    uint32_t type = gt_dtype_ggml(w->dt);
    size_t bytes = gt_qpack_bytes(type, rows, cols), rb = 0;
    if (!bytes || gt_ggml_row_bytes(type, cols, &rb) != 0) return -1;   /* left as blocks */
    unsigned char *dst = own_alloc(m, bytes), *buf = NULL;
    int np = (rows + GT_QPACK_ROWS - 1) / GT_QPACK_ROWS, fd = mapped ? open(m->gguf->path, O_RDONLY) : -1;
    size_t pb = bytes / (size_t)np;
    if (fd >= 0) buf = gt_xmalloc((size_t)64 * GT_QPACK_ROWS * rb);
    for (int p = 0; p < np; p += 64) {
        int p1 = p + 64 < np ? p + 64 : np, r0 = GT_QPACK_ROWS * p;
        int r1 = GT_QPACK_ROWS * p1 < rows ? GT_QPACK_ROWS * p1 : rows;
        const unsigned char *s = src + (size_t)r0 * rb;
        if (fd >= 0 && read_mapped(m->gguf, fd, s, (size_t)(r1 - r0) * rb, buf) == 0) s = buf;
        gt_qpack(dst + (size_t)p * pb, s, type, r1 - r0, cols, 0, p1 - p);   /* the slice's rows as a matrix */
        if (mapped && s != buf) release_pages(src, src + (size_t)r1 * rb);
    }
    if (fd >= 0) close(fd);
    free(buf);
    w->p = dst;
    w->dt = gt_dtype_packed(w->dt);
    return 0;
}

/* Tensor NAME as a weight: its type mapped to a gt_dtype, the data in place
 * (16/32-bit data copied when the file left it misaligned for its type). */
static int weight(gt_model *m, gt_wmat *w, const char *name, char *err, size_t errsz)
{
    const gt_gguf *g = m->gguf;
    const gt_gguf_tensor *t = gt_gguf_tensor_find(g, name);
    if (!t) return gt_fail(err, errsz, "%s: tensor '%s' is missing", g->path, name);
    if (gt_dtype_from_ggml(t->type, &w->dt) != 0) {
        const char *tn = gt_ggml_type_name(t->type);
        return gt_fail(err, errsz, "%s: tensor '%s': type %s is not supported (F32, F16, BF16, Q8_0, Q4_0, Q4_1, "
                       "Q5_0, Q5_1, Q4_K, Q5_K, Q6_K)", g->path, name, tn ? tn : "?");
    }
    w->p = t->data;
    size_t sz = gt_dtype_size(w->dt);
    if (sz > 1 && (uintptr_t)t->data % sz) w->p = own_copy(m, t->data, t->nbytes);
    m->weight_bytes += t->nbytes;
    return 0;
}

/* Tensor NAME as a weight, its blocks repacked when the CPU wants panels. */
static int weight_packed(gt_model *m, gt_wmat *w, const char *name, char *err, size_t errsz)
{
    if (weight(m, w, name, err, errsz)) return -1;
    if (gt_dtype_is_block(w->dt) && m->qpack) {
        const gt_gguf_tensor *t = gt_gguf_tensor_find(m->gguf, name);
        (void)pack_weight(m, w, w->p, (int)t->nrows, (int)t->ne[0], m->gguf->mapped);
    }
    return 0;
}

/* attn_q / attn_k of a layer: rows gathered back from the converter's
 * rotary order (by N_HEAD heads) into a private copy. */
static int weight_unpermuted(gt_model *m, gt_wmat *w, const char *name, int n_head, char *err, size_t errsz)
{
    if (weight(m, w, name, err, errsz)) return -1;
    const gt_gguf_tensor *t = gt_gguf_tensor_find(m->gguf, name);
    int rows = (int)t->nrows;
    int32_t *perm = gt_xmalloc(sizeof(int32_t) * (size_t)rows);
    if (gt_gguf_rope_unpermute(perm, rows, n_head) != 0) {
        free(perm);
        return gt_fail(err, errsz, "%s: tensor '%s': %d rows are not %d heads of an even size", m->gguf->path, name,
                       rows, n_head);
    }
    int pack = gt_dtype_is_block(w->dt) && m->qpack;
    void *dst = pack ? gt_xmalloc(t->nbytes) : own_alloc(m, t->nbytes), *copy = NULL;
    const void *from = w->p;
    if (pack && m->gguf->mapped) {   /* read, not mapped in: see read_mapped */
        int fd = open(m->gguf->path, O_RDONLY);
        copy = gt_xmalloc(t->nbytes);
        if (fd >= 0 && read_mapped(m->gguf, fd, t->data, t->nbytes, copy) == 0) from = copy;
        if (fd >= 0) close(fd);
    }
    gt_ggml_gather_rows(dst, from, gt_gguf_row_bytes(t), perm, rows);
    free(copy);
    free(perm);
    if (m->gguf->mapped && from == w->p) release_pages(t->data, (const unsigned char *)t->data + t->nbytes);
    w->p = dst;
    if (pack) {   /* from the gathered rows, freed once packed (else the model's) */
        if (pack_weight(m, w, dst, rows, (int)t->ne[0], 0) == 0) {
            free(dst);
        } else {
            m->st.copies = gt_xrealloc(m->st.copies, (size_t)(m->st.ncopies + 1) * sizeof *m->st.copies);
            m->st.copies[m->st.ncopies++] = dst;
        }
    }
    return 0;
}

/* Tensor NAME (a vector) as an F32 copy. */
static float *norm_vec(gt_model *m, const char *name, char *err, size_t errsz)
{
    const gt_gguf_tensor *t = gt_gguf_tensor_find(m->gguf, name);
    if (!t) { gt_fail(err, errsz, "%s: tensor '%s' is missing", m->gguf->path, name); return NULL; }
    float *v = gt_xmalloc(sizeof(float) * (size_t)(t->nelem ? t->nelem : 1));
    if (gt_gguf_dequantize(m->gguf, t, 0, t->nrows, v, err, errsz) != 0) { free(v); return NULL; }
    m->weight_bytes += t->nbytes;
    if (m->qpack && m->gguf->mapped) {   /* reading it mapped a large folio around it: hand that back */
        const unsigned char *d0 = m->gguf->base + m->gguf->data_offset, *end = m->gguf->base + m->gguf->size;
        const unsigned char *a = (const unsigned char *)t->data, *b = a + t->nbytes;
        a = (size_t)(a - d0) > (4u << 20) ? a - (4u << 20) : d0;
        b = (size_t)(end - b) > (4u << 20) ? b + (4u << 20) : end;
        release_pages(a, b);
    }
    return v;
}

/* RoPE frequencies: base^(-2j/hd), over the linear factor, and over
 * rope_freqs.weight's per-frequency factors when the file has them (as
 * llama.cpp divides its angles by them: LLaMA-3.1's scaling). */
static int frequencies(gt_model *m, const gt_gguf_llama *hp, char *err, size_t errsz)
{
    const gt_config *c = &m->c;
    int half = c->head_dim / 2;
    float *ff = NULL;
    if (hp->has_rope_freqs) {
        const gt_gguf_tensor *t = gt_gguf_tensor_find(m->gguf, "rope_freqs.weight");
        if (t->nelem != half)
            return gt_fail(err, errsz, "%s: tensor 'rope_freqs.weight' has %lld values, expected %d", m->gguf->path,
                           (long long)t->nelem, half);
        ff = gt_xmalloc(sizeof(float) * (size_t)half);
        if (gt_gguf_dequantize(m->gguf, t, 0, t->nrows, ff, err, errsz) != 0) { free(ff); return -1; }
    }
    m->inv_freq = gt_xmalloc(sizeof(double) * (size_t)half);
    for (int j = 0; j < half; j++) {
        double f = 1.0 / pow(c->rope_theta, (double)(2 * j) / c->head_dim);
        if (c->rope_type == GT_ROPE_LINEAR) f /= c->rope_factor;
        if (ff) f /= ff[j];
        m->inv_freq[j] = f;
    }
    free(ff);
    return 0;
}

static int layer_weights(gt_model *m, int l, char *err, size_t errsz)
{
    gt_layer *L = &m->layers[l];
    char nm[64];
    for (int p = 0; p < GT_PROJ_N; p++) {
        snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, gt_projs[p].gguf);
        int rc = p == GT_PROJ_Q ? weight_unpermuted(m, &L->w[p], nm, m->c.n_heads, err, errsz)
               : p == GT_PROJ_K ? weight_unpermuted(m, &L->w[p], nm, m->c.n_kv_heads, err, errsz)
                                : weight_packed(m, &L->w[p], nm, err, errsz);
        if (rc) return -1;
    }
    snprintf(nm, sizeof nm, "blk.%d.attn_norm.weight", l);
    if (!(L->attn_norm = norm_vec(m, nm, err, errsz))) return -1;
    snprintf(nm, sizeof nm, "blk.%d.ffn_norm.weight", l);
    if (!(L->ffn_norm = norm_vec(m, nm, err, errsz))) return -1;
    return 0;
}

int gt_gguf_model_load(gt_model *m, const char *path, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    m->gguf = gt_xcalloc(1, sizeof *m->gguf);
    if (gt_gguf_open(m->gguf, path, err, errsz) != 0) {
        free(m->gguf);
        m->gguf = NULL;
        return -1;
    }
    m->st.source = gt_xstrdup(path);
    gt_gguf_llama hp;
    if (gt_gguf_llama_hparams(m->gguf, &hp, err, errsz) || gt_gguf_llama_check_tensors(m->gguf, &hp, err, errsz) ||
        config_of(&m->c, m->gguf, &hp, err, errsz))
        goto fail;
    m->layers = gt_xcalloc((size_t)m->c.n_layers, sizeof *m->layers);
    m->qpack = gt_qpack_wanted();
    if (weight_packed(m, &m->embed, "token_embd.weight", err, errsz)) goto fail;
    for (int l = 0; l < m->c.n_layers; l++)
        if (layer_weights(m, l, err, errsz)) goto fail;
    if (!(m->norm = norm_vec(m, "output_norm.weight", err, errsz))) goto fail;
    if (hp.has_output) {
        if (weight_packed(m, &m->lm_head, "output.weight", err, errsz)) goto fail;
    } else {
        m->lm_head = m->embed;
    }
    if (frequencies(m, &hp, err, errsz)) goto fail;
    /* The weights in panels are copies: hand back every page of the mapped
     * data that reading the rest (norms, metadata) brought in, which the
     * kernel maps a large folio at a time. Weights still used in place fault
     * back in from the file when read. */
    if (m->qpack && m->gguf->mapped)
        release_pages(m->gguf->base + m->gguf->data_offset, m->gguf->base + m->gguf->size);
    return 0;
fail:
    gt_model_free(m);
    return -1;
}
