/* init.c - a new model from a config.json (see init.h). */
#include "train/init.h"
#include "train/export.h"
#include "nn/model.h"
#include "io/file.h"
#include "io/fswap.h"
#include "io/tmp.h"
#include "core/rand.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* initializer_range of a config.json text (0.02 when absent). */
static double init_range(const char *js)
{
    const char *p = strstr(js, "\"initializer_range\"");
    if (!p) return 0.02;
    p = strchr(p, ':');
    if (!p) return 0.02;
    char *e;
    double v = strtod(p + 1, &e);
    return e == p + 1 || !(v >= 0 && v < 10) ? 0.02 : v;
}

/* N normal(0, SD) floats from a splitmix64 stream (Box-Muller). */
static void fill_normal(float *x, size_t n, double sd, uint64_t *st)
{
    for (size_t i = 0; i < n; i += 2) {
        double u1 = ((double)(gt_splitmix64(st) >> 11) + 1.0) * 0x1p-53;    /* (0, 1] */
        double u2 = (double)(gt_splitmix64(st) >> 11) * 0x1p-53;
        double r = sqrt(-2.0 * log(u1)) * sd, a = 2.0 * M_PI * u2;
        x[i] = (float)(r * cos(a));
        if (i + 1 < n) x[i + 1] = (float)(r * sin(a));
    }
}

/* Where CONFIG's config.json and folder are. */
static void locate(const char *config, char *cfg, size_t cn, char *folder, size_t fn)
{
    struct stat sb;
    if (stat(config, &sb) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", config, strerror(errno));
    snprintf(folder, fn, "%s", config);
    if (S_ISDIR(sb.st_mode)) {
        snprintf(cfg, cn, "%s/config.json", config);
        return;
    }
    snprintf(cfg, cn, "%s", config);
    char *sl = strrchr(folder, '/');
    if (sl) *sl = 0;
    else snprintf(folder, fn, ".");
}

/* The tensors of a model of config C, in the order of a Hugging Face file,
 * with their names in NAMES; their count. */
static int model_tensors(const gt_config *c, gt_stw_tensor *ts, char (*names)[96])
{
    int k = 0;
#define ADD(R, C) do { ts[k].name = names[k]; ts[k].ndim = (C) ? 2 : 1; ts[k].shape[0] = (R); ts[k].shape[1] = (C); \
        k++; } while (0)
    snprintf(names[k], sizeof names[0], "model.embed_tokens.weight");
    ADD(c->vocab_size, c->dim);
    for (int l = 0; l < c->n_layers; l++) {
        for (int p = 0; p < GT_PROJ_N; p++) {
            int out, in;
            gt_proj_dims(c, p, &out, &in);
            gt_proj_tensor(names[k], sizeof names[0], "", l, p, ".weight");
            ADD(out, in);
        }
        snprintf(names[k], sizeof names[0], "model.layers.%d.input_layernorm.weight", l);
        ADD(c->dim, 0);
        snprintf(names[k], sizeof names[0], "model.layers.%d.post_attention_layernorm.weight", l);
        ADD(c->dim, 0);
    }
    snprintf(names[k], sizeof names[0], "model.norm.weight");
    ADD(c->dim, 0);
    if (!c->tie_embeddings) {
        snprintf(names[k], sizeof names[0], "lm_head.weight");
        ADD(c->vocab_size, c->dim);
    }
#undef ADD
    return k;
}

/* Full training keeps 16 bytes a parameter (F32 weights, gradients and
 * AdamW's two moments) before any activation. */
#define TRAIN_BYTES_PER_PARAM 16

void gt_init_model(const char *config, uint64_t seed, char *dir, size_t dn, char *cfg, size_t cn, char *folder,
                   size_t fn)
{
    locate(config, cfg, cn, folder, fn);
    char why[300], err[600];
    char *js = gt_read_file(cfg, 0, NULL, why, sizeof why);
    if (!js) gt_die(strncmp(why, "cannot open", 11) == 0 ? EX_NOINPUT : EX_IOERR, "%s: %s", cfg, why);
    gt_config c;
    if (gt_config_parse(&c, js, cfg, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    double sd = init_range(js);
    free(js);

    int nt = 2 + (c.tie_embeddings ? 0 : 1) + 9 * c.n_layers;
    gt_stw_tensor *ts = gt_xcalloc((size_t)nt, sizeof *ts);
    char (*names)[96] = gt_xcalloc((size_t)nt, sizeof *names);
    model_tensors(&c, ts, names);
    /* a config the machine cannot train is refused before any weight is allocated */
    double params = 0;
    for (int i = 0; i < nt; i++) params += (double)ts[i].shape[0] * (ts[i].ndim == 2 ? (double)ts[i].shape[1] : 1);
    double need = params * TRAIN_BYTES_PER_PARAM, ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (ram > 0 && need > ram) {
        free(ts);
        free(names);
        gt_die(EX_DATAERR, "%s: a model of %.1f %s parameters needs at least %.1f GB of memory to train (%d bytes "
               "a parameter: F32 weights, gradients and AdamW's two moments), more than this machine's %.1f GB",
               cfg, params >= 1e9 ? params / 1e9 : params / 1e6, params >= 1e9 ? "billion" : "million", need / 1e9,
               TRAIN_BYTES_PER_PARAM, ram / 1e9);
    }

    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dn, "%s/lora-train-init.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int lock = gt_tmp_dir(dir);     /* and the folders of runs killed by SIGKILL removed */
    if (lock < 0) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
    gt_folder_hold(dir, lock, gt_model_files, GT_MODEL_FILES);
    gt_export_config(cfg, dir);
    uint64_t st = seed ^ 0x696e69746d6f646cull;  /* "initmodl" */
    for (int i = 0; i < nt; i++) {
        size_t n = (size_t)ts[i].shape[0] * (size_t)(ts[i].ndim == 2 ? ts[i].shape[1] : 1);
        float *x = gt_xmalloc(sizeof(float) * n);
        if (ts[i].ndim == 2) fill_normal(x, n, sd, &st);
        else for (size_t j = 0; j < n; j++) x[j] = 1.0f;
        ts[i].data = x;
    }
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    char path[4300];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (gt_st_write(path, ts, nt, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    for (int i = 0; i < nt; i++) free((void *)ts[i].data);
    free(ts);
    free(names);
}
