/* rouge.h - ROUGE-1/2/L as Google's rouge-score package computes them
 * (RougeScorer(['rouge1','rouge2','rougeL'], use_stemmer=True)), and the
 * sentence splitting title-eval's baselines use.
 *
 * Tokens, as rouge_score/tokenize.py makes them: the text is lower-cased,
 * every run of characters other than a-z and 0-9 separates tokens (so accented
 * and other non-ASCII letters are dropped, as rouge-score drops them: "Schrödinger"
 * gives "schr" and "dinger"), and tokens longer than 3 characters are Porter-stemmed
 * (porter.h).  Two non-ASCII characters lower-case to ASCII in Python and are
 * kept as it keeps them: U+0130 (capital I with dot: "i" then a separator) and
 * U+212A (Kelvin sign: "k").  Bytes that are not valid UTF-8 separate tokens.
 *
 * Scores: ROUGE-N counts n-grams (clipped: an n-gram counts as often as it
 * appears in both), P = overlap / hyp n-grams, R = overlap / ref n-grams;
 * ROUGE-L uses the longest common subsequence of the token sequences
 * (0 when either side has no tokens); F = 2PR / (P + R), 0 when P + R = 0. */
#ifndef GT_ROUGE_H
#define GT_ROUGE_H
#include <stddef.h>
#include <stdint.h>

typedef struct gt_rouge gt_rouge;       /* vocabulary + scratch space */

/* A token sequence: ids into the gt_rouge's vocabulary. */
typedef struct { uint32_t *id; size_t n, cap; } gt_rouge_seq;

typedef struct { double p, r, f; } gt_prf;
typedef struct { gt_prf r1, r2, rl; } gt_rouge_scores;

/* STEM: 1 to Porter-stem tokens longer than 3 characters (rouge-score's
 * use_stemmer=True), 0 not to. */
gt_rouge *gt_rouge_new(int stem);
void gt_rouge_free(gt_rouge *g);

/* Tokenize the N bytes at S (UTF-8) into SEQ (replacing its contents).
 * Returns the number of tokens. */
size_t gt_rouge_tokenize(gt_rouge *g, const char *s, size_t n, gt_rouge_seq *seq);
void gt_rouge_seq_free(gt_rouge_seq *seq);
/* The text of token ID (NUL-terminated). */
const char *gt_rouge_word(const gt_rouge *g, uint32_t id, size_t *len);

/* ROUGE-N for N = 1 or 2, and ROUGE-L, of HYP against REF. */
gt_prf gt_rouge_n(gt_rouge *g, const gt_rouge_seq *ref, const gt_rouge_seq *hyp, int n);
gt_prf gt_rouge_l(gt_rouge *g, const gt_rouge_seq *ref, const gt_rouge_seq *hyp);
/* All three, from texts. */
gt_rouge_scores gt_rouge_text(gt_rouge *g, const char *ref, size_t nref,
                              const char *hyp, size_t nhyp);

/* Whitespace: copy the N bytes at S to OUT (room for N + 1 bytes) with every
 * run of ASCII white space made one space, leading and trailing space removed;
 * LOWER also lower-cases A-Z.  Returns the new length (OUT is NUL-terminated). */
size_t gt_rouge_squeeze(const char *s, size_t n, char *out, int lower);

/* Sentences of a squeezed text (gt_rouge_squeeze): the sentence starting at
 * S[POS] ends at the returned index (exclusive; the next starts one space on).
 * A sentence ends at '.', '!' or '?', optionally followed by closing ) ] " ',
 * then a space, then A-Z or 0-9; a '.' does not end one after a known
 * abbreviation (e.g. i.e. cf. vs. et al. Fig. Eq. Ref. Sec. ...), a single
 * letter (an initial: "J. Smith") or a dotted run of short parts ("U.S."). */
size_t gt_rouge_sentence_end(const char *s, size_t n, size_t pos);

/* Number of space-separated words in a squeezed text. */
size_t gt_rouge_count_words(const char *s, size_t n);
#endif
