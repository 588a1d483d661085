/* llama2c.c - llama2.c .bin checkpoints as gt_models (see llama2c.h). */
#include "nn/llama2c.h"
#include "io/file.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Offsets (in floats from the start of the data) of every array. */
typedef struct {
    size_t embed, att_norm, ffn_norm, final_norm, wq, wk, wv, wo, w1, w2, w3, wcls;
    size_t end;
} layout;

static size_t take(size_t *cur, size_t n)
{
    size_t at = *cur;
    *cur += n;
    return at;
}

static void plan(layout *o, int version, const gt_config *c, int shared)
{
    size_t dim = (size_t)c->dim, L = (size_t)c->n_layers, V = (size_t)c->vocab_size, hid = (size_t)c->hidden_dim;
    size_t qd = (size_t)c->n_heads * c->head_dim, kvd = (size_t)c->n_kv_heads * c->head_dim, cur = 0;
    if (version == 0) {
        o->embed = take(&cur, V * dim);
        o->att_norm = take(&cur, L * dim);
    } else {
        o->att_norm = take(&cur, L * dim);
        o->ffn_norm = take(&cur, L * dim);
        o->final_norm = take(&cur, dim);
        o->embed = take(&cur, V * dim);
    }
    o->wq = take(&cur, L * qd * dim);
    o->wk = take(&cur, L * kvd * dim);
    o->wv = take(&cur, L * kvd * dim);
    o->wo = take(&cur, L * dim * qd);
    if (version == 0) o->ffn_norm = take(&cur, L * dim);
    o->w1 = take(&cur, L * hid * dim);
    o->w2 = take(&cur, L * dim * hid);
    o->w3 = take(&cur, L * hid * dim);
    if (version == 0) {
        o->final_norm = take(&cur, dim);
        take(&cur, 2 * (size_t)c->max_pos * (size_t)(c->head_dim / 2));   /* freq_cis_real, freq_cis_imag */
    }
    o->wcls = shared ? o->embed : take(&cur, V * dim);
    o->end = cur;
}

/* Rows of each head of W ([nh * hd][cols]) from llama2.c's interleaved order
 * (row 2i + t, t in {0,1}) to Hugging Face's halves (row t * hd/2 + i). */
static void permute_heads(float *w, int nh, int hd, int cols, float *tmp)
{
    int half = hd / 2;
    size_t rowb = sizeof(float) * (size_t)cols;
    for (int h = 0; h < nh; h++) {
        float *head = w + (size_t)h * hd * cols;
        memcpy(tmp, head, rowb * (size_t)hd);
        for (int i = 0; i < half; i++)
            for (int t = 0; t < 2; t++)
                memcpy(head + (size_t)(t * half + i) * cols, tmp + (size_t)(2 * i + t) * cols, rowb);
    }
}

static int check_dim(const char *path, const char *what, long long v, long long lo, long long hi, char *err,
                     size_t errsz)
{
    if (v < lo || v > hi)
        return gt_fail(err, errsz, "%s: header %s is %lld, outside %lld..%lld (not a llama2.c checkpoint?)", path, what,
                    v, lo, hi);
    return 0;
}

int gt_llama2c_load(gt_model *m, const char *path, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    char why[200];
    int fd = gt_open_regular(path, why, sizeof why);
    if (fd < 0) return gt_fail(err, errsz, "%s: %s", path, why);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return gt_fail(err, errsz, "%s: not a regular file", path);
    }
    size_t size = (size_t)sb.st_size;
    if (size < 28) {
        close(fd);
        return gt_fail(err, errsz, "%s: truncated: %zu bytes, shorter than a llama2.c header", path, size);
    }
    /* private and writable: wq and wk are permuted in place (copy on write) */
    void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    int merr = errno;
    close(fd);
    if (map == MAP_FAILED) return gt_fail(err, errsz, "%s: cannot map: %s", path, strerror(merr));

    unsigned char *b = map;
    uint32_t magic;
    memcpy(&magic, b, 4);
    int version = 0, shared;
    size_t data_off;
    int32_t h[7];
    if (magic == GT_LLAMA2C_MAGIC) {
        int32_t v;
        memcpy(&v, b + 4, 4);
        if (v == 2) {
            gt_fail(err, errsz, "%s: llama2.c version 2 (Q8_0 int8) checkpoints are not supported; export with "
                 "--version 0 or 1 (float32)", path);
            goto bad;
        }
        if (v != 1) { gt_fail(err, errsz, "%s: unknown llama2.c checkpoint version %d", path, (int)v); goto bad; }
        if (size < 256) {
            gt_fail(err, errsz, "%s: truncated: %zu bytes, shorter than a llama2.c version 1 header (256)", path, size);
            goto bad;
        }
        version = 1;
        memcpy(h, b + 8, sizeof h);
        shared = b[36] != 0;
        data_off = 256;
    } else {
        memcpy(h, b, sizeof h);
        shared = h[5] > 0;
        if (h[5] < 0) h[5] = h[5] == INT32_MIN ? 0 : -h[5];
        data_off = 28;
    }
    if (check_dim(path, "dim", h[0], 2, 1 << 16, err, errsz) ||
        check_dim(path, "hidden_dim", h[1], 1, 1 << 18, err, errsz) ||
        check_dim(path, "n_layers", h[2], 1, 1024, err, errsz) ||
        check_dim(path, "n_heads", h[3], 1, 1024, err, errsz) ||
        check_dim(path, "n_kv_heads", h[4], 1, 1024, err, errsz) ||
        check_dim(path, "vocab_size", h[5], 1, 1 << 22, err, errsz) ||
        check_dim(path, "seq_len", h[6], 1, 1 << 24, err, errsz))
        goto bad;
    gt_config *c = &m->c;
    c->dim = h[0];
    c->hidden_dim = h[1];
    c->n_layers = h[2];
    c->n_heads = h[3];
    c->n_kv_heads = h[4];
    c->vocab_size = h[5];
    c->max_pos = h[6];
    if (c->dim % c->n_heads || (c->dim / c->n_heads) % 2) {
        gt_fail(err, errsz, "%s: dim %d is not n_heads %d times an even head size", path, c->dim, c->n_heads);
        goto bad;
    }
    if (c->n_heads % c->n_kv_heads) {
        gt_fail(err, errsz, "%s: n_heads %d is not a multiple of n_kv_heads %d", path, c->n_heads, c->n_kv_heads);
        goto bad;
    }
    c->head_dim = c->dim / c->n_heads;
    c->norm_eps = 1e-5f;
    c->rope_theta = 10000.0;
    c->rope_type = GT_ROPE_DEFAULT;
    c->tie_embeddings = shared;
    c->bos_id = c->vocab_size > 1 ? 1 : -1;
    if (c->vocab_size > 2) c->eos_ids[c->n_eos++] = 2;

    layout o;
    plan(&o, version, c, shared);
    size_t need = data_off + 4 * o.end;
    if (size < need) {
        gt_fail(err, errsz, "%s: truncated: %zu bytes, the header's dimensions (llama2.c version %d) need %zu", path,
             size, version, need);
        goto bad;
    }
    if (size > need) {
        gt_fail(err, errsz, "%s: %zu bytes, but the header's dimensions (llama2.c version %d) need exactly %zu", path,
             size, version, need);
        goto bad;
    }

    float *f = (float *)(void *)(b + data_off);
    size_t dim = (size_t)c->dim, hid = (size_t)c->hidden_dim, hd = (size_t)c->head_dim;
    size_t qd = (size_t)c->n_heads * hd, kvd = (size_t)c->n_kv_heads * hd;
    float *tmp = gt_xmalloc(sizeof(float) * hd * dim);
    m->layers = gt_xcalloc((size_t)c->n_layers, sizeof *m->layers);
    for (int l = 0; l < c->n_layers; l++) {
        gt_layer *Ly = &m->layers[l];
        float *wq = f + o.wq + (size_t)l * qd * dim, *wk = f + o.wk + (size_t)l * kvd * dim;
        permute_heads(wq, c->n_heads, c->head_dim, c->dim, tmp);
        permute_heads(wk, c->n_kv_heads, c->head_dim, c->dim, tmp);
        Ly->w[GT_PROJ_Q] = (gt_wmat){ wq, GT_DT_F32 };
        Ly->w[GT_PROJ_K] = (gt_wmat){ wk, GT_DT_F32 };
        Ly->w[GT_PROJ_V] = (gt_wmat){ f + o.wv + (size_t)l * kvd * dim, GT_DT_F32 };
        Ly->w[GT_PROJ_O] = (gt_wmat){ f + o.wo + (size_t)l * dim * qd, GT_DT_F32 };
        Ly->w[GT_PROJ_GATE] = (gt_wmat){ f + o.w1 + (size_t)l * hid * dim, GT_DT_F32 };
        Ly->w[GT_PROJ_DOWN] = (gt_wmat){ f + o.w2 + (size_t)l * dim * hid, GT_DT_F32 };
        Ly->w[GT_PROJ_UP] = (gt_wmat){ f + o.w3 + (size_t)l * hid * dim, GT_DT_F32 };
        Ly->attn_norm = gt_xmalloc(sizeof(float) * dim);
        Ly->ffn_norm = gt_xmalloc(sizeof(float) * dim);
        memcpy(Ly->attn_norm, f + o.att_norm + (size_t)l * dim, sizeof(float) * dim);
        memcpy(Ly->ffn_norm, f + o.ffn_norm + (size_t)l * dim, sizeof(float) * dim);
    }
    free(tmp);
    /* nothing writes the weights after the permutation */
    mprotect(map, size, PROT_READ);
    m->norm = gt_xmalloc(sizeof(float) * dim);
    memcpy(m->norm, f + o.final_norm, sizeof(float) * dim);
    m->embed = (gt_wmat){ f + o.embed, GT_DT_F32 };
    m->lm_head = (gt_wmat){ f + o.wcls, GT_DT_F32 };
    /* every weight used: the file less its header and the skipped RoPE tables */
    m->weight_bytes = 4 * (o.end - (version == 0 ? 2 * (size_t)c->max_pos * (hd / 2) : 0));
    int half = c->head_dim / 2;
    m->inv_freq = gt_xmalloc(sizeof(double) * (size_t)half);
    for (int j = 0; j < half; j++) m->inv_freq[j] = 1.0 / pow(c->rope_theta, (double)(2 * j) / c->head_dim);
    /* the mapping belongs to the model's gt_st: gt_model_free unmaps it */
    m->st.source = gt_xstrdup(path);
    m->st.files = gt_xcalloc(1, sizeof *m->st.files);
    m->st.files[0] = (gt_st_file){ gt_xstrdup(path), map, size };
    m->st.nfiles = 1;
    return 0;
bad:
    munmap(map, size);
    memset(m, 0, sizeof *m);
    return -1;
}
