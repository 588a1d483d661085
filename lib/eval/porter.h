/* porter.h - the Porter stemmer as NLTK's PorterStemmer runs it by default
 * (mode NLTK_EXTENSIONS), which is what Google's rouge-score uses with
 * use_stemmer=True.  Written from the algorithm's description (M. F. Porter,
 * "An algorithm for suffix stripping", Program 14(3), 1980) and the list of
 * NLTK's documented departures from it:
 *   - a short table of irregular forms (skies->sky, dying->die, news, ...);
 *   - words of one or two letters are left alone;
 *   - step 1a: "ies" on a 4-letter word -> "ie" (dies->die);
 *   - step 1b: "ied" -> "ie" on a 4-letter word, else -> "i";
 *   - step 1c: y -> i only after a consonant that is not the first letter;
 *   - step 2: "alli" -> "al" first (then step 2 again), "bli" -> "ble"
 *     (not "abli"), "fulli" -> "ful", "logi" -> "log" (measure taken with the l);
 *   - condition *o also holds for a two-letter vowel-consonant stem.
 * Input must be lower-case ASCII letters and digits (anything else is treated
 * as a consonant, as NLTK does). */
#ifndef GT_PORTER_H
#define GT_PORTER_H
#include <stddef.h>

/* Stem the N bytes at W in place; returns the new length.  No step makes a
 * word longer than it came in, so W needs only its N bytes (no NUL needed or
 * written). */
size_t gt_porter_stem(char *w, size_t n);
#endif
