/* export.h - trained weights written out: a LoRA adapter in the PEFT layout
 * (adapter_config.json, adapter_model.safetensors; and adapter.gguf, the same
 * adapter in llama.cpp's GGUF form) or a whole model in the
 * Hugging Face layout (config.json, model.safetensors and the files that
 * travel with them). Each file is written atomically; errors end the process
 * (gt_die) with lora-train's exit statuses (66 cannot open, 74 I/O). */
#ifndef GT_EXPORT_H
#define GT_EXPORT_H

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
 * else adapter_model.safetensors (F32) and an adapter_config.json naming
 * BASE and T's LoRA settings (the PEFT folder), and the same adapter as
 * adapter.gguf, llama.cpp's GGUF LoRA adapter (nn/lora.h:
 * gt_lora_write_gguf). */
void gt_export(const gt_train *t, const char *dir, const char *base, const char *config, int dtype);

#endif
