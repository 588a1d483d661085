/* clean.h - text cleaning for titles and abstracts (abstract-clean(1)).
 *
 * A gt_cleaner holds the options and the compiled pcre2 patterns (JIT), plus
 * work buffers reused from call to call, so cleaning allocates nothing per
 * record once the buffers have grown to the largest text seen.
 *
 * Cleaning, in order:
 *   1. every run of whitespace (ASCII space, tab, CR, LF, FF, VT and the
 *      Unicode spaces U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
 *      U+202F, U+205F, U+3000) becomes one space; leading/trailing trimmed;
 *   2. LaTeX, by mode (see abstract-clean(1) for every rule):
 *      keep  - nothing more;
 *      strip - math spans removed (then spaces and punctuation tidied),
 *              TeX accents and text commands converted as in "text";
 *      text  - math delimiters removed, accents to Unicode letters, common
 *              commands to Unicode/text, grouping braces dropped;
 *   3. titles only: one trailing '.' removed, unless it ends "..", or the last
 *      word holds another '.' ("U.S."), or is a known abbreviation ("al.").
 * Cleaning is idempotent: cleaning a cleaned text changes nothing. */
#ifndef GT_CLEAN_H
#define GT_CLEAN_H

#include <stddef.h>
#include "io/record.h"

typedef enum { GT_LATEX_KEEP, GT_LATEX_STRIP, GT_LATEX_TEXT } gt_latex_mode;

typedef enum { GT_TEXT_ABSTRACT, GT_TEXT_TITLE } gt_text_kind;

/* Results of gt_clean_record: keep, a drop reason, or malformed. */
enum {
    GT_CLEAN_KEEP = 0,
    GT_DROP_EMPTY,          /* title or abstract empty after cleaning */
    GT_DROP_WITHDRAWN,      /* abstract is a withdrawal notice */
    GT_DROP_ABSTRACT_SHORT,
    GT_DROP_ABSTRACT_LONG,
    GT_DROP_TITLE_SHORT,
    GT_DROP_TITLE_LONG,
    GT_DROP_NREASONS,
    GT_CLEAN_MALFORMED = -1 /* title/abstract missing or not a string */
};

typedef struct {
    gt_latex_mode latex;
    long min_words, max_words;             /* abstract; max 0 = no limit */
    long title_min_words, title_max_words; /* title; max 0 = no limit */
} gt_clean_opts;

#define GT_CLEAN_MIN_WORDS 20
#define GT_CLEAN_MAX_WORDS 600
#define GT_CLEAN_TITLE_MIN_WORDS 2
#define GT_CLEAN_TITLE_MAX_WORDS 40

typedef struct gt_cleaner gt_cleaner;

void gt_clean_opts_default(gt_clean_opts *o);
/* Parse "keep", "strip" or "text"; -1 if none. */
int gt_latex_mode_parse(const char *s);
const char *gt_latex_mode_name(gt_latex_mode m);

/* Compile the patterns; exits (EX_SOFTWARE) if pcre2 refuses them. */
gt_cleaner *gt_cleaner_new(const gt_clean_opts *o);
void gt_cleaner_free(gt_cleaner *c);

/* Clean S (N bytes of valid UTF-8). The result is NUL-terminated, *OUTLEN
 * bytes long, and lives in the cleaner: valid until the next call. */
const char *gt_clean_text(gt_cleaner *c, gt_text_kind kind, const char *s, size_t n,
                          size_t *outlen);

/* 1 if the (cleaned) abstract is a withdrawal notice ("This paper has been
 * withdrawn by the author ...", "Withdrawn.", "arXiv admin note: This
 * submission has been withdrawn ...", "... we withdraw this paper."). */
int gt_clean_is_withdrawn(gt_cleaner *c, const char *s, size_t n);

/* Words = runs of bytes other than ' ' (text already collapsed or not). */
size_t gt_count_words(const char *s, size_t n);

/* Clean "title" and "abstract" of R in place (only fields that change are
 * rewritten). Returns GT_CLEAN_KEEP, a GT_DROP_* reason, or
 * GT_CLEAN_MALFORMED with a reason in ERR. *CHANGED gets bit 1 if the title
 * changed, bit 2 if the abstract changed. */
int gt_clean_record(gt_cleaner *c, gt_rec *r, unsigned *changed, char *err, size_t errsz);

/* Short name of a drop reason ("withdrawn", "abstract too short", ...). */
const char *gt_clean_reason_name(int reason);

#endif
