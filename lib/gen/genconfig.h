/* genconfig.h - Hugging Face's generation_config.json in a model folder: the
 * decoding settings title-gen takes from it as the defaults of options not
 * given (num_beams, no_repeat_ngram_size, max_new_tokens,
 * encoder_repetition_penalty, repetition_penalty, and do_sample with
 * temperature, top_k, top_p). The token ids (bos_token_id, eos_token_id,
 * pad_token_id; specials.h reads them), transformers_version,
 * _from_model_config are known too, and gentitle's own max_word_repeats (beam
 * search drops titles that repeat a word more often: gt_gen_opts) is read; any other key is
 * listed in .unknown for the caller to warn about. */
#ifndef GT_GENCONFIG_H
#define GT_GENCONFIG_H

#include <stddef.h>
#include "gen/generate.h"

typedef struct {
    int has_beams, has_norep, has_maxnew, has_encrep;  /* the key is there (not null) */
    int has_sample, has_temp, has_topk, has_topp, has_rep, has_mwr;
    int num_beams;                      /* 1..64 */
    int no_repeat_ngram_size;           /* 0..64 */
    int max_new_tokens;                 /* 1..2^20 */
    double encoder_repetition_penalty;  /* (0, 100] */
    int do_sample;                      /* true: 1, false: 0 */
    double temperature;                 /* (0, 100] */
    int top_k;                          /* 0..2^22 (0: all) */
    double top_p;                       /* (0, 1] */
    double repetition_penalty;          /* (0, 100] */
    int max_word_repeats;               /* 0..64 (gentitle's own key; 0: off) */
    char unknown[512];                  /* the other keys, quoted, ", " between ("": none) */
} gt_gen_config;

/* Read DIR/generation_config.json into *C: 0 (nothing set when the file
 * cannot be opened: it is optional), or -1 with "PATH: reason" in ERR (not a
 * JSON object, a value that is not a number of its range). */
int gt_gen_config_load(const char *dir, gt_gen_config *c, char *err, size_t errsz);

/* The decoding options given on the command line: the file does not change them. */
typedef struct { int beams, norep, maxnew, encrep, rep, temp, topk, topp, mwr; } gt_gen_given;

/* Read DIR/generation_config.json and set the options of GO not GIVEN from it,
 * as Hugging Face's generate() reads it: num_beams (unless sampling),
 * no_repeat_ngram_size, max_new_tokens, encoder_repetition_penalty,
 * repetition_penalty, max_word_repeats; do_sample true: sampling with temperature (default 1),
 * top_k (default 50) and top_p, unless --beams or --temperature was given; the
 * other keys: one warning naming them ("PATH: ignored: ..."). 0, or -1 with
 * the reason in ERR. */
int gt_gen_config_apply(const char *dir, gt_gen_opts *go, const gt_gen_given *given, char *err, size_t errsz);

#endif
