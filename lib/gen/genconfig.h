/* genconfig.h - Hugging Face's generation_config.json in a model folder: the
 * decoding settings title-gen takes from it as the defaults of options not
 * given (num_beams, no_repeat_ngram_size, max_new_tokens,
 * encoder_repetition_penalty; other keys are ignored). */
#ifndef GT_GENCONFIG_H
#define GT_GENCONFIG_H

#include <stddef.h>

typedef struct {
    int has_beams, has_norep, has_maxnew, has_encrep;  /* the key is there (not null) */
    int num_beams;                      /* 1..64 */
    int no_repeat_ngram_size;           /* 0..64 */
    int max_new_tokens;                 /* 1..2^20 */
    double encoder_repetition_penalty;  /* (0, 100] */
} gt_gen_config;

/* Read DIR/generation_config.json into *C: 0 (nothing set when the file
 * cannot be opened: it is optional), or -1 with "PATH: reason" in ERR (not a
 * JSON object, a value that is not a number of its range). */
int gt_gen_config_load(const char *dir, gt_gen_config *c, char *err, size_t errsz);

#endif
