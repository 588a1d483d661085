/* lora-train - fine-tune a LLaMA model on token streams: LoRA adapters (PEFT
 * layout) or every weight (--full), alpaca-lora's hyperparameters, AdamW,
 * gradient accumulation, checkpoints and exact resume. */
#include "train/adamw.h"
#include "train/checkpoint.h"
#include "train/dataloader.h"
#include "nn/kernels.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "io/output.h"
#include "nn/quant.h"
#include "tok/tokenizer.h"
#include "train/train.h"
#include "core/util.h"
#include "io/file.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void)
{
    printf(
"Usage: lora-train --model DIR --train STREAM [--val STREAM] --out DIR [OPTIONS]\n"
"       lora-train --full --init CONFIG --train STREAM --out DIR [OPTIONS]\n"
"       lora-train --model DIR --lora ADAPTER --merge-out DIR\n"
"Fine-tune the LLaMA model in DIR (Hugging Face layout) on a token stream made by\n"
"tok-encode (see gentitle-tokens(5)); the loss counts response tokens only. Writes\n"
"a LoRA adapter in the PEFT layout (adapter_config.json, adapter_model.safetensors),\n"
"or with --full a whole model (config.json, model.safetensors), to the --out DIR.\n"
"\n"
"Options (defaults are alpaca-lora's):\n"
"  -m, --model DIR           base model (config.json + model.safetensors)\n"
"  -t, --train STREAM        training examples (token stream)\n"
"  -v, --val STREAM          validation examples: val loss at --eval-steps and at the end\n"
"      --val-set-size N      without --val: hold out N training examples, chosen by\n"
"                            --seed, as the validation set (0: none)\n"
"  -o, --out DIR             output folder (created if missing)\n"
"      --lora-r N            LoRA rank (8)\n"
"      --lora-alpha X        LoRA alpha; the update is scaled by alpha / r (16)\n"
"      --lora-dropout P      dropout on the LoRA branch input (0.05)\n"
"      --lora-target LIST    layers given adapters: q_proj,k_proj,v_proj,o_proj,\n"
"                            gate_proj,up_proj,down_proj (q_proj,v_proj)\n"
"      --merge-out DIR       also write the base model with the trained adapter merged\n"
"                            in (W + alpha/r B A; each tensor in the base's dtype\n"
"                            unless --dtype; DIR is replaced as a whole; config.json and\n"
"                            tokenizer files copied) to DIR\n"
"      --dtype T             f32, bf16 or f16: the dtype of written models (--full or\n"
"                            --init output, default f32; --merge-out, default the base's)\n"
"      --lora ADAPTER        with --merge-out and no --train: merge the PEFT adapter\n"
"                            ADAPTER into --model and write it to the --merge-out DIR\n"
"      --load-8bit           quantise the frozen base weights to 8 bits at load, as\n"
"                            title-gen --load-8bit (about 1.1 bytes per weight)\n"
"      --full                train every weight instead of LoRA adapters\n"
"      --init CONFIG         start a new model (implies --full, no --model) from\n"
"                            CONFIG (a config.json, or a folder holding one):\n"
"                            weights normal(0, initializer_range (0.02)), RMSNorm\n"
"                            weights 1, seeded by --seed; tokenizer files beside\n"
"                            CONFIG are checked against the streams and copied\n"
"      --batch-size N        examples per optimizer step (128)\n"
"      --micro-batch-size N  examples per forward pass; batch-size / micro-batch-size\n"
"                            passes are accumulated per step (4)\n"
"      --num-epochs N        passes over the training data (3)\n"
"      --max-steps N         stop after N optimizer steps instead (schedule over N)\n"
"      --learning-rate X     peak learning rate (3e-4)\n"
"      --cutoff-len N        longest example accepted, tokens (256)\n"
"      --warmup-steps N      linear warmup steps (100)\n"
"      --lr-schedule S       linear, cosine or constant decay after warmup (linear)\n"
"      --weight-decay X      AdamW weight decay, not on norm weights (0)\n"
"      --max-grad-norm X     clip the gradient's global norm (1.0; 0: no clipping)\n"
"      --seed N              seed of the LoRA init, shuffling and dropout (42)\n"
"      --group-window N      sort by length within windows of N examples (64 micro-\n"
"                            batches; 0: plain shuffle)\n"
"      --eval-steps N        validation loss every N steps (200) and at the end\n"
"      --save-steps N        checkpoint OUT/checkpoint-STEP every N steps (0: none)\n"
"      --resume DIR          continue from checkpoint DIR, bit for bit; hyperparameters\n"
"                            must be the ones it was made with\n"
"      --stop-after N        save a checkpoint and stop after N steps of this run\n"
"      --log FILE            NDJSON log: one object per step and per evaluation\n"
"  -j, --jobs N              threads (default: all cores)\n"
"      --progress            progress lines on standard error even when not a terminal\n"
"  -h, --help                show this help and exit\n"
"      --version             show the version and exit\n"
"\n"
"SIGINT or SIGTERM: a checkpoint is saved at the end of the current step (exit 130).\n"
"Exit status: 0 ok, 64 usage, 65 bad data, model or checkpoint, 66 a file cannot be\n"
"opened, 74 I/O error, 130 interrupted (checkpoint saved).\n");
}

enum { O_LR = 256, O_LA, O_LD, O_LT, O_FULL, O_BS, O_MBS, O_EP, O_MAXSTEPS, O_LRATE, O_CUT, O_WARM, O_SCHED, O_WD,
       O_MGN, O_SEED, O_WIN, O_EVAL, O_SAVE, O_RESUME, O_STOP, O_LOG, O_PROGRESS, O_VERSION, O_INIT, O_VALSIZE, O_MERGE, O_LORA, O_8BIT, O_DTYPE };

static volatile sig_atomic_t g_stop;
static void on_stop(int sig)
{
    if (g_stop) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_stop = sig;
}
static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- settings that a resumed run must share, as key/value strings ---- */
#define MAXHP 32
typedef struct { int n; char key[MAXHP][32]; char val[MAXHP][96]; } hparams;
static void hp_add(hparams *h, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void hp_add(hparams *h, const char *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(h->key[h->n], sizeof h->key[0], "%s", k);
    vsnprintf(h->val[h->n], sizeof h->val[0], fmt, ap);
    va_end(ap);
    h->n++;
}

typedef struct {
    const char *model, *train, *val, *out, *resume, *log, *init;
    const char *config;             /* config.json copied into a full model */
    gt_lora_cfg lora;
    const char *targets_s;
    int full, batch, micro, epochs, cutoff, warmup, group_window, progress, jobs;
    long max_steps, eval_steps, save_steps, stop_after, val_size;
    const char *val_name;
    const char *merge_out, *lora_dir;
    int dtype;                  /* written models: -1 as the base (merge) or F32 (full), else a gt_dtype */
    int load_8bit;           /* --val, or --train with --val-set-size */
    double lr, wd, max_norm;
    gt_sched sched;
    uint64_t seed;
} opts;

typedef struct {
    opts *o;
    gt_model m;
    gt_train t;
    gt_adamw adam;
    gt_dataset tr, va;
    hparams hp;
    long step, total, spe;          /* next step, total steps, steps per epoch */
    int accum;
    size_t nb;                      /* micro-batches per epoch */
    gt_out log;
    int log_on;
    double t0, tokens_done;         /* throughput of this run */
    long step0;
} run;

static void mkdir_or_die(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
}

static void write_text(const char *path, const char *s)
{
    gt_out o;
    gt_atomic *a = gt_atomic_open(path, &o);
    if (!a) exit(EX_IOERR);
    gt_out_str(&o, s);
    if (gt_atomic_commit(a, &o) != 0) exit(EX_IOERR);
}

/* The text of PATH; the process ends when it cannot be read. */
static char *slurp(const char *path)
{
    char why[300];
    char *s = gt_read_file(path, 0, NULL, why, sizeof why);
    if (!s) gt_die(strncmp(why, "cannot open", 11) == 0 ? EX_NOINPUT : EX_IOERR, "%s: %s", path, why);
    return s;
}

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

/* The files beside a model's weights that travel with it. */
static const char *const tok_names[] = { "tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                         "special_tokens_map.json", "generation_config.json", "prompt_template.json" };
#define N_TOK_NAMES (sizeof tok_names / sizeof *tok_names)

/* A temporary model folder (the --init weights, a --merge-out being written):
 * removed at exit or on a signal if still there (gt_atomic_cleanup_add). The
 * paths are made beforehand: the removal may run in a signal handler. */
static char tmp_paths[N_TOK_NAMES + 3][4300];
static int tmp_set;
static void remove_tmp_folder(void)
{
    if (!tmp_set) return;
    for (size_t i = 1; i < sizeof tmp_paths / sizeof *tmp_paths; i++) unlink(tmp_paths[i]);
    rmdir(tmp_paths[0]);
}
static void hold_tmp_folder(const char *dir)
{
    snprintf(tmp_paths[0], sizeof tmp_paths[0], "%s", dir);
    snprintf(tmp_paths[1], sizeof tmp_paths[1], "%s/model.safetensors", dir);
    snprintf(tmp_paths[2], sizeof tmp_paths[2], "%s/config.json", dir);
    for (size_t i = 0; i < N_TOK_NAMES; i++) snprintf(tmp_paths[3 + i], sizeof tmp_paths[0], "%s/%s", dir, tok_names[i]);
    tmp_set = 1;
    gt_atomic_cleanup_add(remove_tmp_folder);
}
/* Done with it: REMOVE it, or keep it (renamed into place). */
static void release_tmp_folder(int remove)
{
    if (remove) remove_tmp_folder();
    tmp_set = 0;
    gt_atomic_cleanup_remove(remove_tmp_folder);
}

/* Copy the base model's tokenizer files (if any) beside a full model. */
static void copy_tokenizer(const char *from, const char *to)
{
    const char *const *names = tok_names;
    for (size_t i = 0; i < N_TOK_NAMES; i++) {
        char src[4200], dst[4200];
        snprintf(src, sizeof src, "%s/%s", from, names[i]);
        FILE *f = fopen(src, "rb");
        if (!f) continue;
        snprintf(dst, sizeof dst, "%s/%s", to, names[i]);
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
    }
}

/* The trained weights in the output layout: adapter (PEFT) or full model. */
static void write_weights(run *R, const char *dir)
{
    opts *o = R->o;
    char path[4096], err[512];
    gt_train *t = &R->t;
    gt_stw_tensor *ts = gt_xcalloc((size_t)t->ntp, sizeof *ts);
    for (int i = 0; i < t->ntp; i++) {
        ts[i].name = t->tp[i].name;
        ts[i].data = t->params + t->tp[i].off;
        ts[i].ndim = t->tp[i].cols ? 2 : 1;
        ts[i].shape[0] = t->tp[i].rows;
        ts[i].shape[1] = t->tp[i].cols;
        ts[i].dtype = o->full && o->dtype > 0 ? o->dtype : GT_DT_F32;
    }
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    snprintf(path, sizeof path, "%s/%s", dir, o->full ? "model.safetensors" : "adapter_model.safetensors");
    if (gt_st_write(path, ts, t->ntp, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    free(ts);
    if (o->full) {
        /* config.json of the base model, verbatim: the weights keep its names and shapes */
        char *buf = slurp(o->config);
        snprintf(path, sizeof path, "%s/config.json", dir);
        write_text(path, buf);
        free(buf);
        copy_tokenizer(o->model, dir);      /* with --init: CONFIG's folder */
        return;
    }
    char js[8192], tl[512] = "", base[4096];
    for (int w = 0; w < GT_PROJ_N; w++)
        if (o->lora.targets >> w & 1)
            snprintf(tl + strlen(tl), sizeof tl - strlen(tl), "%s\"%s\"", tl[0] ? ", " : "", gt_projs[w].name);
    json_escape_into(base, sizeof base, o->model);
    char alpha[32];
    if (o->lora.alpha == floorf(o->lora.alpha) && fabsf(o->lora.alpha) < 1e9f)
        snprintf(alpha, sizeof alpha, "%d", (int)o->lora.alpha);
    else
        snprintf(alpha, sizeof alpha, "%.9g", (double)o->lora.alpha);
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
             base, alpha, (double)o->lora.dropout, o->lora.r, tl);
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    write_text(path, js);
}

/* ---- --init: a new model from a config.json ---- */

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

/* Write a randomly initialised model for o->init (config.json + F32
 * model.safetensors, as LlamaForCausalLM._init_weights) into a fresh
 * temporary folder DIR. o->config and o->model (for the tokenizer files)
 * are set to CONFIG and its folder. */
static void init_model(opts *o, char *cfg, size_t cn, char *dir, size_t dn)
{
    struct stat sb;
    if (stat(o->init, &sb) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->init, strerror(errno));
    static char folder[4200];
    if (S_ISDIR(sb.st_mode)) {
        snprintf(cfg, cn, "%s/config.json", o->init);
        snprintf(folder, sizeof folder, "%s", o->init);
    } else {
        snprintf(cfg, cn, "%s", o->init);
        snprintf(folder, sizeof folder, "%s", o->init);
        char *sl = strrchr(folder, '/');
        if (sl) *sl = 0;
        else snprintf(folder, sizeof folder, ".");
    }
    o->config = cfg;
    o->model = folder;
    char *js = slurp(cfg);
    gt_config c;
    char err[600];
    if (gt_config_parse(&c, js, cfg, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    double sd = init_range(js);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dn, "%s/lora-train-init.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
    hold_tmp_folder(dir);
    char path[4300];
    snprintf(path, sizeof path, "%s/config.json", dir);
    write_text(path, js);
    free(js);

    int qd = c.n_heads * c.head_dim, kvd = c.n_kv_heads * c.head_dim;
    int nt = 2 + (c.tie_embeddings ? 0 : 1) + 9 * c.n_layers;
    gt_stw_tensor *ts = gt_xcalloc((size_t)nt, sizeof *ts);
    char (*names)[96] = gt_xcalloc((size_t)nt, sizeof *names);
    int k = 0;
#define ADD(R, C, ...) do { snprintf(names[k], sizeof names[0], __VA_ARGS__); ts[k].name = names[k]; \
        ts[k].ndim = (C) ? 2 : 1; ts[k].shape[0] = (R); ts[k].shape[1] = (C); k++; } while (0)
    ADD(c.vocab_size, c.dim, "model.embed_tokens.weight");
    for (int l = 0; l < c.n_layers; l++) {
        ADD(qd, c.dim, "model.layers.%d.self_attn.q_proj.weight", l);
        ADD(kvd, c.dim, "model.layers.%d.self_attn.k_proj.weight", l);
        ADD(kvd, c.dim, "model.layers.%d.self_attn.v_proj.weight", l);
        ADD(c.dim, qd, "model.layers.%d.self_attn.o_proj.weight", l);
        ADD(c.hidden_dim, c.dim, "model.layers.%d.mlp.gate_proj.weight", l);
        ADD(c.hidden_dim, c.dim, "model.layers.%d.mlp.up_proj.weight", l);
        ADD(c.dim, c.hidden_dim, "model.layers.%d.mlp.down_proj.weight", l);
        ADD(c.dim, 0, "model.layers.%d.input_layernorm.weight", l);
        ADD(c.dim, 0, "model.layers.%d.post_attention_layernorm.weight", l);
    }
    ADD(c.dim, 0, "model.norm.weight");
    if (!c.tie_embeddings) ADD(c.vocab_size, c.dim, "lm_head.weight");
#undef ADD
    uint64_t st = o->seed ^ 0x696e69746d6f646cull;  /* "initmodl" */
    for (int i = 0; i < nt; i++) {
        size_t n = (size_t)ts[i].shape[0] * (size_t)(ts[i].ndim == 2 ? ts[i].shape[1] : 1);
        float *x = gt_xmalloc(sizeof(float) * n);
        if (ts[i].ndim == 2) fill_normal(x, n, sd, &st);
        else for (size_t j = 0; j < n; j++) x[j] = 1.0f;
        ts[i].data = x;
    }
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (gt_st_write(path, ts, nt, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    for (int i = 0; i < nt; i++) free((void *)ts[i].data);
    free(ts);
    free(names);
}

#define CKPT_FILE "checkpoint.safetensors"

static void save_checkpoint(run *R, char *dirout, size_t dn)
{
    opts *o = R->o;
    gt_train *t = &R->t;
    snprintf(dirout, dn, "%s/checkpoint-%ld", o->out, R->step);
    mkdir_or_die(dirout);
    write_weights(R, dirout);
    int nt = t->ntp * 3;
    gt_stw_tensor *ts = gt_xcalloc((size_t)nt, sizeof *ts);
    char (*names)[128] = gt_xcalloc((size_t)nt, sizeof *names);
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        const float *src[3] = { t->params + p->off, R->adam.m + p->off, R->adam.v + p->off };
        const char *pre[3] = { "param.", "adam.exp_avg.", "adam.exp_avg_sq." };
        for (int k = 0; k < 3; k++) {
            gt_stw_tensor *x = &ts[k * t->ntp + i];
            snprintf(names[k * t->ntp + i], sizeof names[0], "%s%s", pre[k], p->name);
            x->name = names[k * t->ntp + i];
            x->data = src[k];
            x->ndim = p->cols ? 2 : 1;
            x->shape[0] = p->rows;
            x->shape[1] = p->cols;
        }
    }
    const char *keys[MAXHP + 16], *vals[MAXHP + 16];
    char sv[8][64];
    int nm = 0;
    keys[nm] = "format"; vals[nm++] = "pt";
    keys[nm] = "gentitle.format"; vals[nm++] = "gentitle-checkpoint 1";
    snprintf(sv[0], sizeof sv[0], "%ld", R->step);
    keys[nm] = "step"; vals[nm++] = sv[0];
    snprintf(sv[1], sizeof sv[1], "%ld", R->adam.step);
    keys[nm] = "adam.step"; vals[nm++] = sv[1];
    snprintf(sv[2], sizeof sv[2], "%ld", R->step / R->spe);
    keys[nm] = "data.epoch"; vals[nm++] = sv[2];
    snprintf(sv[3], sizeof sv[3], "%ld", (R->step % R->spe) * R->accum);
    keys[nm] = "data.micro_batch"; vals[nm++] = sv[3];
    snprintf(sv[4], sizeof sv[4], "splitmix64 seed %llu", (unsigned long long)o->seed);
    keys[nm] = "rng"; vals[nm++] = sv[4];
    snprintf(sv[5], sizeof sv[5], "%ld", R->total);
    keys[nm] = "total_steps"; vals[nm++] = sv[5];
    for (int i = 0; i < R->hp.n; i++) {
        static char hk[MAXHP][48];
        snprintf(hk[i], sizeof hk[i], "hp.%s", R->hp.key[i]);
        keys[nm] = hk[i];
        vals[nm++] = R->hp.val[i];
    }
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/" CKPT_FILE, dirout);
    if (gt_st_write(path, ts, nt, keys, vals, nm, 1, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    free(ts);
    free(names);
    install_handlers();     /* gt_atomic_open installs its own on first use */
}

static void load_checkpoint(run *R)
{
    opts *o = R->o;
    gt_train *t = &R->t;
    char path[4200], err[600];
    snprintf(path, sizeof path, "%s/" CKPT_FILE, o->resume);
    if (access(path, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    gt_ckpt c;
    if (gt_ckpt_read(path, &c, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    const char *f = gt_ckpt_meta(&c, "gentitle.format");
    if (!f || strcmp(f, "gentitle-checkpoint 1") != 0) gt_die(EX_DATAERR, "%s: not a gentitle checkpoint", path);
    for (int i = 0; i < R->hp.n; i++) {
        char k[64];
        snprintf(k, sizeof k, "hp.%s", R->hp.key[i]);
        const char *v = gt_ckpt_meta(&c, k);
        if (!v && (strcmp(R->hp.key[i], "val-set-size") == 0 || strcmp(R->hp.key[i], "load-8bit") == 0))
            v = "0";    /* checkpoints made before these options */
        if (!v) gt_die(EX_DATAERR, "%s: lacks setting '%s'", path, R->hp.key[i]);
        if (strcmp(v, R->hp.val[i]) != 0) {
            if (strcmp(R->hp.key[i], "train") == 0 || strcmp(R->hp.key[i], "model") == 0)
                gt_die(EX_DATAERR, "--resume: the checkpoint was made with another %s (%s, now %s)",
                       R->hp.key[i][0] == 't' ? "training stream" : "model", v, R->hp.val[i]);
            gt_die(EX_DATAERR, "--resume: the checkpoint was made with --%s %s, not %s (hyperparameters must not "
                   "change)", R->hp.key[i], v, R->hp.val[i]);
        }
    }
    const char *s = gt_ckpt_meta(&c, "step"), *as = gt_ckpt_meta(&c, "adam.step");
    if (!s || !as) gt_die(EX_DATAERR, "%s: lacks the step", path);
    R->step = atol(s);
    R->adam.step = atol(as);
    if (R->step < 0 || R->step > R->total) gt_die(EX_DATAERR, "%s: bad step %s", path, s);
    for (int i = 0; i < t->ntp; i++) {
        const gt_tparam *p = &t->tp[i];
        float *dst[3] = { t->params + p->off, R->adam.m + p->off, R->adam.v + p->off };
        const char *pre[3] = { "param.", "adam.exp_avg.", "adam.exp_avg_sq." };
        for (int k = 0; k < 3; k++) {
            char nm[160];
            snprintf(nm, sizeof nm, "%s%s", pre[k], p->name);
            const gt_ck_tensor *x = gt_ckpt_tensor(&c, nm);
            if (!x) gt_die(EX_DATAERR, "%s: lacks tensor '%s'", path, nm);
            if (x->numel != p->numel) gt_die(EX_DATAERR, "%s: tensor '%s' has the wrong size", path, nm);
            memcpy(dst[k], x->data, sizeof(float) * p->numel);
        }
    }
    gt_ckpt_free(&c);
}

static void fmt_time(char *b, size_t n, double s)
{
    if (!(s >= 0) || s > 1e8) { snprintf(b, n, "?"); return; }
    long x = (long)(s + 0.5);
    snprintf(b, n, "%ld:%02ld:%02ld", x / 3600, x / 60 % 60, x % 60);
}

static void log_num(gt_out *o, const char *k, double v)
{
    char b[64];
    if (isfinite(v)) snprintf(b, sizeof b, ",\"%s\":%.7g", k, v);
    else snprintf(b, sizeof b, ",\"%s\":null", k);
    gt_out_str(o, b);
}

/* Validation loss: mean over every counted token of the set, no dropout. */
static double evaluate(run *R, int32_t *tok, uint8_t *mask, double *ntok)
{
    gt_epoch e;
    gt_epoch_plan(&e, &R->va, R->o->micro, 0, 0, 0);
    double sum = 0, cnt = 0;
    for (size_t b = 0; b < e.nb; b++) {
        int nseq;
        int T = gt_batch_fill(&R->va, &e, b, tok, mask, 0, &nseq);
        double loss;
        int c = gt_train_step(&R->t, tok, mask, nseq, T, 0, 0, 1.0f, &loss);
        if (c < 0) gt_die(EX_DATAERR, "%s: %s", R->o->val_name, R->t.err);
        sum += loss * c;
        cnt += c;
    }
    gt_epoch_free(&e);
    *ntok = cnt;
    return cnt > 0 ? sum / cnt : NAN;
}

static void do_eval(run *R, int32_t *tok, uint8_t *mask, int show)
{
    double n, vl = evaluate(R, tok, mask, &n);
    if (show) fprintf(stderr, "%s: step %ld/%ld val_loss %.4f (%.0f tokens)\n", gt_progname, R->step, R->total, vl, n);
    if (R->log_on) {
        char b[128];
        snprintf(b, sizeof b, "{\"type\":\"eval\",\"step\":%ld", R->step);
        gt_out_str(&R->log, b);
        log_num(&R->log, "epoch", (double)R->step / (double)R->spe);
        log_num(&R->log, "val_loss", vl);
        log_num(&R->log, "val_tokens", n);
        gt_out_str(&R->log, "}\n");
        gt_out_flush(&R->log);
    }
}

static int load_stream(gt_dataset *d, const char *path, const gt_model *m, int limit, const char *what,
                       const uint64_t *fp)
{
    char err[600];
    if (strcmp(path, "-") != 0 && access(path, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", path, strerror(errno));
    if (gt_dataset_load(d, path, m->c.vocab_size, limit, what, fp, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    return 0;
}

/* ---- --merge-out: the base model with the adapter merged in ---- */

/* Layer and projection of an HF tensor name "model.layers.L.X.weight", or -1. */
static int proj_of(const char *name, int nl, int *layer)
{
    const char *rest;
    int p = gt_proj_parse(name, layer, &rest);
    return p >= 0 && *layer < nl && strcmp(rest, ".weight") == 0 ? p : -1;
}

/* Write DIR/model.safetensors (every tensor of M's file in F32, the seven
 * projections taken from M's layers, so already merged when an adapter was
 * merged into M, plus scale * B A of T's adapters when T is not NULL),
 * DIR/config.json (CONFIG verbatim) and MODEL's tokenizer files. Each file is
 * written atomically; model.safetensors last. */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

/* Put the finished folder TMP in the place of DIR as a whole: renamed when DIR
 * does not exist (or is empty), else exchanged with it atomically
 * (renameat2 RENAME_EXCHANGE) and the old folder then removed. A reader sees
 * the old model or the new one, never a mixture. */
static void swap_into_place(const char *tmp, const char *dir)
{
    if (rename(tmp, dir) == 0) return;
    if (errno != EEXIST && errno != ENOTEMPTY) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0)
        gt_die(EX_IOERR, "%s: cannot replace: %s (the new model is in %s)", dir, strerror(errno), tmp);
    if (nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        gt_warn("%s: the previous model could not be removed: %s", tmp, strerror(errno));
}

static void write_merged(const gt_model *m, const gt_train *t, const char *model, const char *config,
                         const char *outdir, int dtype)
{
    if (m->st.nt == 0) gt_die(EX_DATAERR, "--merge-out: %s is not a safetensors model", model);
    struct stat sb;
    if (stat(outdir, &sb) == 0 && !S_ISDIR(sb.st_mode)) gt_die(EX_CANTCREAT, "%s: not a folder", outdir);
    char dir[4000];
    if (snprintf(dir, sizeof dir, "%s.tmp%ld", outdir, (long)getpid()) >= (int)sizeof dir)
        gt_die(EX_USAGE, "%s: path too long", outdir);
    if (mkdir(dir, 0755) != 0) gt_die(EX_CANTCREAT, "%s: cannot create: %s", dir, strerror(errno));
    hold_tmp_folder(dir);
    char path[4200], err[512];
    char *js = slurp(config);
    snprintf(path, sizeof path, "%s/config.json", dir);
    write_text(path, js);
    free(js);
    copy_tokenizer(model, dir);
    int n = m->st.nt;
    gt_stw_tensor *ts = gt_xcalloc((size_t)n, sizeof *ts);
    for (int i = 0; i < n; i++) {
        const gt_tensor *x = &m->st.t[i];
        float *d = gt_xmalloc(sizeof(float) * (size_t)(x->numel ? x->numel : 1));
        int l, p = proj_of(x->name, m->c.n_layers, &l);
        if (p >= 0 && x->ndim == 2) {
            const gt_wmat *w = &m->layers[l].w[p];
            if (w->dt == GT_DT_Q8) gt_to_f32(d, x->data, x->dtype, (size_t)x->numel);  /* the file's weights */
            else gt_to_f32(d, w->p, w->dt, (size_t)x->numel);
            const gt_tlin *tl = t ? &t->L[l].lin[p] : NULL;
            if (tl && tl->A) gt_lora_merge(d, (int)x->shape[0], (int)x->shape[1], tl->A, tl->B, t->lora.r, t->lora_scale);
        } else {
            gt_to_f32(d, x->data, x->dtype, (size_t)x->numel);
        }
        ts[i].name = x->name;
        ts[i].data = d;
        ts[i].dtype = dtype >= 0 ? dtype : (int)x->dtype;
        ts[i].ndim = x->ndim;
        for (int k = 0; k < x->ndim && k < 4; k++) ts[i].shape[k] = x->shape[k];
    }
    const char *mk[] = { "format" }, *mv[] = { "pt" };
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    if (gt_st_write(path, ts, n, mk, mv, 1, 0, err, sizeof err) != 0) gt_die(EX_IOERR, "%s", err);
    for (int i = 0; i < n; i++) free((void *)ts[i].data);
    free(ts);
    release_tmp_folder(0);
    swap_into_place(dir, outdir);
    install_handlers();
}

/* --model BASE --lora ADAPTER --merge-out DIR */
static int merge_only(opts *o)
{
    if (!o->model) gt_usage_error("--model DIR is required");
    char err[600], cfg[4200];
    gt_model m;
    if (access(o->model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->model, strerror(errno));
    if (access(o->lora_dir, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->lora_dir, strerror(errno));
    if (gt_model_load(&m, o->model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    gt_lora *l = gt_lora_load(&m, o->lora_dir, 1, err, sizeof err);
    if (!l) gt_die(EX_DATAERR, "%s", err);
    if (*gt_lora_note(l)) gt_warn("%s", gt_lora_note(l));
    snprintf(cfg, sizeof cfg, "%s/config.json", o->model);
    write_merged(&m, NULL, o->model, cfg, o->merge_out, o->dtype);
    gt_lora_free(l);
    gt_model_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    opts o;
    memset(&o, 0, sizeof o);
    gt_lora_cfg_default(&o.lora);
    o.dtype = -1;
    o.targets_s = "q_proj,v_proj";
    o.batch = 128; o.micro = 4; o.epochs = 3; o.cutoff = 256; o.warmup = 100; o.group_window = -1;
    o.lr = 3e-4; o.wd = 0; o.max_norm = 1.0; o.sched = GT_SCHED_LINEAR; o.seed = 42; o.eval_steps = 200;
    static const struct option lo[] = {
        { "model", required_argument, 0, 'm' }, { "train", required_argument, 0, 't' },
        { "val", required_argument, 0, 'v' }, { "out", required_argument, 0, 'o' },
        { "lora-r", required_argument, 0, O_LR }, { "lora-alpha", required_argument, 0, O_LA },
        { "lora-dropout", required_argument, 0, O_LD }, { "lora-target", required_argument, 0, O_LT },
        { "lora-target-modules", required_argument, 0, O_LT }, { "full", no_argument, 0, O_FULL },
        { "batch-size", required_argument, 0, O_BS }, { "micro-batch-size", required_argument, 0, O_MBS },
        { "num-epochs", required_argument, 0, O_EP }, { "max-steps", required_argument, 0, O_MAXSTEPS },
        { "learning-rate", required_argument, 0, O_LRATE }, { "cutoff-len", required_argument, 0, O_CUT },
        { "warmup-steps", required_argument, 0, O_WARM }, { "lr-schedule", required_argument, 0, O_SCHED },
        { "weight-decay", required_argument, 0, O_WD }, { "max-grad-norm", required_argument, 0, O_MGN },
        { "seed", required_argument, 0, O_SEED }, { "group-window", required_argument, 0, O_WIN },
        { "eval-steps", required_argument, 0, O_EVAL }, { "save-steps", required_argument, 0, O_SAVE },
        { "resume", required_argument, 0, O_RESUME }, { "stop-after", required_argument, 0, O_STOP },
        { "log", required_argument, 0, O_LOG }, { "jobs", required_argument, 0, 'j' },
        { "progress", no_argument, 0, O_PROGRESS }, { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, O_VERSION }, { "init", required_argument, 0, O_INIT },
        { "val-set-size", required_argument, 0, O_VALSIZE }, { "merge-out", required_argument, 0, O_MERGE },
        { "dtype", required_argument, 0, O_DTYPE },
        { "lora", required_argument, 0, O_LORA }, { "load-8bit", no_argument, 0, O_8BIT }, { 0, 0, 0, 0 }
    };
    int c;
    while ((c = getopt_long(argc, argv, "m:t:v:o:j:h", lo, NULL)) != -1) {
        switch (c) {
        case 'm': o.model = optarg; break;
        case 't': o.train = optarg; break;
        case 'v': o.val = optarg; break;
        case 'o': o.out = optarg; break;
        case O_LR: o.lora.r = (int)gt_parse_ll("--lora-r", optarg, 1, 4096); break;
        case O_LA: o.lora.alpha = (float)gt_parse_double("--lora-alpha", optarg, -1e6, 1e6, 0); break;
        case O_LD: o.lora.dropout = (float)gt_parse_double("--lora-dropout", optarg, 0, 0.999, 0); break;
        case O_LT: o.targets_s = optarg; break;
        case O_FULL: o.full = 1; break;
        case O_INIT: o.init = optarg; o.full = 1; break;
        case O_MERGE: o.merge_out = optarg; break;
        case O_DTYPE:
            if (strcmp(optarg, "f32") == 0 || strcmp(optarg, "float32") == 0) o.dtype = GT_DT_F32;
            else if (strcmp(optarg, "bf16") == 0 || strcmp(optarg, "bfloat16") == 0) o.dtype = GT_DT_BF16;
            else if (strcmp(optarg, "f16") == 0 || strcmp(optarg, "float16") == 0) o.dtype = GT_DT_F16;
            else gt_usage_error("--dtype: '%s' is not f32, bf16 or f16", optarg);
            break;
        case O_LORA: o.lora_dir = optarg; break;
        case O_8BIT: o.load_8bit = 1; break;
        case O_VALSIZE: o.val_size = (long)gt_parse_ll("--val-set-size", optarg, 0, 1L << 40); break;
        case O_BS: o.batch = (int)gt_parse_ll("--batch-size", optarg, 1, 1 << 20); break;
        case O_MBS: o.micro = (int)gt_parse_ll("--micro-batch-size", optarg, 1, 1 << 16); break;
        case O_EP: o.epochs = (int)gt_parse_ll("--num-epochs", optarg, 1, 1 << 20); break;
        case O_MAXSTEPS: o.max_steps = (long)gt_parse_ll("--max-steps", optarg, 1, 1L << 40); break;
        case O_LRATE: o.lr = gt_parse_double("--learning-rate", optarg, 0, 10, 0); break;
        case O_CUT: o.cutoff = (int)gt_parse_ll("--cutoff-len", optarg, 2, 1 << 20); break;
        case O_WARM: o.warmup = (int)gt_parse_ll("--warmup-steps", optarg, 0, 1 << 30); break;
        case O_SCHED:
            if (strcmp(optarg, "linear") == 0) o.sched = GT_SCHED_LINEAR;
            else if (strcmp(optarg, "cosine") == 0) o.sched = GT_SCHED_COSINE;
            else if (strcmp(optarg, "constant") == 0) o.sched = GT_SCHED_CONSTANT;
            else gt_usage_error("--lr-schedule: '%s' is not linear, cosine or constant", optarg);
            break;
        case O_WD: o.wd = gt_parse_double("--weight-decay", optarg, 0, 10, 0); break;
        case O_MGN: o.max_norm = gt_parse_double("--max-grad-norm", optarg, 0, 1e9, 0); break;
        case O_SEED: o.seed = (uint64_t)gt_parse_ll("--seed", optarg, 0, 0x7fffffffffffffffLL); break;
        case O_WIN: o.group_window = (int)gt_parse_ll("--group-window", optarg, 0, 1 << 30); break;
        case O_EVAL: o.eval_steps = (long)gt_parse_ll("--eval-steps", optarg, 0, 1L << 40); break;
        case O_SAVE: o.save_steps = (long)gt_parse_ll("--save-steps", optarg, 0, 1L << 40); break;
        case O_RESUME: o.resume = optarg; break;
        case O_STOP: o.stop_after = (long)gt_parse_ll("--stop-after", optarg, 1, 1L << 40); break;
        case O_LOG: o.log = optarg; break;
        case 'j': o.jobs = (int)gt_parse_ll("--jobs", optarg, 1, 1024); break;
        case O_PROGRESS: o.progress = 1; break;
        case 'h': usage(); return 0;
        case O_VERSION: gt_print_version(); return 0;
        default: gt_usage_error("unknown option");
        }
    }
    if (optind < argc) gt_usage_error("unexpected argument '%s'", argv[optind]);
    if (o.init && o.model) gt_usage_error("--init and --model exclude each other");
    if (!o.model && !o.init) gt_usage_error("--model DIR is required (or --init CONFIG)");
    if (o.load_8bit && o.full) gt_usage_error("--load-8bit is for LoRA training (the base stays frozen), not --full");
    if (o.load_8bit && o.lora_dir) gt_usage_error("--load-8bit: a merged model is written from the 16/32-bit weights; drop it");
    if (o.merge_out && o.full) gt_usage_error("--merge-out needs LoRA training, not --full");
    if (o.lora_dir && o.train) gt_usage_error("--lora ADAPTER is for merging (--merge-out without --train)");
    if (o.lora_dir && !o.merge_out) gt_usage_error("--lora ADAPTER needs --merge-out DIR");
    if (o.dtype >= 0 && !o.full && !o.merge_out)
        gt_usage_error("--dtype applies to written models (--full, --init or --merge-out), not adapters");
    if (o.lora_dir) return merge_only(&o);
    if (o.merge_out && !o.full && o.lora.targets == 0) gt_usage_error("--merge-out: no --lora-target");
    if (!o.train) gt_usage_error("--train STREAM is required");
    if (!o.out) gt_usage_error("--out DIR is required");
    if (o.val && o.val_size > 0) gt_usage_error("--val and --val-set-size exclude each other");
    if (o.batch < o.micro) gt_usage_error("--batch-size %d is smaller than --micro-batch-size %d", o.batch, o.micro);
    char err[600];
    if (gt_lora_parse_targets(o.targets_s, &o.lora.targets, err, sizeof err) != 0)
        gt_usage_error("--lora-target: %s", err);
    if (o.jobs > 0) omp_set_num_threads(o.jobs);
    int show = gt_progress_wanted(o.progress);

    run R;
    memset(&R, 0, sizeof R);
    R.o = &o;
    char cfgbuf[4200], initdir[4200] = "";
    if (o.init) {
        init_model(&o, cfgbuf, sizeof cfgbuf, initdir, sizeof initdir);
        if (gt_model_load(&R.m, initdir, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
        release_tmp_folder(1);      /* the weights stay mapped */
    } else {
        if (access(o.model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o.model, strerror(errno));
        if (gt_model_load(&R.m, o.model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
        snprintf(cfgbuf, sizeof cfgbuf, "%s/config.json", o.model);
        o.config = cfgbuf;
    }
    gt_quant *q8 = NULL;
    if (o.load_8bit) {
        q8 = gt_quant_model(&R.m, err, sizeof err);
        if (!q8) gt_die(EX_SOFTWARE, "--load-8bit: %s", err);
    }

    /* the model's tokenizer, when it has one: the streams must come from it */
    uint64_t fp = 0;
    int have_fp = 0;
    {
        const char *names[] = { "tokenizer.model", "tokenizer.json" };
        for (int i = 0; i < 2 && !have_fp; i++) {
            char p[4200];
            snprintf(p, sizeof p, "%s/%s", o.model, names[i]);
            if (access(p, R_OK) != 0) continue;
            gt_tok *tk = gt_tok_load(p, err, sizeof err);
            if (!tk) gt_die(EX_DATAERR, "%s: %s", p, err);
            fp = gt_tok_fingerprint(tk);
            have_fp = 1;
            gt_tok_free(tk);
        }
    }
    int limit = o.cutoff;
    char what[96];
    snprintf(what, sizeof what, "--cutoff-len %d", o.cutoff);
    if (R.m.c.max_pos < limit) {
        limit = R.m.c.max_pos;
        snprintf(what, sizeof what, "the model's max_position_embeddings %d", limit);
    }
    load_stream(&R.tr, o.train, &R.m, limit, what, have_fp ? &fp : NULL);
    if (o.val) load_stream(&R.va, o.val, &R.m, limit, what, have_fp ? &fp : NULL);
    o.val_name = o.val ? o.val : o.train;
    size_t n_all = R.tr.n;
    uint64_t hash_all = R.tr.hash;
    if (o.val_size > 0) {
        if ((size_t)o.val_size >= R.tr.n)
            gt_die(EX_DATAERR, "--val-set-size %ld: %s has only %zu examples (at least one must be left to train on)",
                   o.val_size, o.train, R.tr.n);
        gt_dataset all = R.tr;
        gt_dataset_split(&all, (size_t)o.val_size, o.seed, &R.tr, &R.va);
        gt_dataset_free(&all);
    }
    R.accum = o.batch / o.micro;
    if (o.group_window < 0) o.group_window = 64 * o.micro;
    R.nb = (R.tr.n + (size_t)o.micro - 1) / (size_t)o.micro;
    R.spe = (long)((R.nb + (size_t)R.accum - 1) / (size_t)R.accum);
    R.total = o.max_steps > 0 ? o.max_steps : (long)o.epochs * R.spe;

    hparams *H = &R.hp;
    const gt_config *mc = &R.m.c;
    hp_add(H, "model", "dim %d hidden %d layers %d heads %d/%d vocab %d", mc->dim, mc->hidden_dim, mc->n_layers,
           mc->n_heads, mc->n_kv_heads, mc->vocab_size);
    hp_add(H, "train", "%zu examples, hash %016llx", n_all, (unsigned long long)hash_all);
    hp_add(H, "val-set-size", "%ld", o.val_size);
    hp_add(H, "full", "%d", o.full);
    hp_add(H, "load-8bit", "%d", o.load_8bit);
    if (!o.full) {
        hp_add(H, "lora-r", "%d", o.lora.r);
        hp_add(H, "lora-alpha", "%.7g", (double)o.lora.alpha);
        hp_add(H, "lora-dropout", "%.7g", (double)o.lora.dropout);
        char tl[256] = "";
        for (int w = 0; w < GT_PROJ_N; w++)
            if (o.lora.targets >> w & 1) snprintf(tl + strlen(tl), sizeof tl - strlen(tl), "%s%s", tl[0] ? "," : "", gt_projs[w].name);
        hp_add(H, "lora-target", "%s", tl);
    }
    hp_add(H, "batch-size", "%d", o.batch);
    hp_add(H, "micro-batch-size", "%d", o.micro);
    hp_add(H, "num-epochs", "%d", o.epochs);
    hp_add(H, "max-steps", "%ld", o.max_steps);
    hp_add(H, "learning-rate", "%.9g", o.lr);
    hp_add(H, "cutoff-len", "%d", o.cutoff);
    hp_add(H, "warmup-steps", "%d", o.warmup);
    hp_add(H, "lr-schedule", "%s", o.sched == GT_SCHED_LINEAR ? "linear" : o.sched == GT_SCHED_COSINE ? "cosine" : "constant");
    hp_add(H, "weight-decay", "%.9g", o.wd);
    hp_add(H, "max-grad-norm", "%.9g", o.max_norm);
    hp_add(H, "seed", "%llu", (unsigned long long)o.seed);
    hp_add(H, "group-window", "%d", o.group_window);

    int maxT = R.tr.maxlen > R.va.maxlen ? R.tr.maxlen : R.va.maxlen;
    if (maxT < 2) maxT = 2;
    gt_train_opts to = { .full = o.full, .lora = o.lora, .seed = o.seed };
    if (gt_train_init(&R.t, &R.m, &to, o.micro, maxT, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    if (gt_adamw_init(&R.adam, R.t.n_params, 0.9f, 0.999f, 1e-8f) != 0) gt_die(EX_SOFTWARE, "out of memory for AdamW");
    if (o.resume) load_checkpoint(&R);     /* before anything is written */
    mkdir_or_die(o.out);
    if (o.log) {
        int fd = open(o.log, O_WRONLY | O_CREAT | (o.resume ? O_APPEND : O_TRUNC), 0644);
        if (fd < 0) gt_die(EX_IOERR, "%s: cannot create: %s", o.log, strerror(errno));
        gt_out_init(&R.log, fd, o.log);
        R.log_on = 1;
    }
    install_handlers();

    size_t cap = (size_t)o.micro * (size_t)maxT;
    int32_t *tok = gt_xmalloc(sizeof(int32_t) * cap);
    uint8_t *mask = gt_xmalloc(cap);
    gt_epoch ep = { 0 };
    long cur_epoch = -1;
    R.t0 = gt_now();
    R.step0 = R.step;
    if (show)
        fprintf(stderr, "%s: %zu examples, %ld steps (%ld per epoch, %d x %d examples), %zu trained parameters%s\n",
                gt_progname, R.tr.n, R.total, R.spe, R.accum, o.micro, R.t.n_params, R.step ? " (resumed)" : "");
    int stopped = 0;
    char ckdir[4200];
    while (R.step < R.total) {
        long epoch = R.step / R.spe, k = R.step % R.spe;
        if (epoch != cur_epoch) {
            gt_epoch_free(&ep);
            gt_epoch_plan(&ep, &R.tr, o.micro, o.group_window, o.seed, epoch);
            cur_epoch = epoch;
        }
        size_t b0 = (size_t)k * (size_t)R.accum, b1 = b0 + (size_t)R.accum;
        if (b1 > ep.nb) b1 = ep.nb;
        gt_train_zero_grad(&R.t);
        double lsum = 0;
        long ntok = 0, nin = 0;
        float scale = 1.0f / (float)(b1 - b0);
        for (size_t b = b0; b < b1; b++) {
            int nseq;
            int T = gt_batch_fill(&R.tr, &ep, b, tok, mask, 0, &nseq);
            uint64_t ds = 0;
            if (!o.full && o.lora.dropout > 0) {
                uint64_t st = o.seed ^ (uint64_t)R.step * 0x9e3779b97f4a7c15ull ^ (uint64_t)(b - b0 + 1) * 0xd6e8feb86659fd93ull;
                ds = gt_splitmix64(&st) | 1;
            }
            double loss;
            int cnt = gt_train_step(&R.t, tok, mask, nseq, T, 1, ds, scale, &loss);
            if (cnt < 0) gt_die(EX_DATAERR, "%s: %s", o.train, R.t.err);
            lsum += loss;
            ntok += cnt;
            for (int i = 0; i < nseq; i++) nin += (long)(R.tr.off[ep.ex[ep.start[b] + (size_t)i] + 1] - R.tr.off[ep.ex[ep.start[b] + (size_t)i]]);
        }
        double loss = lsum / (double)(b1 - b0);
        double gnorm = o.max_norm > 0 ? gt_clip_grad_norm(R.t.grads, R.t.n_params, o.max_norm)
                                      : gt_clip_grad_norm(R.t.grads, R.t.n_params, INFINITY);
        double lr = o.lr * gt_lr_factor(o.sched, R.step, o.warmup, R.total);
        gt_train_adamw_step(&R.t, &R.adam, (float)lr, (float)o.wd);
        R.step++;
        R.tokens_done += (double)nin;
        double el = gt_now() - R.t0;
        double tps = el > 0 ? R.tokens_done / el : 0;
        double eta = (double)(R.total - R.step) * el / (double)(R.step - R.step0);
        if (show) {
            char es[32];
            fmt_time(es, sizeof es, eta);
            fprintf(stderr, "%s: step %ld/%ld epoch %.2f loss %.4f lr %.3g grad_norm %.3g tok/s %.0f eta %s\n",
                    gt_progname, R.step, R.total, (double)R.step / (double)R.spe, loss, lr, gnorm, tps, es);
        }
        if (R.log_on) {
            char b[128];
            snprintf(b, sizeof b, "{\"type\":\"train\",\"step\":%ld", R.step);
            gt_out_str(&R.log, b);
            log_num(&R.log, "epoch", (double)R.step / (double)R.spe);
            log_num(&R.log, "loss", loss);
            log_num(&R.log, "lr", lr);
            log_num(&R.log, "grad_norm", gnorm);
            log_num(&R.log, "label_tokens", (double)ntok);
            log_num(&R.log, "tokens", (double)nin);
            log_num(&R.log, "tokens_per_s", tps);
            log_num(&R.log, "elapsed_s", el);
            log_num(&R.log, "eta_s", eta);
            gt_out_str(&R.log, "}\n");
            gt_out_flush(&R.log);
        }
        if (R.va.n && R.step < R.total && o.eval_steps > 0 && R.step % o.eval_steps == 0) do_eval(&R, tok, mask, show);
        if (R.step < R.total && (g_stop || (o.stop_after && R.step - R.step0 >= o.stop_after))) {
            save_checkpoint(&R, ckdir, sizeof ckdir);
            stopped = g_stop ? 130 : 1;
            break;
        }
        if (o.save_steps > 0 && R.step % o.save_steps == 0 && R.step < R.total) save_checkpoint(&R, ckdir, sizeof ckdir);
    }
    if (!stopped) {
        if (R.va.n) do_eval(&R, tok, mask, show);
        write_weights(&R, o.out);
        if (o.merge_out) write_merged(&R.m, &R.t, o.model, o.config, o.merge_out, o.dtype);
        if (show) fprintf(stderr, "%s: done, %ld steps; %s written to %s\n", gt_progname, R.step,
                          o.full ? "model" : "adapter", o.out);
    } else if (stopped == 130) {
        fprintf(stderr, "%s: interrupted at step %ld of %ld; checkpoint saved in %s (continue with --resume %s)\n",
                gt_progname, R.step, R.total, ckdir, ckdir);
    } else if (show) {
        fprintf(stderr, "%s: stopped after step %ld of %ld; checkpoint saved in %s\n", gt_progname, R.step, R.total, ckdir);
    }
    if (R.log_on) {
        gt_out_flush(&R.log);
        if (close(R.log.fd) != 0) gt_die(EX_IOERR, "%s: close: %s", o.log, strerror(errno));
        gt_out_free(&R.log);
    }
    gt_epoch_free(&ep);
    free(tok);
    free(mask);
    gt_adamw_free(&R.adam);
    gt_train_free(&R.t);
    gt_dataset_free(&R.tr);
    gt_dataset_free(&R.va);
    gt_model_free(&R.m);
    gt_quant_free(q8);
    return stopped == 130 ? 130 : 0;
}
