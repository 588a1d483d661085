/* export.h - trained weights written out: a LoRA adapter in the PEFT layout
 * (adapter_config.json, adapter_model.safetensors; and adapter.gguf, the same
 * adapter in llama.cpp's GGUF form) or a whole model in the
 * Hugging Face layout (config.json, model.safetensors and the files that
 * travel with them). Each file is written atomically; errors end the process
 * (gt_die) with lora-train's exit statuses (66 cannot open, 74 I/O). */
#ifndef GT_EXPORT_H
#define GT_EXPORT_H

#include "nn/lora.h"
#include "train/train.h"

/* The files of a model folder: its weights, its config, then the files that
 * travel with them (tokenizer, prompt template, generation settings). */
#define GT_MODEL_FILES 8
extern const char *const gt_model_files[GT_MODEL_FILES];

/* CONFIG copied verbatim to DIR/config.json (a full model keeps its names and
 * shapes). */
void gt_export_config(const char *config, const char *dir);
/* The tokenizer and other travelling files of the model folder FROM that
 * exist, copied into DIR. */
void gt_export_model_files(const char *from, const char *dir);

/* T's trained tensors into DIR (it exists): with T->full, model.safetensors
 * in DTYPE (< 0: F32), CONFIG as config.json and BASE's travelling files;
 * else adapter_model.safetensors and an adapter_config.json naming BASE and
 * T's LoRA settings (the PEFT folder), and the same adapter as adapter.gguf,
 * llama.cpp's GGUF LoRA adapter (nn/lora.h: gt_lora_write_gguf). ADT: the
 * adapter's stored types, ADT[0] of adapter_model.safetensors and ADT[1] of
 * adapter.gguf (GT_DT_F32, GT_DT_F16 or GT_DT_BF16; F16 and BF16 rounded to
 * nearest even). */
void gt_export(const gt_train *t, const char *dir, const char *base, const char *config, int dtype, const int adt[2]);

/* The adapter L (loaded GT_LORA_READ for a model of config C) written into
 * DIR as gt_export writes a trained one, its tensors in types ADT, in the
 * order training writes them: adapter_config.json is a copy of PEFT_CONFIG
 * (the PEFT folder L came from), or when NULL (a GGUF adapter) written with
 * its rank, alpha (0: r), lora_dropout 0, the projections it adapts and
 * BASE. lora-train --lora ADAPTER --out DIR. */
void gt_export_lora(const gt_lora *l, const gt_config *c, const char *dir, const char *peft_config, const char *base,
                    const int adt[2]);

#endif
