/* export.c - trained weights written out (see export.h). */
#include "train/export.h"
#include "nn/ggml_types.h"
#include "nn/safetensors.h"
#include "io/output.h"
#include "core/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gt_model_files[GT_MODEL_FILES] = {
    "model.safetensors", "config.json", "tokenizer.model", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "generation_config.json", "prompt_template.json",
};

/* Copy SRC to DST atomically: 0 done, -1 SRC cannot be opened (nothing written). */
static int copy_file(const char *src, const char *dst)
{
    FILE *f = fopen(src, "rb");
    if (!f) return -1;
    gt_out o;
    gt_atomic *a = gt_atomic_open(dst, &o);
    if (!a) exit(EX_IOERR);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) gt_out_write(&o, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) gt_die(EX_IOERR, "%s: read error", src);
    if (gt_atomic_commit(a, &o) != 0) exit(EX_IOERR);
    return 0;
}

void gt_export_config(const char *config, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/config.json", dir);
    if (copy_file(config, path) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", config, strerror(errno));
}

void gt_export_model_files(const char *from, const char *dir)
{
    for (int i = 2; i < GT_MODEL_FILES; i++) {
        char src[4200], dst[4200];
        snprintf(src, sizeof src, "%s/%s", from, gt_model_files[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, gt_model_files[i]);
        copy_file(src, dst);
    }
}

static void write_text(const char *path, const char *s)
{
    gt_out o;
    gt_atomic *a = gt_atomic_open(path, &o);
    if (!a) exit(EX_IOERR);
    gt_out_str(&o, s);
    if (gt_atomic_commit(a, &o) != 0) exit(EX_IOERR);
}

/* S as the inside of a JSON string into DST (N bytes), cut short if need be. */
static void json_escape_into(char *dst, size_t n, const char *s)
{
    size_t k = 0;
    for (; *s && k + 7 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { dst[k++] = '\\'; dst[k++] = (char)c; }
        else if (c < 0x20) k += (size_t)snprintf(dst + k, n - k, "\\u%04x", c);
        else dst[k++] = (char)c;
    }
    dst[k] = 0;
}

/* adapter_config.json as PEFT writes it for the LoRA LC on BASE. */
static void write_adapter_config(const gt_lora_cfg *lc, const char *path, const char *base)
{
    char js[8192], tl[512] = "", esc[4096], alpha[32];
    for (int w = 0; w < GT_PROJ_N; w++)
        if (lc->targets >> w & 1)
            snprintf(tl + strlen(tl), sizeof tl - strlen(tl), "%s\"%s\"", tl[0] ? ", " : "", gt_projs[w].name);
    json_escape_into(esc, sizeof esc, base);
    if (lc->alpha == floorf(lc->alpha) && fabsf(lc->alpha) < 1e9f)
        snprintf(alpha, sizeof alpha, "%d", (int)lc->alpha);
    else
        snprintf(alpha, sizeof alpha, "%.9g", (double)lc->alpha);
    snprintf(js, sizeof js,
             "{\n"
             "  \"alpha_pattern\": {},\n"
             "  \"auto_mapping\": null,\n"
             "  \"base_model_name_or_path\": \"%s\",\n"
             "  \"bias\": \"none\",\n"
             "  \"fan_in_fan_out\": false,\n"
             "  \"inference_mode\": true,\n"
             "  \"init_lora_weights\": true,\n"
             "  \"layers_pattern\": null,\n"
             "  \"layers_to_transform\": null,\n"
             "  \"lora_alpha\": %s,\n"
             "  \"lora_dropout\": %.7g,\n"
             "  \"modules_to_save\": null,\n"
             "  \"peft_type\": \"LORA\",\n"
             "  \"r\": %d,\n"
             "  \"rank_pattern\": {},\n"
             "  \"revision\": null,\n"
             "  \"target_modules\": [%s],\n"
             "  \"task_type\": \"CAUSAL_LM\"\n"
             "}\n",
             esc, alpha, (double)lc->dropout, lc->r, tl);
    write_text(path, js);
}

/* The LoRA tensors TS[0..N) (floats, PEFT's names) of a model of config C into
 * DIR: adapter_model.safetensors in ADT[0], and the same adapter as
 * llama.cpp's GGUF LoRA adapter adapter.gguf in ADT[1] (scale alpha / r, as
 * ours; ALPHA and RSLORA as gt_lora_write_gguf). TS's dtypes are set. */
static void write_adapter(const char *dir, const gt_config *c, double alpha, int rslora, gt_stw_tensor *ts, int n,
                          const int adt[2])
{
    char path[4096], err[512];
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    for (int i = 0; i < n; i++) ts[i].dtype = (gt_dtype)adt[0];
    snprintf(path, sizeof path, "%s/adapter_model.safetensors", dir);
    if (gt_st_write(path, ts, n, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    snprintf(path, sizeof path, "%s/adapter.gguf", dir);
    if (gt_lora_write_gguf(path, c, alpha, rslora, ts, n, (uint32_t)gt_ggml_type_of_dtype(adt[1]), err, sizeof err) != 0)
        gt_die(EX_IOERR, "%s", err);
}

void gt_export(const gt_train *t, const char *dir, const char *base, const char *config, int dtype, const int adt[2])
{
    char path[4096], err[512];
    gt_stw_tensor *ts = gt_xcalloc((size_t)t->ntp, sizeof *ts);
    for (int i = 0; i < t->ntp; i++) {
        ts[i].name = t->tp[i].name;
        ts[i].data = t->params + t->tp[i].off;
        ts[i].ndim = t->tp[i].cols ? 2 : 1;
        ts[i].shape[0] = t->tp[i].rows;
        ts[i].shape[1] = t->tp[i].cols;
        ts[i].dtype = t->full && dtype > 0 ? (gt_dtype)dtype : GT_DT_F32;
    }
    if (t->full) {
        const char *mk[] = { "format" }, *mv[] = { "pt" };
        snprintf(path, sizeof path, "%s/model.safetensors", dir);
        if (gt_st_write(path, ts, t->ntp, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
        free(ts);
        gt_export_config(config, dir);
        gt_export_model_files(base, dir);     /* with --init: CONFIG's folder */
        return;
    }
    write_adapter(dir, &t->c, t->lora.alpha, 0, ts, t->ntp, adt);
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    write_adapter_config(&t->lora, path, base);
    free(ts);
}

void gt_export_lora(const gt_lora *l, const gt_config *c, const char *dir, const char *peft_config, const char *base,
                    const int adt[2])
{
    int n = 0, r = gt_lora_rank(l);
    gt_lora_cfg lc = { r, (float)gt_lora_alpha(l), 0, 0 };
    gt_stw_tensor *ts = gt_xcalloc((size_t)c->n_layers * GT_PROJ_N * 2, sizeof *ts);
    char (*names)[128] = gt_xcalloc((size_t)c->n_layers * GT_PROJ_N * 2, sizeof *names);
    for (int layer = 0; layer < c->n_layers; layer++)
        for (int p = 0; p < GT_PROJ_N; p++) {
            const float *f[2];
            if (!gt_lora_factors(l, layer, p, &f[0], &f[1])) continue;
            lc.targets |= 1u << p;
            int out, in;
            gt_proj_dims(c, p, &out, &in);
            for (int which = 0; which < 2; which++, n++) {     /* lora_A [r][in], lora_B [out][r] */
                ts[n].name = gt_proj_tensor(names[n], sizeof names[n], "base_model.model.", layer, p,
                                            which ? ".lora_B.weight" : ".lora_A.weight");
                ts[n].data = f[which];
                ts[n].ndim = 2;
                ts[n].shape[0] = which ? out : r;
                ts[n].shape[1] = which ? r : in;
            }
        }
    write_adapter(dir, c, gt_lora_alpha(l), gt_lora_rslora(l), ts, n, adt);
    char path[4096];
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    if (peft_config) {
        if (copy_file(peft_config, path) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", peft_config, strerror(errno));
    } else {
        if (lc.alpha == 0) lc.alpha = (float)r;        /* a GGUF adapter's alpha 0: scale 1 */
        write_adapter_config(&lc, path, base);
    }
    free(names);
    free(ts);
}
