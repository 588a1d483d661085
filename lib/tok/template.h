/* template.h - alpaca-lora style prompt templates: a JSON object with the keys
 * prompt_input, prompt_no_input and response_split ("description" and other
 * keys are ignored). The prompts are Python str.format texts: "{instruction}"
 * and "{input}" are replaced, "{{" and "}}" stand for braces. */
#ifndef GT_TEMPLATE_H
#define GT_TEMPLATE_H

#include <stddef.h>
#include "tok/tokenizer.h"
#include "core/buf.h"

typedef struct {
    char *prompt_input, *prompt_no_input, *response_split;
    int max_input_tokens;   /* gentitle's optional key "max_input_tokens": inputs longer than
                               this many tokens are cut when prompting (0: no limit) */
} gt_template;

/* alpaca-lora's templates/alpaca.json, byte for byte. */
void gt_template_default(gt_template *t);
/* Load PATH: 0 ok, -1 with a reason in ERR (unreadable, invalid JSON, a key
 * missing, an unknown {name} placeholder). */
int gt_template_load(gt_template *t, const char *path, char *err, size_t errsz);
int gt_template_parse(gt_template *t, const char *json, size_t n, char *err, size_t errsz);
void gt_template_free(gt_template *t);
/* The template file a tool uses by default for the model in DIR:
 * DIR/prompt_template.json when it exists (written into BUF), else NULL
 * (alpaca). Models trained on their own prompt carry it, so title-gen and
 * tok-encode -m DIR render the prompt they were trained with. */
const char *gt_template_of_model(const char *dir, char *buf, size_t n);

/* Render the prompt for INSTRUCTION and INPUT (prompt_input when INPUT is not
 * empty, else prompt_no_input) into B (appending). *IN_START and *IN_END get
 * the offsets, relative to the start of what was appended, of the first
 * substituted {input} (both 0 when none). Returns the rendered length. */
size_t gt_template_render(const gt_template *t, const char *instr, size_t ni, const char *input, size_t nin,
                          int with_input, gt_buf *b, size_t *in_start, size_t *in_end);

/* The prompt for INSTRUCTION and INPUT rendered into B (reset first) and
 * encoded, appended to IDS. When MAX_IN > 0 the input is cut to its first
 * MAX_IN tokens as they fall inside the prompt, where token MAX_IN starts (the
 * cut tok-encode --cutoff-len makes at training time), so a model sees prompts
 * shaped like the ones it was trained on. Returns the input's tokens kept. */
size_t gt_template_encode(const gt_template *t, gt_tokctx *c, const char *instr, size_t ni, const char *input,
                          size_t nin, int max_in, gt_buf *b, gt_ids *ids);

#endif
