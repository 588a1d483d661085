/* init.h - a new model to train from scratch (lora-train --init). */
#ifndef GT_INIT_H
#define GT_INIT_H

#include <stddef.h>
#include <stdint.h>

/* A new model for CONFIG (a config.json, or a folder holding one): its
 * config.json and an F32 model.safetensors with the weights of
 * LlamaForCausalLM._init_weights, normal(0, initializer_range (0.02)) and
 * RMSNorm weights 1, drawn from SEED, written into a fresh temporary folder
 * (in $TMPDIR or /tmp) held until gt_folder_release (io/fswap.h). DIR gets
 * the folder's path, CFG the config.json's, FOLDER CONFIG's folder (where
 * tokenizer files are looked for). A model whose full training needs more
 * memory than the machine has (16 bytes a parameter) is refused before
 * anything is allocated. Errors end the process (gt_die: 66 cannot open, 65 a
 * bad config or one too large, 74 I/O). */
void gt_init_model(const char *config, uint64_t seed, char *dir, size_t dn, char *cfg, size_t cn, char *folder,
                   size_t fn);

#endif
