/* merge.h - a model with a LoRA adapter merged in, written as a whole model
 * folder (lora-train --merge-out). */
#ifndef GT_MERGE_H
#define GT_MERGE_H

#include "nn/model.h"
#include "train/train.h"

/* Write the folder OUTDIR: model.safetensors with every tensor of M's file,
 * the projections taken from M's layers (so already merged when an adapter
 * was merged into M at load) plus scale B A of T's adapters when T is not
 * NULL, each in DTYPE (< 0: its dtype in the file); CONFIG as config.json and
 * the travelling files of the model folder MODEL. It is written in
 * OUTDIR.tmpPID, held (io/fswap.h) meanwhile, model.safetensors last, then
 * put in OUTDIR's place as a whole. Errors end the process (gt_die: 65 not a
 * safetensors model, 73 OUTDIR cannot be made, 74 I/O). */
void gt_write_merged(const gt_model *m, const gt_train *t, const char *model, const char *config,
                     const char *outdir, int dtype);

#endif
