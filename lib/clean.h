/* clean.h - title and abstract cleanup (abstract-clean, and title-gen on pasted text). */
#ifndef GT_CLEAN_H
#define GT_CLEAN_H

#include <stddef.h>

typedef enum { GT_LATEX_KEEP, GT_LATEX_STRIP, GT_LATEX_TEXT } gt_latex_mode;

typedef struct {
    gt_latex_mode latex;
    int min_words, max_words;             /* abstract bounds, after cleaning */
    int title_min_words, title_max_words;
    int keep_withdrawn;                   /* do not drop withdrawn papers */
    int keep_period;                      /* leave a title's final period */
} gt_clean_opts;

void gt_clean_opts_default(gt_clean_opts *o);

/* Why a record is dropped. */
enum {
    GT_KEEP = 0, GT_DROP_EMPTY, GT_DROP_WITHDRAWN, GT_DROP_ABSTRACT_SHORT, GT_DROP_ABSTRACT_LONG,
    GT_DROP_TITLE_SHORT, GT_DROP_TITLE_LONG, GT_DROP_NREASONS
};
const char *gt_clean_reason(int reason);

typedef struct gt_cleaner gt_cleaner;
gt_cleaner *gt_cleaner_new(const gt_clean_opts *o);
void gt_cleaner_free(gt_cleaner *c);

/* Clean TEXT (whitespace, then TeX per the mode; titles also lose a final
 * period). The result stays valid until the next call with the same SLOT (0 or 1). */
const char *gt_clean_text(gt_cleaner *c, int slot, const char *s, size_t n, int is_title, size_t *outlen);

/* 1 if an abstract (already cleaned) announces a withdrawn paper. */
int gt_clean_is_withdrawn(gt_cleaner *c, const char *s, size_t n);

/* Clean both fields and judge them: returns GT_KEEP or a GT_DROP_* reason. */
int gt_clean_pair(gt_cleaner *c, const char *title, size_t tn, const char *abs, size_t an,
                  const char **t_out, size_t *t_len, const char **a_out, size_t *a_len);

size_t gt_count_words(const char *s, size_t n);
/* Collapse whitespace runs (ASCII and Unicode spaces) to one space and trim; DST
 * needs N bytes. Returns the new length. */
size_t gt_collapse_space(char *dst, const char *s, size_t n);

typedef struct { char accent, letter; const char *utf8; } gt_tex_accent;
extern const gt_tex_accent gt_tex_accents[];
extern const int gt_tex_accents_count;

#endif
