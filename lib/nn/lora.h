/* lora.h - LoRA adapters in the PEFT layout: DIR/adapter_config.json (peft_type
 * LORA, r, lora_alpha, target_modules, fan_in_fan_out, use_rslora) and
 * DIR/adapter_model.safetensors with PEFT's key names,
 *     base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight  [r][in]
 *     base_model.model.model.layers.N.self_attn.q_proj.lora_B.weight  [out][r]
 * for q/k/v/o_proj (self_attn) and gate/up/down_proj (mlp). A projection
 * W (out x in) becomes
 *     W' = W + scale * B A,   scale = lora_alpha / r   (use_rslora: / sqrt(r))
 * as PEFT's LoraLayer computes it (dropout is off at inference).
 *
 * Or a GGUF LoRA adapter as llama.cpp writes and reads it
 * (convert_lora_to_gguf.py, llama-adapter.cpp), a file told by gt_is_gguf:
 * general.type "adapter", adapter.type "lora", adapter.lora.alpha (F32),
 * general.architecture "llama" when present; tensors named after the base's,
 *     blk.N.{attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down}.weight.lora_a  ne [in, r]
 *     blk.N.....weight.lora_b                                                     ne [r, out]
 * (ggml order: the same [r][in] and [out][r] matrices as PEFT's) in any type
 * the GGUF reader dequantizes (F32, F16, BF16, Q8_0, ...); scale = alpha / r
 * as llama.cpp (alpha 0: 1). llama.cpp's converter permutes lora_b's rows
 * of attn_q / attn_k as it permutes the base's: they are put back in the
 * Hugging Face order, as load_gguf.c does the base's. The same A, B and
 * scale then serve both formats.
 *
 * Two ways to apply it:
 * - kept apart (the default): the base weights stay as they are (memory-mapped,
 *   16-bit or 8-bit) and each projection's output gets scale * B (A x) added
 *   (model.h's delta hook): r (in + out) extra multiply-adds per token;
 * - merged: W' computed once into F32 copies of the matrices the adapter
 *   touches (4 bytes per weight of those matrices), then no cost per token.
 *   A projection in GGUF blocks (Q8_0, Q4_K, ...: a GGUF base's quantized
 *   weights, multiplied by gt_qmatmul) cannot take W' and keeps its blocks:
 *   the adapter stays apart for it (the delta hook), and gt_lora_note says
 *   so; the base's 16/32-bit projections merge.
 * Kept apart, a quantized base's product is its own (8-bit activations,
 * nn/qmatmul.h) and the delta is F32: y = W x + scale * B (A x), as PEFT's
 * LoraLayer computes it on top of any base layer.
 *
 * fan_in_fan_out is ignored with a note, as PEFT does for nn.Linear layers
 * (LLaMA has no Conv1D). DoRA, rank_pattern/alpha_pattern, bias other than
 * "none", modules_to_save and LoRA on the embeddings or the LM head are
 * refused. An adapter made for another model (a layer past the model's, a
 * shape that does not fit) is refused with the file and the tensor named. */
#ifndef GT_LORA_H
#define GT_LORA_H

#include <stddef.h>
#include "nn/model.h"
#include "nn/safetensors.h"

/* ---- LoRA settings (training, lora-train) ---- */

typedef struct {
    int r;              /* rank (8) */
    float alpha;        /* lora_alpha (16): scaling alpha / r */
    float dropout;      /* lora_dropout (0.05), on the LoRA branch's input */
    unsigned targets;   /* bit GT_PROJ_x set: that projection gets an adapter (q_proj, v_proj) */
} gt_lora_cfg;

/* alpaca-lora's defaults: r 8, alpha 16, dropout 0.05, targets q_proj,v_proj. */
void gt_lora_cfg_default(gt_lora_cfg *c);
/* Parse a comma-separated target list ("q_proj,v_proj", short names "q,v" too)
 * into a bit set. 0 ok; -1 naming the bad entry in ERR. */
int gt_lora_parse_targets(const char *s, unsigned *out, char *err, size_t errsz);

/* W [out][in] += SCALE * B A, with A [r][in] and B [out][r] (F32): the merge
 * of an adapter into a weight. */
void gt_lora_merge(float *w, int out, int in, const float *A, const float *B, int r, float scale);

/* ---- adapters loaded for inference ---- */

typedef struct gt_lora gt_lora;

/* gt_lora_load's MERGE for an adapter only read: its factors as stored (B
 * not times the scale), M left as it is (lora-train --lora ADAPTER --out:
 * the adapter written anew). */
#define GT_LORA_READ 2

/* Load the adapter in DIR (a PEFT folder, or a GGUF adapter file) for M and apply it (MERGE: into F32 copies of the
 * weights; GT_LORA_READ: not at all, see above; else through M's delta hook). NULL with a reason naming the file
 * (and tensor) in ERR. */
gt_lora *gt_lora_load(gt_model *m, const char *dir, int merge, char *err, size_t errsz);
/* A remark for the user ("" when none), e.g. fan_in_fan_out ignored, or
 * GGUF blocks kept unmerged. */
const char *gt_lora_note(const gt_lora *l);
double gt_lora_scale(const gt_lora *l);
int gt_lora_modules(const gt_lora *l);        /* projections adapted */
int gt_lora_rank(const gt_lora *l);
/* lora_alpha (a GGUF adapter's adapter.lora.alpha), and whether the scale is
 * PEFT's use_rslora alpha / sqrt(r) (0 for a GGUF adapter: alpha / r). */
double gt_lora_alpha(const gt_lora *l);
int gt_lora_rslora(const gt_lora *l);
/* The factors of projection P (GT_PROJ_x) of layer LAYER as applied apart:
 * *A [r][in], *B [out][r] already times the scale (loaded GT_LORA_READ: not), rows in the Hugging Face
 * order (a GGUF adapter's attn_q / attn_k lora_b un-permuted). 1, or 0 when
 * there are none (not adapted, or merged into the weights at load). */
int gt_lora_factors(const gt_lora *l, int layer, int p, const float **A, const float **B);
/* Free the merged F32 copies once the model no longer points at them
 * (after gt_quant_model replaced them). */
void gt_lora_release_merged(gt_lora *l);
/* Free the adapter and unhook it from the model. */
void gt_lora_free(gt_lora *l);

/* ---- adapters written as GGUF ---- */

/* The PEFT tensors T[0..N) (PEFT's names; the floats at T[i].data, whatever
 * T[i].dtype says; lora_A [r][in], lora_B [out][r]), for a model of config C; LoRA alpha ALPHA, PEFT's use_rslora when
 * RSLORA) as a GGUF LoRA adapter at PATH, the form gt_lora_load above and
 * llama.cpp read (nn/gguf_write.h, atomic): general.architecture "llama",
 * general.type "adapter", adapter.type "lora", adapter.lora.alpha (F32),
 * general.alignment 32; tensors blk.N.NAME.weight.lora_a (ne [in, r]) and
 * .lora_b (ne [r, out]) in T's order, in ggml type TYPE (GT_GGML_F32, F16 or
 * BF16: rounded to nearest even), the rows of attn_q / attn_k's
 * lora_b permuted into llama.cpp's rotary order (by n_heads / n_kv_heads: the
 * inverse of gt_gguf_rope_unpermute). llama.cpp scales by alpha / r: with
 * RSLORA (scale alpha / sqrt(r)) the file's alpha is ALPHA * sqrt(r). 0, or
 * -1 with "PATH: ..." in ERR (an unknown tensor, a shape that does not fit C,
 * a lora_A without its lora_B, heads of an odd size). */
int gt_lora_write_gguf(const char *path, const gt_config *c, double alpha, int rslora, const gt_stw_tensor *t, int n,
                       uint32_t type, char *err, size_t errsz);

#endif
