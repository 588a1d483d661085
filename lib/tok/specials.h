/* specials.h - a model folder's BOS and EOS as Hugging Face decides them, from
 * its files rather than the tokenizer's guesses (title-gen, tok-encode -m).
 *
 * The BOS (EOS) id is the first of:
 *   1. tokenizer_config.json's "bos_token" ("eos_token"): a string, or an
 *      object with "content" (AddedToken), that the tokenizer knows;
 *   2. the tokenizer's own, when it is not a guess (a SentencePiece model's
 *      ids, a tokenizer.json post-processor's special tokens);
 *   3. generation_config.json's "bos_token_id" ("eos_token_id"; of a list, the
 *      first);
 *   4. config.json's, likewise;
 *   5. the tokenizer's guess (a tokenizer.json token named <s>, </s>, ...).
 * Whether prompts start with BOS: tokenizer_config.json's "add_bos_token"
 * when it says, else the tokenizer's own rule (gt_tok_add_bos), else -1 (the
 * tool decides: title-gen and tok-encode's streams put it first). A file
 * that is not there counts as saying nothing. */
#ifndef GT_SPECIALS_H
#define GT_SPECIALS_H

#include <stddef.h>
#include "tok/tokenizer.h"

typedef struct {
    int bos, eos;                   /* -1: none */
    int add_bos;                    /* 1, 0, or -1 (nothing says) */
    char bos_from[32], eos_from[32], add_bos_from[32];   /* the file (or "tokenizer") that said */
} gt_specials;

/* The specials of the model in DIR (NULL: the tokenizer's own only) with
 * tokenizer TOK. 0, or -1 with "PATH: reason" in ERR when one of the files is
 * not JSON or holds a value of the wrong type. */
int gt_specials_of_model(const char *dir, const gt_tok *tok, gt_specials *s, char *err, size_t errsz);
/* "BOS 1 (config.json), EOS 2 (tokenizer_config.json), add_bos true (...)" into BUF. */
const char *gt_specials_describe(const gt_specials *s, char *buf, size_t n);

#endif
