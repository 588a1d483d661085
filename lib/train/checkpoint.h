/* checkpoint.h - writing .safetensors files (F32, F16 or BF16 tensors from floats, optional string
 * metadata), atomically; and training checkpoints (gentitle-checkpoint(5)):
 * one .safetensors file whose "__metadata__" holds the training state as
 * strings (step, hyperparameters, RNG and data position) and a checksum of
 * the tensor data, and whose tensors hold the trained weights and the AdamW
 * moments. Read back with every size, offset and the checksum checked. */
#ifndef GT_CHECKPOINT_H
#define GT_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name;
    const float *data;
    int ndim;               /* 1 or 2 (0: a scalar) */
    int64_t shape[4];
    int dtype;              /* as stored: GT_DT_F32 (0), GT_DT_F16 or GT_DT_BF16, narrowed from
                               DATA with round to nearest even (gt_st_write, no checksum) */
} gt_stw_tensor;

/* Write N tensors (in that order) and NMETA metadata pairs KEYS[i] ->
 * VALS[i] to PATH through gt_atomic_open. When CHECKSUM, a metadata entry
 * "gentitle.checksum" gets gt_hash64 of the data section (16 hex digits).
 * 0 ok; -1 with the reason in ERR (the old PATH is left as it was). */
int gt_st_write(const char *path, const gt_stw_tensor *t, int n, const char *const *keys,
                const char *const *vals, int nmeta, int checksum, char *err, size_t errsz);

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
