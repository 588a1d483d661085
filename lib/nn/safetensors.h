/* safetensors.h - memory-mapped .safetensors files (one file, or a sharded set
 * named by model.safetensors.index.json), tensors looked up by name.
 *
 * The format: 8-byte little-endian header length N, N bytes of JSON
 * ({"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * optional "__metadata__"}), then the data; offsets count from the data start.
 * Every offset, size and shape is checked against the file before use. */
#ifndef GT_SAFETENSORS_H
#define GT_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "nn/dtype.h"

#define GT_ST_MAXDIM 4

typedef struct {
    const char *name;           /* NUL-terminated, owned by the gt_st */
    const char *file;           /* path of the file holding it */
    gt_dtype dtype;
    int ndim;
    int64_t shape[GT_ST_MAXDIM];
    int64_t numel;
    const void *data;           /* in the mapping (or a private aligned copy) */
    size_t nbytes;
} gt_tensor;

typedef struct {
    char *path;
    void *map;
    size_t size;
} gt_st_file;

typedef struct {
    char *source;               /* the path given to gt_st_open (file, index or folder) */
    gt_st_file *files;
    int nfiles;
    gt_tensor *t;               /* sorted by name */
    int nt;
    void **copies;              /* private copies of misaligned tensors */
    int ncopies;
} gt_st;

/* Open PATH: a .safetensors file, a model.safetensors.index.json, or a
 * directory holding model.safetensors or model.safetensors.index.json.
 * 0 ok; -1 with a message naming the file (and tensor) in ERR, for example
 * "DIR/model.safetensors: truncated: tensor 'x' needs bytes 8..72, file has 40". */
int gt_st_open(gt_st *st, const char *path, char *err, size_t errsz);
void gt_st_close(gt_st *st);

/* The tensor called NAME, or NULL. */
const gt_tensor *gt_st_find(const gt_st *st, const char *name);

/* Format a shape as "[2, 3]" into BUF. */
const char *gt_shape_str(const int64_t *shape, int ndim, char *buf, size_t n);

/* ---- writing ---- */

/* A tensor to write: floats, stored as DTYPE. */
typedef struct {
    const char *name;
    const float *data;
    int ndim;               /* 1 or 2 (0: a scalar) */
    int64_t shape[4];
    gt_dtype dtype;         /* as stored: GT_DT_F32 (0), GT_DT_F16 or GT_DT_BF16, narrowed from
                               DATA with round to nearest even (no checksum then) */
} gt_stw_tensor;

/* Write N tensors (in that order) and NMETA metadata pairs KEYS[i] ->
 * VALS[i] to PATH through gt_atomic_open. When CHECKSUM, a metadata entry
 * "gentitle.checksum" gets gt_hash64 of the data section (16 hex digits).
 * 0 ok; -1 with the reason in ERR (the old PATH is left as it was). */
int gt_st_write(const char *path, const gt_stw_tensor *t, int n, const char *const *keys,
                const char *const *vals, int nmeta, int checksum, char *err, size_t errsz);

#endif
