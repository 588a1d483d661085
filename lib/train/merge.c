/* merge.c - a model with its adapter merged in, written whole (see merge.h). */
#include "train/merge.h"
#include "train/export.h"
#include "nn/lora.h"
#include "nn/safetensors.h"
#include "io/fswap.h"
#include "io/tmp.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Layer and projection of an HF tensor name "model.layers.L.X.weight", or -1. */
static int proj_of(const char *name, int nl, int *layer)
{
    const char *rest;
    int p = gt_proj_parse(name, layer, &rest);
    return p >= 0 && *layer < nl && strcmp(rest, ".weight") == 0 ? p : -1;
}

/* Tensor X of M's file as F32 into D, merged when it is a projection. */
static void merged_tensor(float *d, const gt_model *m, const gt_train *t, const gt_tensor *x)
{
    int l, p = proj_of(x->name, m->c.n_layers, &l);
    if (p < 0 || x->ndim != 2) {
        gt_to_f32(d, x->data, x->dtype, (size_t)x->numel);
        return;
    }
    const gt_wmat *w = &m->layers[l].w[p];
    if (w->dt == GT_DT_Q8) gt_to_f32(d, x->data, x->dtype, (size_t)x->numel);  /* the file's weights */
    else gt_to_f32(d, w->p, w->dt, (size_t)x->numel);
    const gt_tlin *tl = t ? &t->L[l].lin[p] : NULL;
    if (tl && tl->A) gt_lora_merge(d, (int)x->shape[0], (int)x->shape[1], tl->A, tl->B, t->lora.r, t->lora_scale);
}

void gt_write_merged(const gt_model *m, const gt_train *t, const char *model, const char *config,
                     const char *outdir, int dtype)
{
    if (m->st.nt == 0) gt_die(EX_DATAERR, "--merge-out: %s is not a safetensors model", model);
    struct stat sb;
    if (stat(outdir, &sb) == 0 && !S_ISDIR(sb.st_mode)) gt_die(EX_CANTCREAT, "%s: not a folder", outdir);
    char dir[4000];
    if (snprintf(dir, sizeof dir, "%s.tmp.XXXXXX", outdir) >= (int)sizeof dir)
        gt_die(EX_USAGE, "%s: path too long", outdir);
    int lock = gt_tmp_dir(dir);     /* and the folders of merges killed by SIGKILL removed */
    if (lock < 0) gt_die(EX_CANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
    fchmod(lock, 0755);
    gt_folder_hold(dir, lock, gt_model_files, GT_MODEL_FILES);
    gt_export_config(config, dir);
    gt_export_model_files(model, dir);
    int n = m->st.nt;
    gt_stw_tensor *ts = gt_xcalloc((size_t)n, sizeof *ts);
    for (int i = 0; i < n; i++) {
        const gt_tensor *x = &m->st.t[i];
        float *d = gt_xmalloc(sizeof(float) * (size_t)(x->numel ? x->numel : 1));
        merged_tensor(d, m, t, x);
        ts[i].name = x->name;
        ts[i].data = d;
        ts[i].dtype = dtype >= 0 ? (gt_dtype)dtype : x->dtype;
        ts[i].ndim = x->ndim;
        for (int k = 0; k < x->ndim && k < 4; k++) ts[i].shape[k] = x->shape[k];
    }
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (gt_st_write(path, ts, n, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    for (int i = 0; i < n; i++) free((void *)ts[i].data);
    free(ts);
    int rc = gt_folder_swap(dir, outdir);
    gt_folder_release(0);           /* held (and locked) until in place */
    if (rc == -1) gt_die(EX_IOERR, "%s: cannot create: %s", outdir, strerror(errno));
    if (rc == -2) gt_die(EX_IOERR, "%s: cannot replace: %s (the new model is in %s)", outdir, strerror(errno), dir);
    if (rc == 1) gt_warn("%s: the previous model could not be removed: %s", dir, strerror(errno));
}
