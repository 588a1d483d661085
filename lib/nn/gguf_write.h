/* gguf_write.h - a small GGUF (version 3) writer: metadata of the value types
 * the project writes (string, u32, f32) and F32 tensors, in the layout
 * nn/gguf.h reads and llama.cpp's gguf.cpp reads: "GGUF", u32 3, u64 tensor
 * count, u64 key count; the keys in the order added; the tensor infos (name,
 * u32 dims, u64 ne[] in ggml order, u32 type 0 (F32), u64 offset into the
 * data section, each a multiple of the alignment); zero padding to the
 * alignment; the data, each tensor padded with zeros to the alignment. All
 * little-endian. The file is written atomically (io/output.h).
 *
 * The alignment is 32 (GGUF's default) unless a u32 "general.alignment" is
 * added (a power of two): then that. Used for LoRA adapters
 * (nn/lora.h: gt_lora_write_gguf); usable for whole models. */
#ifndef GT_GGUF_WRITE_H
#define GT_GGUF_WRITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gt_ggufw gt_ggufw;

gt_ggufw *gt_ggufw_new(void);
void gt_ggufw_free(gt_ggufw *w);
/* Metadata, in file order. KEY and string values are copied. */
void gt_ggufw_str(gt_ggufw *w, const char *key, const char *val);
void gt_ggufw_u32(gt_ggufw *w, const char *key, uint32_t val);
void gt_ggufw_f32(gt_ggufw *w, const char *key, float val);
/* An F32 tensor NAME of NDIM (1..4) dims NE (ggml order: ne[0] the row
 * length), its prod(NE) floats at DATA; DATA is not copied: it must stay
 * valid until gt_ggufw_write. */
void gt_ggufw_tensor_f32(gt_ggufw *w, const char *name, int ndim, const int64_t *ne, const float *data);
/* Write everything to PATH atomically. 0, or -1 with "PATH: ..." in ERR. */
int gt_ggufw_write(gt_ggufw *w, const char *path, char *err, size_t errsz);

#endif
