/* lines.h - title-gen's input lines: an abstract per line (an NDJSON record,
 * or plain text), its titles written out in input order; several abstracts
 * generated at once, each by its own worker (its own generator, states and
 * scratch; the model's weights shared), when there are threads to spare. */
#ifndef GT_LINES_H
#define GT_LINES_H

#include <stddef.h>

#include "gen/generate.h"
#include "gen/titles.h"
#include "io/shard.h"
#include "nn/model.h"
#include "nn/quant.h"
#include "text/clean.h"
#include "tok/specials.h"
#include "tok/tokenizer.h"

typedef struct {
    int text;               /* plain text, one abstract per line (else NDJSON records) */
    int ids, strict, progress, stats;
    const char *instr;      /* the instruction, over any record's own (NULL: the record's, else DEFAULT_INSTR) */
    const char *default_instr;
    size_t max_line;
    gt_gen_opts go;
    int workers;            /* abstracts generated at once (1: one at a time, with every thread) */
    int threads;            /* threads in all (-j) */
    gt_shard *shard;        /* the records this process takes (shard.h); its header and placeholders */
} gt_lines_opts;

/* What the workers generate with: worker 0 uses TITLER (its generator) and
 * CL; the others get copies of their own, made from MODEL, TOK and SP. */
typedef struct {
    const gt_model *model;
    const gt_tok *tok;
    const gt_specials *sp;
    gt_titler *titler;
    gt_cleaner *cl;
    const gt_quant *quant;  /* for --stats (NULL: not quantised) */
} gt_lines_model;

/* Titles for every line of FILES (standard input when NFILES is 0) on
 * standard output; malformed lines are reported and skipped (with STRICT the
 * first one stops the run). Returns the exit status. */
int gt_lines_titles(const gt_lines_opts *o, const gt_lines_model *lm, char **files, int nfiles);

#endif
