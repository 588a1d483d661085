/* model.c - LLaMA config, weights and forward pass (see model.h).
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
#include "nn/llama2c.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* ---------------------------------------------------------------- config.json */

/* V as a string: DEF when absent or null, "?" when not a string. */
static const char *str_of(yajl_val v, const char *def)
{
    if (gt_json_null(v)) return def;
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "?";
}

typedef struct { yajl_val root; const char *path; char *err; size_t errsz; } cfg_ctx;

/* KEY as an int in [lo, hi]; absent: DEF (or an error when REQUIRED). */
static int cfg_int(cfg_ctx *c, yajl_val obj, const char *key, int required, long long def, long long lo,
                   long long hi, int *out)
{
    yajl_val v = gt_json_get(obj, key);
    long long x = def;
    if (gt_json_null(v)) {
        if (required) return gt_fail(c->err, c->errsz, "%s: missing \"%s\"", c->path, key);
    } else if (gt_json_as_int(v, &x) != 0) {
        return gt_fail(c->err, c->errsz, "%s: \"%s\" is not an integer", c->path, key);
    }
    if (x < lo || x > hi)
        return gt_fail(c->err, c->errsz, "%s: \"%s\" is %lld, outside %lld..%lld", c->path, key, x, lo, hi);
    *out = (int)x;
    return 0;
}

static int cfg_num(cfg_ctx *c, yajl_val obj, const char *key, int required, double def, double *out)
{
    yajl_val v = gt_json_get(obj, key);
    if (gt_json_null(v)) {
        if (required) return gt_fail(c->err, c->errsz, "%s: missing \"%s\"", c->path, key);
        *out = def;
        return 0;
    }
    if (!YAJL_IS_NUMBER(v)) return gt_fail(c->err, c->errsz, "%s: \"%s\" is not a number", c->path, key);
    *out = YAJL_GET_DOUBLE(v);
    if (!isfinite(*out)) return gt_fail(c->err, c->errsz, "%s: \"%s\" is not finite", c->path, key);
    return 0;
}

static int cfg_bool(cfg_ctx *c, const char *key, int def, int *out)
{
    int b = gt_json_bool(gt_json_get(c->root, key), def);
    if (b < 0) return gt_fail(c->err, c->errsz, "%s: \"%s\" is not true or false", c->path, key);
    *out = b;
    return 0;
}

static int cfg_rope_scaling(cfg_ctx *c, gt_config *g)
{
    yajl_val rs = gt_json_get(c->root, "rope_scaling");
    g->rope_type = GT_ROPE_DEFAULT;
    if (gt_json_null(rs)) return 0;
    if (!YAJL_IS_OBJECT(rs)) return gt_fail(c->err, c->errsz, "%s: \"rope_scaling\" is not an object", c->path);
    const char *type = gt_json_get(rs, "rope_type") ? gt_json_str(rs, "rope_type") : gt_json_str(rs, "type");
    if (!type) return gt_fail(c->err, c->errsz, "%s: \"rope_scaling\" has no \"rope_type\"", c->path);
    if (strcmp(type, "default") == 0) return 0;
    if (strcmp(type, "linear") == 0) {
        g->rope_type = GT_ROPE_LINEAR;
        if (cfg_num(c, rs, "factor", 1, 0, &g->rope_factor)) return -1;
        if (g->rope_factor <= 0) return gt_fail(c->err, c->errsz, "%s: rope_scaling \"factor\" must be > 0", c->path);
        return 0;
    }
    if (strcmp(type, "llama3") == 0) {
        g->rope_type = GT_ROPE_LLAMA3;
        if (cfg_num(c, rs, "factor", 1, 0, &g->rope_factor) || cfg_num(c, rs, "low_freq_factor", 1, 0, &g->rope_low_freq) ||
            cfg_num(c, rs, "high_freq_factor", 1, 0, &g->rope_high_freq) ||
            cfg_int(c, rs, "original_max_position_embeddings", 1, 0, 1, 1 << 30, &g->rope_orig_max_pos))
            return -1;
        if (g->rope_factor <= 0 || g->rope_low_freq <= 0 || g->rope_high_freq <= g->rope_low_freq)
            return gt_fail(c->err, c->errsz,
                        "%s: rope_scaling needs factor > 0 and high_freq_factor > low_freq_factor > 0", c->path);
        return 0;
    }
    return gt_fail(c->err, c->errsz, "%s: rope_scaling type \"%s\" is not supported (default, linear, llama3)", c->path,
                type);
}

int gt_config_parse(gt_config *g, const char *json, const char *path, char *err, size_t errsz)
{
    memset(g, 0, sizeof *g);
    char yerr[256];
    yajl_val root = gt_json_parse(json, yerr, sizeof yerr);
    if (!root) return gt_fail(err, errsz, "%s: invalid JSON (%.*s)", path, (int)strcspn(yerr, "\n"), yerr);
    cfg_ctx c = { root, path, err, errsz };
    int rc = -1;
    if (!YAJL_IS_OBJECT(root)) { gt_fail(err, errsz, "%s: not a JSON object", path); goto out; }

    const char *mt = str_of(gt_json_get(root, "model_type"), "llama");
    if (strcmp(mt, "llama") != 0) {
        gt_fail(err, errsz, "%s: model_type \"%s\" is not supported (llama only)", path, mt);
        goto out;
    }
    const char *act = str_of(gt_json_get(root, "hidden_act"), "silu");
    if (strcmp(act, "silu") != 0) {
        gt_fail(err, errsz, "%s: hidden_act \"%s\" is not supported (silu only)", path, act);
        goto out;
    }
    int ab = 0, mb = 0;
    if (cfg_bool(&c, "attention_bias", 0, &ab) || cfg_bool(&c, "mlp_bias", 0, &mb)) goto out;
    if (ab || mb) { gt_fail(err, errsz, "%s: %s is not supported", path, ab ? "attention_bias" : "mlp_bias"); goto out; }

    if (cfg_int(&c, root, "hidden_size", 1, 0, 1, 1 << 16, &g->dim) ||
        cfg_int(&c, root, "intermediate_size", 1, 0, 1, 1 << 18, &g->hidden_dim) ||
        cfg_int(&c, root, "num_hidden_layers", 1, 0, 1, 1024, &g->n_layers) ||
        cfg_int(&c, root, "num_attention_heads", 1, 0, 1, 1024, &g->n_heads) ||
        cfg_int(&c, root, "vocab_size", 1, 0, 1, 1 << 22, &g->vocab_size) ||
        cfg_int(&c, root, "num_key_value_heads", 0, g->n_heads, 1, 1024, &g->n_kv_heads) ||
        cfg_int(&c, root, "max_position_embeddings", 0, 2048, 1, 1 << 24, &g->max_pos))
        goto out;
    if (gt_json_null(gt_json_get(root, "head_dim"))) {
        if (g->dim % g->n_heads) {
            gt_fail(err, errsz, "%s: hidden_size (%d) is not a multiple of num_attention_heads (%d)", path, g->dim,
                 g->n_heads);
            goto out;
        }
        g->head_dim = g->dim / g->n_heads;
    } else if (cfg_int(&c, root, "head_dim", 1, 0, 2, 1 << 12, &g->head_dim)) {
        goto out;
    }
    if (g->head_dim % 2) { gt_fail(err, errsz, "%s: head_dim (%d) must be even for RoPE", path, g->head_dim); goto out; }
    if (g->n_heads % g->n_kv_heads) {
        gt_fail(err, errsz, "%s: num_attention_heads (%d) is not a multiple of num_key_value_heads (%d)", path,
             g->n_heads, g->n_kv_heads);
        goto out;
    }
    double eps;
    if (cfg_num(&c, root, "rms_norm_eps", 0, 1e-6, &eps) || cfg_num(&c, root, "rope_theta", 0, 10000.0, &g->rope_theta))
        goto out;
    if (!(eps > 0 && eps < 1)) { gt_fail(err, errsz, "%s: \"rms_norm_eps\" must be in (0, 1)", path); goto out; }
    if (!(g->rope_theta > 1)) { gt_fail(err, errsz, "%s: \"rope_theta\" must be > 1", path); goto out; }
    g->norm_eps = (float)eps;
    if (cfg_bool(&c, "tie_word_embeddings", 0, &g->tie_embeddings) || cfg_rope_scaling(&c, g)) goto out;

    g->bos_id = -1;
    long long id;
    if (gt_json_as_int(gt_json_get(root, "bos_token_id"), &id) == 0 && id >= 0 && id < g->vocab_size) g->bos_id = (int)id;
    yajl_val e = gt_json_get(root, "eos_token_id");
    if (e && YAJL_IS_ARRAY(e)) {
        for (size_t i = 0; i < YAJL_GET_ARRAY(e)->len && g->n_eos < 8; i++)
            if (gt_json_as_int(YAJL_GET_ARRAY(e)->values[i], &id) == 0 && id >= 0 && id < g->vocab_size)
                g->eos_ids[g->n_eos++] = (int)id;
    } else if (gt_json_as_int(e, &id) == 0 && id >= 0 && id < g->vocab_size) {
        g->eos_ids[g->n_eos++] = (int)id;
    }
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}

/* ---------------------------------------------------------------- projections */

const gt_proj_info gt_projs[GT_PROJ_N] = {
    { "q_proj", "self_attn" }, { "k_proj", "self_attn" }, { "v_proj", "self_attn" }, { "o_proj", "self_attn" },
    { "gate_proj", "mlp" },    { "up_proj", "mlp" },      { "down_proj", "mlp" },
};

void gt_proj_dims(const gt_config *c, int p, int *out, int *in)
{
    int qd = c->n_heads * c->head_dim, kvd = c->n_kv_heads * c->head_dim;
    switch (p) {
    case GT_PROJ_Q: *out = qd; *in = c->dim; break;
    case GT_PROJ_K: case GT_PROJ_V: *out = kvd; *in = c->dim; break;
    case GT_PROJ_O: *out = c->dim; *in = qd; break;
    case GT_PROJ_GATE: case GT_PROJ_UP: *out = c->hidden_dim; *in = c->dim; break;
    default: *out = c->dim; *in = c->hidden_dim; break;
    }
}

const char *gt_proj_tensor(char *buf, size_t n, const char *prefix, int layer, int p, const char *suffix)
{
    snprintf(buf, n, "%smodel.layers.%d.%s.%s%s", prefix, layer, gt_projs[p].module, gt_projs[p].name, suffix);
    return buf;
}

int gt_proj_parse(const char *s, int *layer, const char **rest)
{
    static const char pre[] = "model.layers.";
    if (strncmp(s, pre, sizeof pre - 1) != 0) return -1;
    s += sizeof pre - 1;
    if (*s < '0' || *s > '9') return -1;
    long l = 0;
    while (*s >= '0' && *s <= '9' && l < 1000000) l = l * 10 + (*s++ - '0');
    if (*s++ != '.') return -1;
    for (int p = 0; p < GT_PROJ_N; p++) {
        size_t nm = strlen(gt_projs[p].module), nn = strlen(gt_projs[p].name);
        const char *e = s + nm + 1 + nn;
        if (strncmp(s, gt_projs[p].module, nm) == 0 && s[nm] == '.' && strncmp(s + nm + 1, gt_projs[p].name, nn) == 0 &&
            (*e == '.' || *e == 0)) {
            *layer = (int)l;
            *rest = e;
            return p;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------- weights */

/* Tensor NAME, checked to be [rows, cols] (cols 0: a vector of ROWS). */
static const gt_tensor *need(gt_model *m, const char *name, int64_t rows, int64_t cols, char *err, size_t errsz)
{
    const gt_tensor *t = gt_st_find(&m->st, name);
    if (!t) {
        gt_fail(err, errsz, "%s: missing tensor '%s'", m->st.source, name);
        return NULL;
    }
    int64_t want[2] = { rows, cols };
    int nd = cols ? 2 : 1;
    if (t->ndim != nd || t->shape[0] != rows || (nd == 2 && t->shape[1] != cols)) {
        char a[96], b[96];
        gt_fail(err, errsz, "%s: tensor '%s' has shape %s, expected %s", t->file, name,
             gt_shape_str(t->shape, t->ndim, a, sizeof a), gt_shape_str(want, nd, b, sizeof b));
        return NULL;
    }
    m->weight_bytes += t->nbytes;
    return t;
}

static int need_mat(gt_model *m, gt_wmat *w, const char *name, int64_t rows, int64_t cols, char *err, size_t errsz)
{
    const gt_tensor *t = need(m, name, rows, cols, err, errsz);
    if (!t) return -1;
    w->p = t->data;
    w->dt = t->dtype;
    return 0;
}

static float *need_vec(gt_model *m, const char *name, int n, char *err, size_t errsz)
{
    const gt_tensor *t = need(m, name, n, 0, err, errsz);
    if (!t) return NULL;
    float *v = gt_xmalloc(sizeof(float) * (size_t)n);
    gt_row_to_f32(v, t->data, t->dtype, 0, n);
    return v;
}

static void rope_frequencies(gt_model *m)
{
    const gt_config *c = &m->c;
    int half = c->head_dim / 2;
    m->inv_freq = gt_xmalloc(sizeof(double) * (size_t)half);
    for (int j = 0; j < half; j++) {
        double f = 1.0 / pow(c->rope_theta, (double)(2 * j) / c->head_dim);
        if (c->rope_type == GT_ROPE_LINEAR) {
            f /= c->rope_factor;
        } else if (c->rope_type == GT_ROPE_LLAMA3) {
            /* as transformers' _compute_llama3_parameters */
            double lo_wl = c->rope_orig_max_pos / c->rope_low_freq, hi_wl = c->rope_orig_max_pos / c->rope_high_freq;
            double wl = 2 * M_PI / f;
            if (wl > lo_wl) {
                f /= c->rope_factor;
            } else if (wl >= hi_wl) {
                double s = (c->rope_orig_max_pos / wl - c->rope_low_freq) / (c->rope_high_freq - c->rope_low_freq);
                f = (1 - s) * f / c->rope_factor + s * f;
            }
        }
        m->inv_freq[j] = f;
    }
}

/* A llama2.c checkpoint instead of a Hugging Face folder: DIR is a file, or a
 * folder with model.bin and no config.json. The path to load in BIN. */
static int llama2c_path(const char *dir, char *bin, size_t n)
{
    struct stat sb;
    if (stat(dir, &sb) != 0) return 0;
    if (S_ISREG(sb.st_mode)) return snprintf(bin, n, "%s", dir) < (int)n;
    if (!S_ISDIR(sb.st_mode)) return 0;
    snprintf(bin, n, "%s/config.json", dir);
    if (stat(bin, &sb) == 0) return 0;
    return snprintf(bin, n, "%s/model.bin", dir) < (int)n && stat(bin, &sb) == 0 && S_ISREG(sb.st_mode);
}

int gt_model_load(gt_model *m, const char *dir, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    char bin[4096];
    if (llama2c_path(dir, bin, sizeof bin)) return gt_llama2c_load(m, bin, err, errsz);
    size_t plen = strlen(dir) + 32;
    char *cpath = gt_xmalloc(plen);
    snprintf(cpath, plen, "%s/config.json", dir);
    char why[200];
    char *js = gt_read_file(cpath, 16u << 20, NULL, why, sizeof why);
    int rc = js ? gt_config_parse(&m->c, js, cpath, err, errsz) : gt_fail(err, errsz, "%s: %s", cpath, why);
    free(js);
    free(cpath);
    if (rc != 0) return -1;
    if (gt_st_open(&m->st, dir, err, errsz) != 0) return -1;

    const gt_config *c = &m->c;
    m->layers = gt_xcalloc((size_t)c->n_layers, sizeof *m->layers);
    if (need_mat(m, &m->embed, "model.embed_tokens.weight", c->vocab_size, c->dim, err, errsz)) goto fail;
    for (int l = 0; l < c->n_layers; l++) {
        gt_layer *L = &m->layers[l];
        char nm[128];
        for (int p = 0; p < GT_PROJ_N; p++) {
            int out, in;
            gt_proj_dims(c, p, &out, &in);
            if (need_mat(m, &L->w[p], gt_proj_tensor(nm, sizeof nm, "", l, p, ".weight"), out, in, err, errsz))
                goto fail;
        }
#define NAME(s) (snprintf(nm, sizeof nm, "model.layers.%d.%s", l, s), nm)
        if (!(L->attn_norm = need_vec(m, NAME("input_layernorm.weight"), c->dim, err, errsz)) ||
            !(L->ffn_norm = need_vec(m, NAME("post_attention_layernorm.weight"), c->dim, err, errsz)))
            goto fail;
#undef NAME
    }
    if (!(m->norm = need_vec(m, "model.norm.weight", c->dim, err, errsz))) goto fail;
    if (c->tie_embeddings) {
        m->lm_head = m->embed;
    } else if (!gt_st_find(&m->st, "lm_head.weight")) {
        gt_fail(err, errsz, "%s: missing tensor 'lm_head.weight' (config.json has tie_word_embeddings false)",
             m->st.source);
        goto fail;
    } else if (need_mat(m, &m->lm_head, "lm_head.weight", c->vocab_size, c->dim, err, errsz)) {
        goto fail;
    }
    rope_frequencies(m);
    return 0;
fail:
    gt_model_free(m);
    return -1;
}

void gt_model_free(gt_model *m)
{
    if (m->layers)
        for (int l = 0; l < m->c.n_layers; l++) {
            free(m->layers[l].attn_norm);
            free(m->layers[l].ffn_norm);
        }
    free(m->layers);
    free(m->norm);
    free(m->inv_freq);
    gt_st_close(&m->st);
    memset(m, 0, sizeof *m);
}

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
        m->delta(m->delta_ctx, l, GT_PROJ_Q, s->q, qd, s->xb, n);
        m->delta(m->delta_ctx, l, GT_PROJ_K, k, kvd, s->xb, n);
        m->delta(m->delta_ctx, l, GT_PROJ_V, v, kvd, s->xb, n);
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
    if (m->delta) m->delta(m->delta_ctx, l, GT_PROJ_O, s->xb, dim, s->xb2, n);
    add_rows(s->x, s->xb, (size_t)n * dim);
    rmsnorm_rows(s->xb, s->x, L->ffn_norm, n, dim, c->norm_eps);
    gt_matmul(s->hb, hid, s->xb, L->w[GT_PROJ_GATE].p, L->w[GT_PROJ_GATE].dt, n, hid, dim);
    gt_matmul(s->hb2, hid, s->xb, L->w[GT_PROJ_UP].p, L->w[GT_PROJ_UP].dt, n, hid, dim);
    if (m->delta) {
        m->delta(m->delta_ctx, l, GT_PROJ_GATE, s->hb, hid, s->xb, n);
        m->delta(m->delta_ctx, l, GT_PROJ_UP, s->hb2, hid, s->xb, n);
    }
    gt_swiglu(s->hb, s->hb2, n * hid);
    gt_matmul(s->xb, dim, s->hb, L->w[GT_PROJ_DOWN].p, L->w[GT_PROJ_DOWN].dt, n, dim, hid);
    if (m->delta) m->delta(m->delta_ctx, l, GT_PROJ_DOWN, s->xb, dim, s->hb, n);
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
