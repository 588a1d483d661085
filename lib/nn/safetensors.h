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

typedef enum { GT_DT_F32 = 0, GT_DT_F16 = 1, GT_DT_BF16 = 2 } gt_dtype;

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

const char *gt_dtype_name(gt_dtype d);
size_t gt_dtype_size(gt_dtype d);
/* Format a shape as "[2, 3]" into BUF. */
const char *gt_shape_str(const int64_t *shape, int ndim, char *buf, size_t n);

#endif
