/* run.h - one training run of lora-train: the data, schedule and optimizer of
 * a model's training (train.h), its checkpoints (exact resume), validation
 * loss, NDJSON log and the loop over the optimizer steps. Errors end the
 * process (gt_die) with lora-train's exit statuses (65 bad data or
 * checkpoint, 66 a file cannot be opened, 74 I/O). */
#ifndef GT_RUN_H
#define GT_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "io/output.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "train/adamw.h"
#include "train/dataloader.h"
#include "train/train.h"

/* The settings of a run (lora-train's options). */
typedef struct {
    const char *model;          /* base model folder (with --init: CONFIG's folder) */
    const char *config;         /* its config.json, copied into full models */
    const char *train, *val;    /* token streams */
    const char *out, *resume, *log;
    gt_lora_cfg lora;           /* the LoRA settings, unless FULL */
    int full, load_8bit;
    int exact;          /* products with GGUF block weights in F32 (train.h) */
    int checkpoint;     /* gradient checkpointing (train.h); not recorded: the same numbers */
    int batch, micro, epochs, cutoff, warmup;
    int group_window;           /* examples sorted by length together (0: none) */
    long max_steps, eval_steps, save_steps, stop_after, val_size;
    int dtype;                  /* full models written: < 0 F32, else a gt_dtype */
    int adapter_dt[2];          /* adapters written (--adapter-dtype): adapter_model.safetensors's and
                                   adapter.gguf's gt_dtype (F32, F16, BF16); not recorded: output only */
    double lr, wd, max_norm;
    gt_sched sched;
    uint64_t seed;
} gt_run_opts;

#define GT_RUN_MAXHP 32

typedef struct {
    const gt_run_opts *o;
    gt_model *m;
    gt_train t;
    gt_adamw adam;
    gt_dataset tr, va;
    const char *val_name;           /* the validation examples' stream */
    struct {                        /* settings a resumed run must share, as strings */
        int n;
        char key[GT_RUN_MAXHP][32], val[GT_RUN_MAXHP][96];
    } hp;
    long step, total, spe;          /* next step, total steps, steps per epoch */
    int accum;                      /* micro-batches per step */
    size_t nb;                      /* micro-batches per epoch */
    int32_t *tok;                   /* a micro-batch's tokens and label mask */
    uint8_t *mask;
    gt_out log;
    int log_on, show;
    int rank, nproc;                /* this process of the run's (train/dist.h) */
    double t0, tokens_done;         /* throughput of this run */
    double reduce_s;                /* the last step's collectives: the gradients' reduce-scatter
                                       (with the wait for the slowest rank), the updated shares' gather */
    long step0;
} gt_run;

/* A run of O over model M: its data (the streams checked against M's
 * tokenizer when it has one, and, with several processes (train/dist.h),
 * against rank 0's: the same examples), the validation examples held out
 * when O->val_size, its schedule and the settings a resume must match.
 * SHOW: progress lines on standard error (rank 0 only).
 *
 * With several processes each step's micro-batches are dealt to the ranks in
 * turn (micro-batch k of the step to rank k mod N), the gradients summed
 * over them once a step, and each rank takes the AdamW step for its share of
 * the parameters, the shares then gathered; the validation's micro-batches
 * are dealt likewise. Rank 0 alone writes the log,
 * checkpoints and the trained weights; nothing written depends on N. */
void gt_run_prepare(gt_run *r, const gt_run_opts *o, gt_model *m, int show);
/* The model to train, the optimizer, the state of O->resume when given, the
 * output folder and the log: ready for gt_run_train. */
void gt_run_start(gt_run *r);

/* SIGINT and SIGTERM end the run at the end of its current step, with a
 * checkpoint; a second one ends it at once. (Re)install this: gt_atomic_open
 * puts its own handlers in place on first use. */
void gt_run_catch_signals(void);

/* The training loop, from the next step to the last, then the final
 * validation and the trained weights written to O->out (export.h). Returns 0
 * when finished; when stopped early (a signal: 130, --stop-after: 1) with a
 * checkpoint saved in CKDIR (N bytes). */
int gt_run_train(gt_run *r, char *ckdir, size_t n);

/* Close the log and free everything but the model. */
void gt_run_free(gt_run *r);

#endif
