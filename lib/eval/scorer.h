/* scorer.h - one example of title-eval: a title scored against the reference
 * title (ROUGE-1/2/L F1 x100, its length in words, whether it stands verbatim
 * in the abstract), and the three baselines cut from the abstract: its first
 * sentence, its first GT_LEAD_WORDS words, and its best single sentence by
 * ROUGE-L against the reference (an extractive oracle). */
#ifndef GT_SCORER_H
#define GT_SCORER_H

#include <stddef.h>

#include "core/buf.h"
#include "eval/rouge.h"

#define GT_NMET 3           /* ROUGE-1, ROUGE-2, ROUGE-L */
#define GT_LEAD_WORDS 12

/* Degenerate titles, counted beside ROUGE (gt_sysres.degen bits) */
#define GT_DEGEN_EMPTY 1    /* no words at all */
#define GT_DEGEN_LONG 2     /* more than GT_LONG_WORDS words */
#define GT_DEGEN_REPEAT 4   /* one word 3 times or more: a ROUGE token (so stemmed with stemming
                             * on), not a function word (the, of, and, for, ...: scorer.c's list) */
#define GT_LONG_WORDS 30

/* One system's result on one example. */
typedef struct {
    double f[GT_NMET];      /* F1 x 100 */
    double words;           /* words of the squeezed title */
    int verbatim;           /* non-empty and inside the abstract, both lower-cased */
    int degen;              /* GT_DEGEN_* bits */
} gt_sysres;

typedef struct {
    gt_rouge *g;
    gt_rouge_seq ref, hyp;  /* the reference's tokens; scratch */
    gt_rouge_seq tmp;       /* scratch for gt_scorer_degen */
    gt_buf abs, absl;       /* the squeezed abstract, and lower-cased */
    gt_buf h1, h2;          /* scratch for squeezed titles */
} gt_scorer;

/* STEM: Porter-stem tokens (rouge-score's use_stemmer). */
void gt_scorer_init(gt_scorer *s, int stem);
void gt_scorer_free(gt_scorer *s);

/* Start an example: the reference TITLE and the ABSTRACT (NUL-terminated). */
void gt_scorer_example(gt_scorer *s, const char *title, const char *abstract);
/* Score the N bytes at TEXT against the example's reference. */
void gt_scorer_score(gt_scorer *s, const char *text, size_t n, gt_sysres *out);
/* The baselines of the example. */
void gt_scorer_baselines(gt_scorer *s, gt_sysres *first, gt_sysres *lead, gt_sysres *oracle);
/* The words of TEXT (N bytes), squeezed; and whether it is verbatim in the
 * example's abstract (as gt_sysres says). */
double gt_scorer_words(gt_scorer *s, const char *text, size_t n);
int gt_scorer_verbatim(gt_scorer *s, const char *text, size_t n);
/* How many times the most repeated word of TEXT (N bytes) stands in it: ROUGE
 * tokens (stemmed when the scorer stems), function words left out (0: none). */
int gt_scorer_repeats(gt_scorer *s, const char *text, size_t n);
/* The GT_DEGEN_* bits of TEXT (N bytes) of WORDS words (gt_scorer_words). */
int gt_scorer_degen(gt_scorer *s, const char *text, size_t n, double words);

#endif
