/* lora-train - fine-tune a LLaMA model on token streams: LoRA adapters (PEFT
 * layout) or every weight (--full), alpaca-lora's hyperparameters, AdamW,
 * gradient accumulation, checkpoints and exact resume. The work is
 * lib/train/'s: run.h (the run and its loop), init.h (--init), export.h and
 * merge.h (the folders written); this file reads the options and wires them. */
#include "train/dist.h"
#include "train/export.h"
#include "train/init.h"
#include "train/merge.h"
#include "train/run.h"
#include "nn/gguf.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "nn/quant.h"
#include "io/fswap.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(void)
{
    printf(
"Usage: lora-train --model DIR|FILE.gguf --train STREAM [--val STREAM] --out DIR [OPTIONS]\n"
"       lora-train --full --init CONFIG --train STREAM --out DIR [OPTIONS]\n"
"       lora-train --model DIR --lora ADAPTER --merge-out DIR\n"
"       lora-train --model FILE.gguf --lora ADAPTER --merge-out OUT.gguf [--dtype T]\n"
"       lora-train --model DIR|FILE.gguf --lora ADAPTER --out DIR --adapter-dtype T[,G]\n"
"Fine-tune the LLaMA model in DIR (Hugging Face layout; or LoRA on a GGUF file of\n"
"F32, F16 or BF16 weights) on a token stream made by\n"
"tok-encode (see gentitle-tokens(5)); the loss counts response tokens only. Writes\n"
"a LoRA adapter in the PEFT layout (adapter_config.json, adapter_model.safetensors)\n"
"and as llama.cpp's GGUF LoRA adapter (adapter.gguf), or with --full a whole model\n"
"(config.json, model.safetensors), to the --out DIR.\n"
"\n"
"Options (defaults are alpaca-lora's):\n"
"  -m, --model DIR           base model (config.json + model.safetensors, or a .gguf)\n"
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
"      --merge-out OUT.gguf  from a GGUF base: the merged model as a GGUF file that\n"
"                            llama.cpp loads: the base's metadata and tensors, the\n"
"                            adapted projections merged (in --dtype; by default their\n"
"                            own type if F32, F16, BF16 or Q8_0, else F16), the other\n"
"                            tensors copied as they are\n"
"      --dtype T             f32, bf16, f16 (or q8_0 for GGUF): the type of written\n"
"                            models (--full or --init output, default f32; --merge-out,\n"
"                            default the base's)\n"
"      --adapter-dtype T[,G] the type of the adapters written: f32, bf16 or f16 (f32);\n"
"                            T for adapter_model.safetensors, G for adapter.gguf\n"
"                            (default T); 16-bit values rounded to nearest even\n"
"      --lora ADAPTER        with --merge-out and no --train: merge ADAPTER (a PEFT\n"
"                            folder, or a GGUF LoRA adapter) into --model and write it\n"
"                            to --merge-out; with --out DIR instead: write ADAPTER to\n"
"                            DIR as training would (both layouts, --adapter-dtype;\n"
"                            a PEFT folder's adapter_config.json copied), no training\n"
"      --load-8bit           quantise the frozen base weights to 8 bits at load, as\n"
"                            title-gen --load-8bit (about 1.1 bytes per weight)\n"
"      --exact               a GGUF base in quantized blocks: every product with its\n"
"                            weights in F32 on the dequantized values (as PyTorch on\n"
"                            them; slower) instead of 8-bit activations and gradients\n"
"                            on the integer kernels (as title-gen and llama.cpp run it)\n"
"      --gradient-checkpointing  keep only each layer's input, recompute the rest in\n"
"                            the backward (less memory, one more forward; same numbers)\n"
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
       O_MGN, O_SEED, O_WIN, O_EVAL, O_SAVE, O_RESUME, O_STOP, O_LOG, O_PROGRESS, O_VERSION, O_INIT, O_VALSIZE, O_MERGE, O_LORA, O_8BIT, O_DTYPE, O_EXACT, O_CKPT, O_ADT };

typedef struct {
    gt_run_opts run;            /* the training run's settings */
    const char *init;           /* --init CONFIG */
    const char *targets_s;      /* --lora-target, parsed into run.lora.targets */
    const char *merge_out, *lora_dir;
    int progress, jobs;
} opts;

/* --model BASE --lora ADAPTER --merge-out DIR */
static int merge_only(opts *o)
{
    const char *model = o->run.model;
    if (!model) gt_usage_error("--model DIR is required");
    char err[600], cfg[4200];
    gt_model m;
    if (access(model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", model, strerror(errno));
    if (access(o->lora_dir, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->lora_dir, strerror(errno));
    if (gt_model_load(&m, model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    gt_lora *l = gt_lora_load(&m, o->lora_dir, 1, err, sizeof err);
    if (!l) gt_die(EX_DATAERR, "%s", err);
    if (*gt_lora_note(l)) gt_warn("%s", gt_lora_note(l));
    snprintf(cfg, sizeof cfg, "%s/config.json", model);
    gt_write_merged(&m, NULL, model, cfg, o->merge_out, o->run.dtype);
    gt_run_catch_signals();
    gt_lora_free(l);
    gt_model_free(&m);
    return 0;
}

/* --model BASE --lora ADAPTER --out DIR: the adapter written anew (in --adapter-dtype) */
static int export_only(opts *o)
{
    const char *model = o->run.model, *dir = o->run.out;
    char err[600];
    gt_model m;
    if (access(model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", model, strerror(errno));
    if (access(o->lora_dir, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->lora_dir, strerror(errno));
    if (gt_model_load(&m, model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    gt_lora *l = gt_lora_load(&m, o->lora_dir, GT_LORA_READ, err, sizeof err);
    if (!l) gt_die(EX_DATAERR, "%s", err);
    if (*gt_lora_note(l)) gt_warn("%s", gt_lora_note(l));
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) gt_die(EX_IOERR, "%s: cannot create: %s", dir, strerror(errno));
    char cfg[4200];
    snprintf(cfg, sizeof cfg, "%s/adapter_config.json", o->lora_dir);
    gt_export_lora(l, &m.c, dir, gt_is_gguf(o->lora_dir) ? NULL : cfg, model, o->run.adapter_dt);
    gt_lora_free(l);
    gt_model_free(&m);
    return 0;
}

/* "f32", "bf16" or "f16" (and their long names) as a gt_dtype; -1 for another */
static int parse_float_dtype(const char *s, size_t n)
{
    static const struct { const char *name; int dt; } names[] = {
        { "f32", GT_DT_F32 }, { "float32", GT_DT_F32 }, { "bf16", GT_DT_BF16 }, { "bfloat16", GT_DT_BF16 },
        { "f16", GT_DT_F16 }, { "float16", GT_DT_F16 },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].name) == n && strncmp(s, names[i].name, n) == 0) return names[i].dt;
    return -1;
}

/* --adapter-dtype T[,G] into ADT (adapter_model.safetensors's, adapter.gguf's) */
static void parse_adapter_dtype(const char *s, int adt[2])
{
    size_t n = strcspn(s, ",");
    adt[0] = parse_float_dtype(s, n);
    adt[1] = s[n] ? parse_float_dtype(s + n + 1, strlen(s + n + 1)) : adt[0];
    if (adt[0] < 0 || adt[1] < 0)
        gt_usage_error("--adapter-dtype: '%s' is not T or T,G with each f32, bf16 or f16", s);
}

/* Does PATH end in ".gguf" (any case)? */
static int has_gguf_suffix(const char *path)
{
    size_t n = strlen(path);
    return n >= 5 && strcasecmp(path + n - 5, ".gguf") == 0;
}

/* --model BASE.gguf --lora ADAPTER --merge-out OUT.gguf */
static int merge_only_gguf(opts *o)
{
    const char *model = o->run.model;
    char err[600];
    gt_model m;
    if (access(model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", model, strerror(errno));
    if (access(o->lora_dir, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", o->lora_dir, strerror(errno));
    if (gt_model_load(&m, model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    gt_lora *l = gt_lora_load(&m, o->lora_dir, 0, err, sizeof err);   /* kept apart: its factors are merged here */
    if (!l) gt_die(EX_DATAERR, "%s", err);
    if (*gt_lora_note(l)) gt_warn("%s", gt_lora_note(l));
    gt_merge_lora f;
    gt_merge_lora_from_adapter(&f, &m, l);
    int rc = gt_write_merged_gguf(&m, &f, o->merge_out, o->run.dtype, err, sizeof err);
    if (rc) gt_die(rc, "%s", err);
    gt_merge_lora_free(&f);
    gt_lora_free(l);
    gt_model_free(&m);
    return 0;
}

/* The model to train: a new one (--init, RO's model and config set to
 * CONFIG's), or --model's. CFG and FOLDER hold the paths set. */
static void load_model(gt_model *m, opts *o, char *cfg, char *folder, size_t n)
{
    gt_run_opts *ro = &o->run;
    char err[600];
    if (o->init) {
        char dir[4200];
        gt_init_model(o->init, ro->seed, dir, sizeof dir, cfg, n, folder, n);
        ro->config = cfg;
        ro->model = folder;
        if (gt_model_load(m, dir, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
        gt_folder_release(1);      /* the weights stay mapped */
        return;
    }
    if (access(ro->model, R_OK) != 0) gt_die(EX_NOINPUT, "%s: cannot open: %s", ro->model, strerror(errno));
    if (gt_model_load(m, ro->model, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    snprintf(cfg, n, "%s/config.json", ro->model);
    ro->config = cfg;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
#ifdef __GLIBC__
    /* the steps allocate and free the same large scratch buffers again and
     * again (activations quantized per product, attention workspaces):
     * served from mmap, each would be zero-filled by the kernel anew (4% of
     * a step on a 135M model); kept in the heap, they are reused */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);     /* glibc's largest */
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
    opts o;
    memset(&o, 0, sizeof o);
    gt_run_opts *ro = &o.run;
    gt_lora_cfg_default(&ro->lora);
    ro->dtype = -1;
    o.targets_s = "q_proj,v_proj";
    ro->batch = 128; ro->micro = 4; ro->epochs = 3; ro->cutoff = 256; ro->warmup = 100; ro->group_window = -1;
    ro->lr = 3e-4; ro->wd = 0; ro->max_norm = 1.0; ro->sched = GT_SCHED_LINEAR; ro->seed = 42; ro->eval_steps = 200;
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
        { "dtype", required_argument, 0, O_DTYPE }, { "adapter-dtype", required_argument, 0, O_ADT },
        { "lora", required_argument, 0, O_LORA }, { "load-8bit", no_argument, 0, O_8BIT },
        { "exact", no_argument, 0, O_EXACT }, { "gradient-checkpointing", no_argument, 0, O_CKPT },
        { 0, 0, 0, 0 }
    };
    int c, adt_given = 0;
    while ((c = getopt_long(argc, argv, "m:t:v:o:j:h", lo, NULL)) != -1) {
        switch (c) {
        case 'm': ro->model = optarg; break;
        case 't': ro->train = optarg; break;
        case 'v': ro->val = optarg; break;
        case 'o': ro->out = optarg; break;
        case O_LR: ro->lora.r = (int)gt_parse_ll("--lora-r", optarg, 1, 4096); break;
        case O_LA: ro->lora.alpha = (float)gt_parse_double("--lora-alpha", optarg, -1e6, 1e6, 0); break;
        case O_LD: ro->lora.dropout = (float)gt_parse_double("--lora-dropout", optarg, 0, 0.999, 0); break;
        case O_LT: o.targets_s = optarg; break;
        case O_FULL: ro->full = 1; break;
        case O_INIT: o.init = optarg; ro->full = 1; break;
        case O_MERGE: o.merge_out = optarg; break;
        case O_DTYPE:
            if (strcmp(optarg, "q8_0") == 0 || strcmp(optarg, "Q8_0") == 0) ro->dtype = GT_DT_Q8_0;
            else if ((ro->dtype = parse_float_dtype(optarg, strlen(optarg))) < 0)
                gt_usage_error("--dtype: '%s' is not f32, bf16, f16 or q8_0", optarg);
            break;
        case O_ADT: parse_adapter_dtype(optarg, ro->adapter_dt); adt_given = 1; break;
        case O_LORA: o.lora_dir = optarg; break;
        case O_8BIT: ro->load_8bit = 1; break;
        case O_EXACT: ro->exact = 1; break;
        case O_CKPT: ro->checkpoint = 1; break;
        case O_VALSIZE: ro->val_size = (long)gt_parse_ll("--val-set-size", optarg, 0, 1L << 40); break;
        case O_BS: ro->batch = (int)gt_parse_ll("--batch-size", optarg, 1, 1 << 20); break;
        case O_MBS: ro->micro = (int)gt_parse_ll("--micro-batch-size", optarg, 1, 1 << 16); break;
        case O_EP: ro->epochs = (int)gt_parse_ll("--num-epochs", optarg, 1, 1 << 20); break;
        case O_MAXSTEPS: ro->max_steps = (long)gt_parse_ll("--max-steps", optarg, 1, 1L << 40); break;
        case O_LRATE: ro->lr = gt_parse_double("--learning-rate", optarg, 0, 10, 0); break;
        case O_CUT: ro->cutoff = (int)gt_parse_ll("--cutoff-len", optarg, 2, 1 << 20); break;
        case O_WARM: ro->warmup = (int)gt_parse_ll("--warmup-steps", optarg, 0, 1 << 30); break;
        case O_SCHED:
            if (strcmp(optarg, "linear") == 0) ro->sched = GT_SCHED_LINEAR;
            else if (strcmp(optarg, "cosine") == 0) ro->sched = GT_SCHED_COSINE;
            else if (strcmp(optarg, "constant") == 0) ro->sched = GT_SCHED_CONSTANT;
            else gt_usage_error("--lr-schedule: '%s' is not linear, cosine or constant", optarg);
            break;
        case O_WD: ro->wd = gt_parse_double("--weight-decay", optarg, 0, 10, 0); break;
        case O_MGN: ro->max_norm = gt_parse_double("--max-grad-norm", optarg, 0, 1e9, 0); break;
        case O_SEED: ro->seed = (uint64_t)gt_parse_ll("--seed", optarg, 0, 0x7fffffffffffffffLL); break;
        case O_WIN: ro->group_window = (int)gt_parse_ll("--group-window", optarg, 0, 1 << 30); break;
        case O_EVAL: ro->eval_steps = (long)gt_parse_ll("--eval-steps", optarg, 0, 1L << 40); break;
        case O_SAVE: ro->save_steps = (long)gt_parse_ll("--save-steps", optarg, 0, 1L << 40); break;
        case O_RESUME: ro->resume = optarg; break;
        case O_STOP: ro->stop_after = (long)gt_parse_ll("--stop-after", optarg, 1, 1L << 40); break;
        case O_LOG: ro->log = optarg; break;
        case 'j': o.jobs = (int)gt_parse_ll("--jobs", optarg, 1, 1024); break;
        case O_PROGRESS: o.progress = 1; break;
        case 'h': usage(); return 0;
        case O_VERSION: gt_print_version(); return 0;
        default: gt_usage_error("unknown option");
        }
    }
    if (optind < argc) gt_usage_error("unexpected argument '%s'", argv[optind]);
    if (o.init && ro->model) gt_usage_error("--init and --model exclude each other");
    if (!ro->model && !o.init) gt_usage_error("--model DIR is required (or --init CONFIG)");
    if (ro->load_8bit && ro->full) gt_usage_error("--load-8bit is for LoRA training (the base stays frozen), not --full");
    if (ro->load_8bit && o.lora_dir) gt_usage_error("--load-8bit: a merged model is written from the 16/32-bit weights; drop it");
    if (o.merge_out && ro->full) gt_usage_error("--merge-out needs LoRA training, not --full");
    if (o.lora_dir && ro->train) gt_usage_error("--lora ADAPTER is for merging (--merge-out) or writing anew (--out) an adapter, without --train");
    if (o.lora_dir && !o.merge_out && !ro->out) gt_usage_error("--lora ADAPTER needs --merge-out DIR or --out DIR");
    if (o.lora_dir && o.merge_out && ro->out)
        gt_usage_error("--lora ADAPTER: --merge-out merges it, --out writes it anew: one of them");
    if (adt_given && (ro->full || (o.merge_out && !ro->train)))
        gt_usage_error("--adapter-dtype applies to written adapters, not %s", ro->full ? "--full models" : "merges");
    if (ro->dtype >= 0 && !ro->full && !o.merge_out)
        gt_usage_error("--dtype applies to written models (--full, --init or --merge-out), not adapters");
    int gguf_base = ro->model && gt_is_gguf(ro->model), gguf_out = o.merge_out && has_gguf_suffix(o.merge_out);
    if (gguf_base && ro->full)
        gt_usage_error("%s: --full writes a Hugging Face model folder, from a Hugging Face base: a GGUF file has no "
                       "config.json or tokenizer files for it (train a LoRA adapter on it)", ro->model);
    if (gguf_base && o.merge_out && !gguf_out)
        gt_usage_error("--merge-out %s: from a GGUF base (%s) the merged model is a GGUF file: name it FILE.gguf",
                       o.merge_out, ro->model);
    if (gguf_out && !gguf_base)
        gt_usage_error("--merge-out %s: a GGUF file is written from a GGUF base (--model FILE.gguf); %s is a Hugging "
                       "Face model, whose config and tokenizer are not converted to GGUF metadata: write a folder "
                       "(a name without .gguf)", o.merge_out, ro->model ? ro->model : o.init);
    if (ro->dtype == GT_DT_Q8_0 && !gguf_out)
        gt_usage_error("--dtype q8_0 is for GGUF output (--merge-out FILE.gguf from a GGUF base)");
    if (o.lora_dir && !o.merge_out) return export_only(&o);
    if (o.lora_dir) return gguf_out ? merge_only_gguf(&o) : merge_only(&o);
    if (o.merge_out && !ro->full && ro->lora.targets == 0) gt_usage_error("--merge-out: no --lora-target");
    if (!ro->train) gt_usage_error("--train STREAM is required");
    if (!ro->out) gt_usage_error("--out DIR is required");
    if (ro->val && ro->val_size > 0) gt_usage_error("--val and --val-set-size exclude each other");
    if (ro->batch < ro->micro) gt_usage_error("--batch-size %d is smaller than --micro-batch-size %d", ro->batch, ro->micro);
    char err[600];
    if (gt_lora_parse_targets(o.targets_s, &ro->lora.targets, err, sizeof err) != 0)
        gt_usage_error("--lora-target: %s", err);
    if (o.jobs > 0) omp_set_num_threads(o.jobs);
    gt_dist_init(&argc, &argv);     /* one of several processes under mpirun or srun */
    int rank0 = gt_dist_rank() == 0, show = gt_progress_wanted(o.progress) && rank0;

    gt_model m;
    char cfg[4200], folder[4200];
    load_model(&m, &o, cfg, folder, sizeof cfg);
    gt_quant *q8 = NULL;
    if (ro->load_8bit) {
        q8 = gt_quant_model(&m, err, sizeof err);
        if (!q8) gt_die(EX_DATAERR, "%s", err);      /* GGUF blocks: the file and tensor named */
    }
    if (ro->group_window < 0) ro->group_window = 64 * ro->micro;
    gt_run r;
    gt_run_prepare(&r, ro, &m, show);
    gt_run_start(&r);
    char ckdir[4200];
    int stopped = gt_run_train(&r, ckdir, sizeof ckdir);
    if (!stopped && rank0) {       /* rank 0 writes what the run made */
        if (o.merge_out && gguf_out) {
            gt_merge_lora f;
            gt_merge_lora_from_train(&f, &r.t);
            int rc = gt_write_merged_gguf(&m, &f, o.merge_out, ro->dtype, err, sizeof err);
            gt_merge_lora_free(&f);
            if (rc) gt_die(rc, "%s", err);
        } else if (o.merge_out) {
            gt_write_merged(&m, &r.t, ro->model, ro->config, o.merge_out, ro->dtype);
            gt_run_catch_signals();
        }
        if (show) fprintf(stderr, "%s: done, %ld steps; %s written to %s\n", gt_progname, r.step,
                          ro->full ? "model" : "adapter", ro->out);
    } else if (stopped == 130 && rank0) {
        fprintf(stderr, "%s: interrupted at step %ld of %ld; checkpoint saved in %s (continue with --resume %s)\n",
                gt_progname, r.step, r.total, ckdir, ckdir);
    } else if (show) {
        fprintf(stderr, "%s: stopped after step %ld of %ld; checkpoint saved in %s\n", gt_progname, r.step, r.total, ckdir);
    }
    gt_run_free(&r);
    gt_model_free(&m);
    gt_quant_free(q8);
    gt_dist_finalize();
    return stopped == 130 ? 130 : 0;
}
