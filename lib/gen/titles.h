/* titles.h - titles for an abstract, as title-gen makes them for its input
 * lines and its web API: the prompt (template, BOS, the input cut as training
 * cut it) generated from, and the titles written out as JSON; and the
 * statistics line of --stats. */
#ifndef GT_TITLES_H
#define GT_TITLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "gen/generate.h"
#include "io/output.h"
#include "io/record.h"
#include "nn/model.h"
#include "nn/quant.h"
#include "text/clean.h"
#include "tok/template.h"
#include "tok/specials.h"
#include "tok/tokenizer.h"

typedef struct {
    const gt_template *tpl;
    int max_in;             /* cut inputs to this many tokens (0: no cut) */
    gt_tokctx *tc;
    gt_gen *gen;
    int bos;                /* put first when >= 0 */
    gt_buf prompt;          /* scratch: the rendered prompt */
    gt_ids ids;             /* scratch: its tokens */
} gt_titler;

/* The token a titler puts before each prompt (its .bos), -1 for none: as
 * the model's rule says (SP's add_bos, specials.h: tokenizer_config.json's
 * add_bos_token, a GGUF file's; false, as SmolLM2's, gives none), and when
 * nothing says (tokenizer.model, tokenizer.json) always, as training streams
 * start: SP's BOS, else MODEL_BOS (config.json's bos_token_id, -1 when
 * absent). */
int gt_titler_bos(const gt_specials *sp, int model_bos);
/* Free the scratch (not what the titler points to). */
void gt_titler_free(gt_titler *t);
/* Generate titles for the abstract ABS (NABS bytes, cleaned) under the
 * instruction INSTR (NI bytes) with options O: as gt_gen_run (0 with *OUT and
 * *NOUT set; -1 with the reason in gt_gen_error(t->gen)). */
int gt_titler_run(gt_titler *t, const gt_gen_opts *o, const char *instr, size_t ni, const char *abs, size_t nabs,
                  const gt_cand **out, int *nout);

/* An output line: the fields of REC but "titles" (the record as read), or
 * {"abstract": TEXT} for plain text, then "titles": [{"title", "score"[,
 * "ids" with IDS]}...] and '\n'. */
void gt_titles_write_record(gt_out *o, const gt_rec *rec, const gt_cand *c, int n, int ids);
void gt_titles_write_text(gt_out *o, const char *text, size_t len, const gt_cand *c, int n, int ids);

/* The abstract (*ABS, *NABS: cleaned by CL) of an input LINE (LEN bytes):
 * plain text when TEXT, else a record parsed into REC, its "abstract" (or
 * "input"), and its own "instruction" in *INSTR unless KEEP_INSTR. NULL, or
 * why the line is skipped (WHYBUF may hold it). */
const char *gt_titles_line_input(gt_cleaner *cl, int text, int keep_instr, gt_rec *rec, const char *line, size_t len,
                                 const char **abs, size_t *nabs, const char **instr, char *whybuf, size_t whysz);

/* The --stats lines on standard error: TOTAL WHAT (records, requests) since
 * T_START, prefill and decode speeds, the weights' bytes (QUANT's when
 * quantised, else MODEL's), the largest KV cache; then BOS and EOS (SP) and
 * the file each came from, and whether prompts start with BOS (BOS >= 0). */
void gt_titles_stats(const gt_gen *gen, uint64_t total, const char *what, double t_start, const gt_quant *quant,
                     const gt_model *model, const gt_specials *sp, int bos);

/* Make generation stop at SP's EOS, and not at a tokenizer.json's guessed EOS
 * (gt_tok_guessed) that neither SP nor M's config names. */
void gt_titles_stop_at_eos(gt_gen *gen, const gt_tok *tok, const gt_specials *sp, const gt_model *m);

#endif
