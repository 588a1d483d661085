/* merge.h - a model with a LoRA adapter merged in, written as a whole model:
 * a Hugging Face folder from a Hugging Face base, a GGUF file from a GGUF
 * base (lora-train --merge-out). */
#ifndef GT_MERGE_H
#define GT_MERGE_H

#include "nn/model.h"
#include "train/train.h"

/* Write the folder OUTDIR: model.safetensors with every tensor of M's file,
 * the projections taken from M's layers (so already merged when an adapter
 * was merged into M at load) plus scale B A of T's adapters when T is not
 * NULL, each in DTYPE (< 0: its dtype in the file); CONFIG as config.json and
 * the travelling files of the model folder MODEL. It is written in
 * OUTDIR.tmp.XXXXXX (io/tmp.h), held (io/fswap.h) meanwhile, model.safetensors last, then
 * put in OUTDIR's place as a whole. Errors end the process (gt_die: 65 not a
 * safetensors model, 73 OUTDIR cannot be made, 74 I/O). */
void gt_write_merged(const gt_model *m, const gt_train *t, const char *model, const char *config,
                     const char *outdir, int dtype);

/* ---- GGUF ---- */

/* The LoRA factors to merge: for projection P of layer L, A[L * GT_PROJ_N + P]
 * ([r][in]) and B[...] ([out][r], rows in the Hugging Face order), NULL where
 * none; the update is SCALE * B A. The arrays are owned (gt_merge_lora_free),
 * the factors not. */
typedef struct {
    int r, n;                   /* rank; n_layers * GT_PROJ_N */
    float scale;
    const float **A, **B;
} gt_merge_lora;

/* From a training run's adapters (T->lora_scale) or from an adapter loaded
 * apart (gt_lora_load with MERGE 0: its B holds the scale, SCALE 1). */
void gt_merge_lora_from_train(gt_merge_lora *f, const gt_train *t);
void gt_merge_lora_from_adapter(gt_merge_lora *f, const gt_model *m, const gt_lora *l);
void gt_merge_lora_free(gt_merge_lora *f);

/* llama.cpp's general.file_type for a model mostly of gt_dtype DT (F32, F16,
 * BF16, Q8_0: 0, 1, 32, 7); -1 for others (the ggml type id of DT:
 * gt_ggml_type_of_dtype, nn/ggml_types.h). */
int gt_merge_file_type(int dt);

/* Write OUT (atomically: nn/gguf_write.h), the GGUF model M was loaded from
 * (M->gguf) with F merged in. Every key of the base in its order and type
 * (general.file_type set to gt_merge_file_type(DTYPE) when DTYPE >= 0, added
 * last if the base has none; general.alignment kept, so the data is aligned
 * as the base's), every tensor in its order, name and shape. A projection F
 * adapts (blk.N.{attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down}
 * .weight) is dequantized from the file (in the file's row order),
 * W + scale B A added with B's rows of attn_q / attn_k put in the file's
 * rotary order (gt_gguf_rope_unpermute's permutation, by n_head / n_head_kv:
 * the order llama.cpp's converter writes), and written as DTYPE (F32, F16,
 * BF16 or Q8_0), or, when DTYPE < 0, in the base tensor's own type when it is
 * one of those, else F16. Every other tensor is copied raw, in its own type.
 * 0, or a sysexits status with the reason in ERR (nothing written then): 64
 * (EX_USAGE) M is not from a GGUF file or DTYPE is another type; 65
 * (EX_DATAERR) a row that is not whole Q8_0 blocks, a base tensor that
 * cannot be dequantized, a shape the factors do not fit; 74 (EX_IOERR) OUT
 * cannot be created or written. */
int gt_write_merged_gguf(const gt_model *m, const gt_merge_lora *f, const char *out, int dtype, char *err,
                         size_t errsz);

#endif
