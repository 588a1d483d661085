/* load.c - LLaMA models loaded (see model.h): config.json parsed and checked,
 * the table of the seven projections, the weights found in the safetensors
 * files (or a llama2.c checkpoint read by llama2c.c) and checked against the
 * config's shapes. */
#include "nn/model.h"
#include "nn/kernels.h"
#include "nn/llama2c.h"
#include "nn/load_gguf.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    { "q_proj", "self_attn", "attn_q" }, { "k_proj", "self_attn", "attn_k" }, { "v_proj", "self_attn", "attn_v" },
    { "o_proj", "self_attn", "attn_output" }, { "gate_proj", "mlp", "ffn_gate" }, { "up_proj", "mlp", "ffn_up" },
    { "down_proj", "mlp", "ffn_down" },
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
    struct stat sb;
    char why[200];
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        gt_open_regular(dir, why, sizeof why);  /* a FIFO: refused, not waited on */
        return gt_fail(err, errsz, "%s: %s", dir, why);
    }
    if (gt_is_gguf(dir)) return gt_gguf_model_load(m, dir, err, errsz);
    char bin[4096];
    if (llama2c_path(dir, bin, sizeof bin)) return gt_llama2c_load(m, bin, err, errsz);
    size_t plen = strlen(dir) + 32;
    char *cpath = gt_xmalloc(plen);
    snprintf(cpath, plen, "%s/config.json", dir);
    char *js = gt_read_regular(cpath, 16u << 20, NULL, why, sizeof why);
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

int gt_model_check_unblocked(const gt_model *m, const char *what, char *err, size_t errsz)
{
    static const char *const gguf_names[GT_PROJ_N] = { "attn_q", "attn_k", "attn_v", "attn_output",
                                                       "ffn_gate", "ffn_up", "ffn_down" };
    char nm[128];
    const gt_wmat *w = NULL;
    if (gt_dtype_is_block(m->embed.dt)) w = &m->embed, snprintf(nm, sizeof nm, "token_embd.weight");
    else if (gt_dtype_is_block(m->lm_head.dt)) w = &m->lm_head, snprintf(nm, sizeof nm, "output.weight");
    for (int l = 0; !w && l < m->c.n_layers; l++)
        for (int p = 0; !w && p < GT_PROJ_N; p++)
            if (gt_dtype_is_block(m->layers[l].w[p].dt)) {
                w = &m->layers[l].w[p];
                snprintf(nm, sizeof nm, "blk.%d.%s.weight", l, gguf_names[p]);
            }
    if (!w) return 0;
    return gt_fail(err, errsz, "%s: tensor '%s' is %s (GGUF blocks): %s needs F32, F16 or BF16 weights", m->st.source,
                   nm, gt_dtype_name(w->dt), what);
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
    if (m->gguf) gt_gguf_close(m->gguf);
    free(m->gguf);
    memset(m, 0, sizeof *m);
}
