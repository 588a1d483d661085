/* checkpoint.h - training checkpoints (gentitle-checkpoint(5)), written by
 * gt_st_write (safetensors.h) with its checksum:
 * one .safetensors file whose "__metadata__" holds the training state as
 * strings (step, hyperparameters, RNG and data position) and a checksum of
 * the tensor data, and whose tensors hold the trained weights and the AdamW
 * moments. Read back with every size, offset and the checksum checked. */
#ifndef GT_CHECKPOINT_H
#define GT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

/* A checkpoint read back. */
typedef struct {
    char *name;
    int ndim;
    int64_t shape[4];
    size_t numel;
    float *data;
} gt_ck_tensor;

typedef struct {
    int nmeta;
    char **key, **val;
    int nt;
    gt_ck_tensor *t;
} gt_ckpt;

/* Read PATH, written by gt_st_write with CHECKSUM: 0 ok; -1 with the reason
 * in ERR ("PATH: not a gentitle checkpoint", "PATH: checksum mismatch (file
 * corrupt)", "PATH: truncated", ...). Only F32 tensors are accepted. */
int gt_ckpt_read(const char *path, gt_ckpt *c, char *err, size_t errsz);
const char *gt_ckpt_meta(const gt_ckpt *c, const char *key);        /* NULL if absent */
const gt_ck_tensor *gt_ckpt_tensor(const gt_ckpt *c, const char *name); /* NULL if absent */
void gt_ckpt_free(gt_ckpt *c);

#endif
