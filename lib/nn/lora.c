/* lora.c - PEFT LoRA adapters, merged or kept apart (see lora.h). */
#include "nn/lora.h"
#include "nn/kernels.h"
#include "nn/safetensors.h"
#include "nn/gguf.h"
#include "nn/gguf_write.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    float *A;               /* [r][in] */
    float *B;               /* [out][r], times scale */
    float *BT;              /* [r][out]: B transposed, for the hook (applied apart) */
    int in, out;
} lmod;

/* The projections of a layer that share an input: q, k, v; o; gate, up; down.
 * Kept apart, an adapter takes one product of that input with the A factors of
 * all the group's adapted projections side by side. */
typedef struct {
    float *AT;              /* [in][R]: A^T of each adapted projection, in order */
    int R, in;              /* R: r times the number of adapted projections */
} lgroup;

static const int group_first[] = { GT_PROJ_Q, GT_PROJ_O, GT_PROJ_GATE, GT_PROJ_DOWN };
static const int group_size[] = { 3, 1, 2, 1 };
#define NGROUPS 4

struct gt_lora {
    gt_model *m;
    int r, merge, nmods;
    int rslora;             /* PEFT's use_rslora: scale alpha / sqrt(r) */
    double alpha, scale;
    lmod *mods;             /* [layers][GT_PROJ_N] */
    lgroup *groups;         /* [layers][GT_PROJ_N], at each group's first projection (applied apart) */
    float **merged;         /* F32 copies (merge) */
    int nmerged;
    char note[640];
};

static int is_proj(const char *s)
{
    for (int p = 0; p < GT_PROJ_N; p++)
        if (strcmp(s, gt_projs[p].name) == 0) return p;
    return -1;
}

/* ---------------------------------------------------------------- settings */

void gt_lora_cfg_default(gt_lora_cfg *c)
{
    c->r = 8;
    c->alpha = 16;
    c->dropout = 0.05f;
    c->targets = 1u << GT_PROJ_Q | 1u << GT_PROJ_V;
}

int gt_lora_parse_targets(const char *s, unsigned *out, char *err, size_t errsz)
{
    unsigned set = 0;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, ",");
        int found = -1;
        for (int i = 0; i < GT_PROJ_N && found < 0; i++) {
            const char *name = gt_projs[i].name;
            size_t ln = strlen(name), sn = strcspn(name, "_");
            if ((n == ln && strncmp(p, name, n) == 0) || (n == sn && strncmp(p, name, n) == 0)) found = i;
        }
        if (found < 0)
            return gt_fail(err, errsz, "unknown LoRA target '%.*s' (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, "
                                       "down_proj)", (int)n, p);
        set |= 1u << found;
        p += n;
        if (*p == ',') p++;
    }
    if (!set) return gt_fail(err, errsz, "no LoRA target given");
    *out = set;
    return 0;
}

void gt_lora_merge(float *w, int out, int in, const float *A, const float *B, int r, float scale)
{
#pragma omp parallel for schedule(static)
    for (int o = 0; o < out; o++) {
        float *row = w + (size_t)o * (size_t)in;
        for (int k = 0; k < r; k++) {
            float b = scale * B[(size_t)o * (size_t)r + (size_t)k];
            const float *a = A + (size_t)k * (size_t)in;
            for (int i = 0; i < in; i++) row[i] += b * a[i];
        }
    }
}

/* ---------------------------------------------------------------- adapters */

/* Parse adapter_config.json: r, alpha, scale, the allowed projections. */
static int parse_config(gt_lora *l, const char *path, int allowed[GT_PROJ_N], char *err, size_t errsz)
{
    char why[256];
    yajl_val root = gt_json_load(path, 16u << 20, why, sizeof why);
    if (!root && errno == 0) return gt_fail(err, errsz, "%s: invalid JSON (%.*s)", path, (int)strcspn(why, "\n"), why);
    if (!root) return gt_fail(err, errsz, "%s: %s", path, why);
    int rc = -1;
    yajl_val v;
    if (!YAJL_IS_OBJECT(root)) { gt_fail(err, errsz, "%s: not a JSON object", path); goto out; }
    const char *s = gt_json_str(root, "peft_type");
    if (gt_json_get(root, "peft_type") && !(s && strcmp(s, "LORA") == 0)) {
        gt_fail(err, errsz, "%s: peft_type is not \"LORA\"", path);
        goto out;
    }
    v = gt_json_get(root, "r");
    if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 1 || YAJL_GET_INTEGER(v) > 65536) {
        gt_fail(err, errsz, "%s: \"r\" %s", path, v ? "is not a positive integer" : "is missing");
        goto out;
    }
    l->r = (int)YAJL_GET_INTEGER(v);
    v = gt_json_get(root, "lora_alpha");
    if (!v || !YAJL_IS_NUMBER(v)) {
        gt_fail(err, errsz, "%s: \"lora_alpha\" %s", path, v ? "is not a number" : "is missing");
        goto out;
    }
    l->alpha = YAJL_GET_DOUBLE(v);
    int rs = l->rslora = gt_json_bool(gt_json_get(root, "use_rslora"), 0) == 1;
    l->scale = rs ? l->alpha / sqrt((double)l->r) : l->alpha / l->r;
    if (gt_json_bool(gt_json_get(root, "use_dora"), 0) == 1) {
        gt_fail(err, errsz, "%s: use_dora (DoRA) is not supported", path);
        goto out;
    }
    s = gt_json_str(root, "bias");
    if (s && strcmp(s, "none") != 0) {
        gt_fail(err, errsz, "%s: bias \"%s\" is not supported (none only)", path, s);
        goto out;
    }
    const char *pats[] = { "rank_pattern", "alpha_pattern" };
    for (int i = 0; i < 2; i++) {
        v = gt_json_get(root, pats[i]);
        if (v && YAJL_IS_OBJECT(v) && YAJL_GET_OBJECT(v)->len) {
            gt_fail(err, errsz, "%s: \"%s\" is not supported", path, pats[i]);
            goto out;
        }
    }
    v = gt_json_get(root, "modules_to_save");
    if (v && YAJL_IS_ARRAY(v) && YAJL_GET_ARRAY(v)->len) {
        gt_fail(err, errsz, "%s: modules_to_save is not supported", path);
        goto out;
    }
    if (gt_json_bool(gt_json_get(root, "fan_in_fan_out"), 0) == 1)
        snprintf(l->note, sizeof l->note,
                 "%s: fan_in_fan_out is true but LLaMA's projections are nn.Linear: ignored, as PEFT does", path);
    v = gt_json_get(root, "target_modules");
    if (gt_json_null(v)) {
        for (int p = 0; p < GT_PROJ_N; p++) allowed[p] = 1;
    } else if ((s = gt_json_str(root, "target_modules"))) {     /* PEFT: a regular expression over module names */
        for (int p = 0; p < GT_PROJ_N; p++) allowed[p] = strstr(s, gt_projs[p].name) != NULL;
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t i = 0; i < YAJL_GET_ARRAY(v)->len; i++) {
            yajl_val e = YAJL_GET_ARRAY(v)->values[i];
            const char *es = YAJL_IS_STRING(e) ? YAJL_GET_STRING(e) : NULL;
            int p = es ? is_proj(es) : -1;
            if (p < 0) {
                /* LLaMA's other modules, or another architecture's (GPT-NeoX's query_key_value, ...) */
                int llama = es && (!strcmp(es, "lm_head") || !strcmp(es, "embed_tokens"));
                gt_fail(err, errsz, "%s: target module \"%s\" is not supported (q_proj, k_proj, v_proj, o_proj, "
                     "gate_proj, up_proj, down_proj)%s", path, es ? es : "?",
                     llama ? "" : ": not a LLaMA projection (an adapter for another architecture?)");
                goto out;
            }
            allowed[p] = 1;
        }
    } else {
        gt_fail(err, errsz, "%s: \"target_modules\" is not a list", path);
        goto out;
    }
    rc = 0;
out:
    yajl_tree_free(root);
    return rc;
}

/* "base_model.model.model.layers.N.{self_attn|mlp}.P.lora_{A|B}.weight":
 * 0 with layer, projection and which (0 A, 1 B); -1 when not of that form. */
static int parse_key(const char *k, int *layer, int *proj, int *which)
{
    static const char pre[] = "base_model.model.";
    const char *rest;
    if (strncmp(k, pre, sizeof pre - 1) != 0 || (*proj = gt_proj_parse(k + sizeof pre - 1, layer, &rest)) < 0)
        return -1;
    if (strcmp(rest, ".lora_A.weight") == 0) *which = 0;
    else if (strcmp(rest, ".lora_B.weight") == 0) *which = 1;
    else return -1;
    return 0;
}

/* TMP ([n][R]) = X ([n][in]) A^T: blocks of rows across the threads */
static void group_product(float *tmp, const lgroup *g, const float *x, int n)
{
    enum { ROWS = 48 };
    int blocks = (n + ROWS - 1) / ROWS;
#pragma omp parallel for schedule(static) if (blocks > 1 && (long long)n * g->R * g->in > 200000)
    for (int b = 0; b < blocks; b++) {
        int i0 = b * ROWS, nr = n - i0 < ROWS ? n - i0 : ROWS;
        gt_matmul_nn(tmp + (size_t)i0 * g->R, (size_t)g->R, x + (size_t)i0 * g->in, (size_t)g->in, g->AT,
                     (size_t)g->R, nr, g->R, g->in);
    }
}

static void delta(void *ctx, int layer, int p0, int np, float *const *outs, const size_t *ldos, const float *x, int n)
{
    gt_lora *l = ctx;
    const lgroup *g = &l->groups[(size_t)layer * GT_PROJ_N + p0];
    if (!g->AT) return;
    int r = l->r, R = g->R;
    /* scratch of the caller's own (threads may generate at once): on the stack
     * for the few rows of a decoding step */
    size_t need = (size_t)n * (size_t)(R + r);
    float small[2048], *tmp = need <= 2048 ? small : gt_xmalloc(sizeof(float) * need);
    float *one = tmp + (size_t)n * R;
    group_product(tmp, g, x, n);
    int off = 0;
    for (int i = 0; i < np; i++) {
        const lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p0 + i];
        if (!md->BT) continue;
        const float *a = tmp;
        if (R != r) {           /* this projection's r columns, as rows of their own */
            for (int j = 0; j < n; j++) memcpy(one + (size_t)j * r, tmp + (size_t)j * R + off, sizeof(float) * r);
            a = one;
        }
        /* out += (x A^T) B^T, added in place by the kernels (a prompt's n rows at once) */
        gt_matmul_kd(outs[i], ldos[i], a, md->BT, GT_DT_F32, n, md->out, r, 1);
        off += r;
    }
    if (tmp != small) free(tmp);
}

/* The groups' side-by-side A^T factors (see lgroup), from L->mods */
static void build_groups(gt_lora *l)
{
    int layers = l->m->c.n_layers, r = l->r;
    l->groups = gt_xcalloc((size_t)layers * GT_PROJ_N, sizeof *l->groups);
    for (int layer = 0; layer < layers; layer++)
        for (int gi = 0; gi < NGROUPS; gi++) {
            const lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + group_first[gi]];
            lgroup *g = &l->groups[(size_t)layer * GT_PROJ_N + group_first[gi]];
            for (int i = 0; i < group_size[gi]; i++)
                if (md[i].BT) { g->R += r; g->in = md[i].in; }
            if (!g->R) continue;
            g->AT = gt_xmalloc(sizeof(float) * (size_t)g->in * (size_t)g->R);
            int off = 0;
            for (int i = 0; i < group_size[gi]; i++) {
                if (!md[i].BT) continue;
                for (int k = 0; k < r; k++)
                    for (int t = 0; t < g->in; t++)
                        g->AT[(size_t)t * g->R + (size_t)(off + k)] = md[i].A[(size_t)k * g->in + (size_t)t];
                off += r;
            }
        }
}

/* The PEFT folder DIR's tensors into L->mods (B times the scale); SRC gets
 * the weights file's path (for messages). */
static int load_peft(gt_lora *l, const char *dir, char **src, char *err, size_t errsz)
{
    const gt_config *c = &l->m->c;
    size_t plen = strlen(dir) + 40;
    char *cpath = gt_xmalloc(plen), *wpath = gt_xmalloc(plen);
    snprintf(cpath, plen, "%s/adapter_config.json", dir);
    snprintf(wpath, plen, "%s/adapter_model.safetensors", dir);
    *src = wpath;
    int allowed[GT_PROJ_N] = { 0 }, rc = -1;
    gt_st st;
    int st_open = 0;
    if (parse_config(l, cpath, allowed, err, errsz) != 0) goto out;
    char why[200];
    int wfd = gt_open_regular(wpath, why, sizeof why);
    if (wfd < 0 && errno != ENOENT) {
        gt_fail(err, errsz, "%s: %s", wpath, why);
        goto out;
    }
    if (wfd < 0) {
        snprintf(cpath, plen, "%s/adapter_model.bin", dir);
        if (access(cpath, F_OK) == 0) {
            gt_fail(err, errsz, "%s: PyTorch pickle adapters are not supported: save with safe_serialization "
                 "(adapter_model.safetensors)", cpath);
        } else {
            gt_fail(err, errsz, "%s: cannot open: %m", wpath);
        }
        goto out;
    }
    close(wfd);
    if (gt_st_open(&st, wpath, err, errsz) != 0) goto out;
    st_open = 1;
    for (int i = 0; i < st.nt; i++) {
        const gt_tensor *t = &st.t[i];
        int layer, p, which;
        if (parse_key(t->name, &layer, &p, &which) != 0) {
            gt_fail(err, errsz, "%s: tensor '%s' is not a LoRA weight of a LLaMA projection "
                 "(base_model.model.model.layers.N.{self_attn,mlp}.PROJ.lora_{A,B}.weight)", wpath, t->name);
            goto out;
        }
        if (layer >= c->n_layers) {
            gt_fail(err, errsz, "%s: tensor '%s' is for layer %d, the model has %d layers (an adapter for another model?)",
                 wpath, t->name, layer, c->n_layers);
            goto out;
        }
        if (!allowed[p]) {
            gt_fail(err, errsz, "%s: tensor '%s': %s is not in target_modules of adapter_config.json", wpath, t->name,
                    gt_projs[p].name);
            goto out;
        }
        int in, out;
        gt_proj_dims(c, p, &out, &in);
        int64_t want[2] = { which ? out : l->r, which ? l->r : in };
        if (t->ndim != 2 || t->shape[0] != want[0] || t->shape[1] != want[1]) {
            char a[96], b[96];
            gt_fail(err, errsz, "%s: tensor '%s' has shape %s, expected %s (r %d; an adapter for another model?)", wpath,
                 t->name, gt_shape_str(t->shape, t->ndim, a, sizeof a), gt_shape_str(want, 2, b, sizeof b), l->r);
            goto out;
        }
        lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
        md->in = in;
        md->out = out;
        float **dst = which ? &md->B : &md->A;
        free(*dst);
        *dst = gt_xmalloc(sizeof(float) * (size_t)t->numel);
        for (int64_t row = 0; row < t->shape[0]; row++)
            gt_row_to_f32(*dst + row * t->shape[1], t->data, t->dtype, (size_t)row, (int)t->shape[1]);
        if (which && l->merge != GT_LORA_READ)
            for (int64_t k = 0; k < t->numel; k++) (*dst)[k] *= (float)l->scale;
    }
    for (int layer = 0; layer < c->n_layers; layer++)
        for (int p = 0; p < GT_PROJ_N; p++) {
            lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
            if (!md->A != !md->B) {
                char nm[128];
                gt_proj_tensor(nm, sizeof nm, "base_model.model.", layer, p, md->A ? ".lora_B.weight" : ".lora_A.weight");
                gt_fail(err, errsz, "%s: tensor '%s' is missing", wpath, nm);
                goto out;
            }
        }
    rc = 0;
out:
    if (st_open) gt_st_close(&st);
    free(cpath);
    return rc;
}

/* "blk.N.NAME.weight.lora_{a,b}": 0 with layer, projection and which (0 a,
 * 1 b); -1 when not of that form. */
static int parse_gguf_name(const char *s, int *layer, int *proj, int *which)
{
    if (strncmp(s, "blk.", 4) != 0 || s[4] < '0' || s[4] > '9') return -1;
    char *e;
    errno = 0;
    long n = strtol(s + 4, &e, 10);
    if (errno || n > 1000000 || *e != '.') return -1;
    e++;
    for (int p = 0; p < GT_PROJ_N; p++) {
        size_t k = strlen(gt_projs[p].gguf);
        if (strncmp(e, gt_projs[p].gguf, k) != 0) continue;
        const char *rest = e + k;
        if (strcmp(rest, ".weight.lora_a") == 0) *which = 0;
        else if (strcmp(rest, ".weight.lora_b") == 0) *which = 1;
        else continue;
        *layer = (int)n;
        *proj = p;
        return 0;
    }
    return -1;
}

/* A string key of G that must be present and equal WANT. */
static int gguf_expect(const gt_gguf *g, const char *key, const char *want, const char *why, char *err, size_t errsz)
{
    char *v = NULL;
    int r = gt_gguf_get_strdup(g, key, &v, err, errsz);
    if (r < 0) return -1;
    if (r == 1) return gt_fail(err, errsz, "%s: %s is missing: not a GGUF LoRA adapter%s", g->path, key, why);
    int ok = strcmp(v, want) == 0;
    if (!ok) gt_fail(err, errsz, "%s: %s is \"%s\", not \"%s\"%s", g->path, key, v, want, why);
    free(v);
    return ok ? 0 : -1;
}

/* The GGUF adapter PATH (llama.cpp's convert_lora_to_gguf.py: general.type
 * "adapter", adapter.type "lora", adapter.lora.alpha; tensors
 * blk.N.NAME.weight.lora_a, ne [n_in, r], and .lora_b, ne [r, n_out]) into
 * L->mods, B times the scale and the rows of attn_q / attn_k's B put back in
 * the Hugging Face order, as the base's (the converter permutes them as it
 * permutes the base's). */
static int load_gguf(gt_lora *l, const char *path, char *err, size_t errsz)
{
    const gt_config *c = &l->m->c;
    gt_gguf g;
    if (gt_gguf_open(&g, path, err, errsz) != 0) return -1;
    int rc = -1;
    float alpha;
    int r;
    if (gguf_expect(&g, "general.type", "adapter", " (a model file?)", err, errsz) ||
        gguf_expect(&g, "adapter.type", "lora", " (only LoRA adapters are supported)", err, errsz))
        goto out;
    const gt_gguf_val *arch = gt_gguf_find(&g, "general.architecture");
    if (arch && gguf_expect(&g, "general.architecture", "llama", " (an adapter for another architecture)", err, errsz))
        goto out;
    if ((r = gt_gguf_get_f32(&g, "adapter.lora.alpha", &alpha, err, errsz)) < 0) goto out;
    if (r == 1) { gt_fail(err, errsz, "%s: adapter.lora.alpha is missing", g.path); goto out; }
    if (!isfinite(alpha)) { gt_fail(err, errsz, "%s: adapter.lora.alpha is not a finite number", g.path); goto out; }
    l->alpha = alpha;
    l->r = 0;
    for (size_t i = 0; i < g.nt; i++) {
        const gt_gguf_tensor *t = &g.t[i];
        int layer, p, which;
        if (parse_gguf_name(t->name, &layer, &p, &which) != 0) {
            gt_fail(err, errsz, "%s: tensor '%s' is not a LoRA weight of a llama projection "
                    "(blk.N.{attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down}.weight.lora_{a,b})",
                    g.path, t->name);
            goto out;
        }
        if (layer >= c->n_layers) {
            gt_fail(err, errsz, "%s: tensor '%s' is for layer %d, the model has %d layers (an adapter for another model?)",
                    g.path, t->name, layer, c->n_layers);
            goto out;
        }
        if (gt_gguf_check_type(&g, t, err, errsz) != 0) goto out;
        if (l->r == 0 && t->ndim == 2) l->r = (int)(which ? t->ne[0] : t->ne[1]);
        int in, out;
        gt_proj_dims(c, p, &out, &in);
        int64_t want[2] = { which ? l->r : in, which ? out : l->r };
        if (t->ndim != 2 || t->ne[0] != want[0] || t->ne[1] != want[1] || l->r < 1) {
            char a[96], b[96];
            gt_fail(err, errsz, "%s: tensor '%s' has shape %s, expected %s (ggml order; r %d; an adapter for another "
                    "model?)", g.path, t->name, gt_shape_str(t->ne, t->ndim, a, sizeof a),
                    gt_shape_str(want, 2, b, sizeof b), l->r);
            goto out;
        }
        lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
        float **dst = which ? &md->B : &md->A;
        if (*dst) { gt_fail(err, errsz, "%s: tensor '%s' appears twice", g.path, t->name); goto out; }
        md->in = in;
        md->out = out;
        float *v = gt_xmalloc(sizeof(float) * (size_t)t->nelem);
        if (gt_gguf_dequantize(&g, t, 0, t->nrows, v, err, errsz) != 0) { free(v); goto out; }
        if (which && (p == GT_PROJ_Q || p == GT_PROJ_K)) {
            int32_t *perm = gt_xmalloc(sizeof(int32_t) * (size_t)out);
            if (gt_gguf_rope_unpermute(perm, out, p == GT_PROJ_Q ? c->n_heads : c->n_kv_heads) != 0) {
                free(perm);
                free(v);
                gt_fail(err, errsz, "%s: tensor '%s': %d rows are not heads of an even size", g.path, t->name, out);
                goto out;
            }
            float *u = gt_xmalloc(sizeof(float) * (size_t)t->nelem);
            for (int row = 0; row < out; row++)
                memcpy(u + (size_t)row * l->r, v + (size_t)perm[row] * l->r, sizeof(float) * (size_t)l->r);
            free(perm);
            free(v);
            v = u;
        }
        *dst = v;
    }
    /* llama.cpp: scale = alpha / r (r = lora_b's ne[0]); alpha 0 means no scaling */
    l->scale = l->r > 0 && alpha != 0 ? alpha / l->r : 1.0;
    for (int layer = 0; layer < c->n_layers; layer++)
        for (int p = 0; p < GT_PROJ_N; p++) {
            lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
            if (!md->A != !md->B) {
                gt_fail(err, errsz, "%s: tensor 'blk.%d.%s.weight.%s' is missing (its %s is there)", g.path, layer,
                        gt_projs[p].gguf, md->A ? "lora_b" : "lora_a", md->A ? "lora_a" : "lora_b");
                goto out;
            }
            if (md->B && l->merge != GT_LORA_READ)
                for (size_t k = 0; k < (size_t)md->out * (size_t)l->r; k++) md->B[k] *= (float)l->scale;
        }
    rc = 0;
out:
    gt_gguf_close(&g);
    return rc;
}

gt_lora *gt_lora_load(gt_model *m, const char *dir, int merge, char *err, size_t errsz)
{
    const gt_config *c = &m->c;
    gt_lora *l = gt_xcalloc(1, sizeof *l);
    l->m = m;
    l->merge = merge;
    l->mods = gt_xcalloc((size_t)c->n_layers * GT_PROJ_N, sizeof *l->mods);
    char *src = NULL;
    if (gt_is_gguf(dir)) {
        src = gt_xstrdup(dir);
        if (load_gguf(l, dir, err, errsz) != 0) goto fail;
    } else if (load_peft(l, dir, &src, err, errsz) != 0) {
        goto fail;
    }
    for (size_t i = 0; i < (size_t)c->n_layers * GT_PROJ_N; i++) l->nmods += l->mods[i].A != NULL;
    if (l->nmods == 0) { gt_fail(err, errsz, "%s: no LoRA tensors", src); goto fail; }
    if (merge == GT_LORA_READ) {      /* the factors as stored, M left alone */
        free(src);
        return l;
    }

    int apart = !merge;         /* some projections keep the adapter apart */
    if (merge) {
        l->merged = gt_xcalloc((size_t)l->nmods, sizeof *l->merged);
        int nblock = 0;
        char types[64] = "";
        for (int layer = 0; layer < c->n_layers; layer++)
            for (int p = 0; p < GT_PROJ_N; p++) {
                lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
                if (!md->A) continue;
                gt_wmat *w = &m->layers[layer].w[p];
                if (gt_dtype_is_block(w->dt)) {     /* nothing merges into GGUF blocks: y += B (A x) instead */
                    const char *tn = gt_dtype_name(w->dt);
                    if (!strstr(types, tn) && strlen(types) + strlen(tn) + 3 < sizeof types)
                        snprintf(types + strlen(types), sizeof types - strlen(types), "%s%s", *types ? ", " : "", tn);
                    nblock++;
                    continue;
                }
                int in = md->in;
                float *W = gt_xmalloc(sizeof(float) * (size_t)md->out * in);
#pragma omp parallel for schedule(static)
                for (int j = 0; j < md->out; j++) gt_row_to_f32(W + (size_t)j * in, w->p, w->dt, (size_t)j, in);
                gt_lora_merge(W, md->out, in, md->A, md->B, l->r, 1.0f);     /* B holds the scale already */
                w->p = W;
                w->dt = GT_DT_F32;
                l->merged[l->nmerged++] = W;
                free(md->A);
                free(md->B);
                md->A = md->B = NULL;
            }
        if (nblock) {
            apart = 1;
            size_t k = strlen(l->note);
            snprintf(l->note + k, sizeof l->note - k, "%s%s: %d of the %d projections it adapts are GGUF blocks (%s): "
                     "the adapter is applied apart from them, not merged", k ? "; " : "", dir, nblock, l->nmods, types);
        }
    }
    if (apart) {
        for (size_t i = 0; i < (size_t)c->n_layers * GT_PROJ_N; i++) {
            lmod *md = &l->mods[i];
            if (!md->B) continue;
            md->BT = gt_xmalloc(sizeof(float) * (size_t)md->out * (size_t)l->r);
            for (int j = 0; j < md->out; j++)
                for (int k = 0; k < l->r; k++) md->BT[(size_t)k * md->out + j] = md->B[(size_t)j * l->r + k];
        }
        build_groups(l);
        m->delta = delta;
        m->delta_ctx = l;
    }
    free(src);
    return l;
fail:
    free(src);
    gt_lora_free(l);
    return NULL;
}

const char *gt_lora_note(const gt_lora *l) { return l->note; }
double gt_lora_scale(const gt_lora *l) { return l->scale; }
int gt_lora_modules(const gt_lora *l) { return l->nmods; }
int gt_lora_rank(const gt_lora *l) { return l->r; }
double gt_lora_alpha(const gt_lora *l) { return l->alpha; }
int gt_lora_rslora(const gt_lora *l) { return l->rslora; }

int gt_lora_factors(const gt_lora *l, int layer, int p, const float **A, const float **B)
{
    if (layer < 0 || layer >= l->m->c.n_layers || p < 0 || p >= GT_PROJ_N) return 0;
    const lmod *md = &l->mods[(size_t)layer * GT_PROJ_N + p];
    if (!md->A) return 0;
    *A = md->A;
    *B = md->B;
    return 1;
}

void gt_lora_release_merged(gt_lora *l)
{
    for (int i = 0; i < l->nmerged; i++) free(l->merged[i]);
    l->nmerged = 0;
}

void gt_lora_free(gt_lora *l)
{
    if (!l) return;
    if (l->m && l->m->delta_ctx == l) {
        l->m->delta = NULL;
        l->m->delta_ctx = NULL;
    }
    if (l->mods && l->m)
        for (size_t i = 0; i < (size_t)l->m->c.n_layers * GT_PROJ_N; i++) {
            free(l->mods[i].A);
            free(l->mods[i].B);
            free(l->mods[i].BT);
            if (l->groups) free(l->groups[i].AT);
        }
    free(l->groups);
    free(l->mods);
    gt_lora_release_merged(l);
    free(l->merged);
    free(l);
}

/* ---------------------------------------------------------------- GGUF adapters written */

int gt_lora_write_gguf(const char *path, const gt_config *c, double alpha, int rslora, const gt_stw_tensor *t, int n,
                       uint32_t type, char *err, size_t errsz)
{
    int r = 0, rc = -1;
    char *seen = gt_xcalloc((size_t)c->n_layers * GT_PROJ_N, 1);
    float **owned = gt_xcalloc((size_t)(n > 0 ? n : 1), sizeof *owned);
    gt_ggufw *w = gt_ggufw_new();
    /* r: lora_A's rows */
    for (int i = 0; i < n && !r; i++) {
        int layer, p, which;
        if (parse_key(t[i].name, &layer, &p, &which) == 0 && !which && t[i].ndim == 2) r = (int)t[i].shape[0];
    }
    if (r < 1) { gt_fail(err, errsz, "%s: no LoRA tensors to write", path); goto out; }
    /* llama.cpp's scale is alpha / r; PEFT's use_rslora scale is alpha / sqrt(r): the same scale when the file's
     * alpha is alpha * sqrt(r) */
    float falpha = (float)(rslora ? alpha * sqrt((double)r) : alpha);
    gt_ggufw_str(w, "general.architecture", "llama");
    gt_ggufw_str(w, "general.type", "adapter");
    gt_ggufw_str(w, "adapter.type", "lora");
    gt_ggufw_f32(w, "adapter.lora.alpha", falpha);
    gt_ggufw_u32(w, "general.alignment", 32);
    for (int i = 0; i < n; i++) {
        int layer, p, which;
        if (parse_key(t[i].name, &layer, &p, &which) != 0 || layer >= c->n_layers) {
            gt_fail(err, errsz, "%s: tensor '%s' is not a LoRA weight of a projection of the model", path, t[i].name);
            goto out;
        }
        int in, out;
        gt_proj_dims(c, p, &out, &in);
        int64_t want[2] = { which ? out : r, which ? r : in };
        if (t[i].ndim != 2 || t[i].shape[0] != want[0] || t[i].shape[1] != want[1]) {
            gt_fail(err, errsz, "%s: tensor '%s' is not a [%lld, %lld] matrix", path, t[i].name,
                    (long long)want[0], (long long)want[1]);
            goto out;
        }
        seen[(size_t)layer * GT_PROJ_N + p] |= (char)(1 << which);
        const float *data = t[i].data;
        if (which && (p == GT_PROJ_Q || p == GT_PROJ_K)) {
            /* lora_b's rows in llama.cpp's rotary order, as its converter permutes the base's (and load_gguf
             * undoes): row I (Hugging Face order) goes to row PERM[I] */
            int32_t *perm = gt_xmalloc(sizeof(int32_t) * (size_t)out);
            if (gt_gguf_rope_unpermute(perm, out, p == GT_PROJ_Q ? c->n_heads : c->n_kv_heads) != 0) {
                free(perm);
                gt_fail(err, errsz, "%s: tensor '%s': %d rows are not heads of an even size", path, t[i].name, out);
                goto out;
            }
            float *u = owned[i] = gt_xmalloc(sizeof(float) * (size_t)out * (size_t)r);
            for (int row = 0; row < out; row++)
                memcpy(u + (size_t)perm[row] * r, data + (size_t)row * r, sizeof(float) * (size_t)r);
            free(perm);
            data = u;
        }
        char name[128];
        snprintf(name, sizeof name, "blk.%d.%s.weight.lora_%c", layer, gt_projs[p].gguf, which ? 'b' : 'a');
        int64_t ne[2] = { t[i].shape[1], t[i].shape[0] };
        gt_ggufw_tensor_conv(w, name, 2, ne, type, data);
    }
    for (int k = 0; k < c->n_layers * GT_PROJ_N; k++)
        if (seen[k] == 1 || seen[k] == 2) {
            gt_fail(err, errsz, "%s: layer %d %s has lora_%c without lora_%c", path, k / GT_PROJ_N,
                    gt_projs[k % GT_PROJ_N].name, seen[k] == 1 ? 'A' : 'B', seen[k] == 1 ? 'B' : 'A');
            goto out;
        }
    rc = gt_ggufw_write(w, path, err, errsz);
out:
    for (int i = 0; i < n; i++) free(owned[i]);
    free(owned);
    free(seen);
    gt_ggufw_free(w);
    return rc;
}
