/* tok_enc.h - for the tokenizer tests: enc(C, S), the ids of S as tokenizer C
 * encodes it, as decimal numbers separated by spaces (in a static buffer of
 * 4096 bytes; a longer list is cut). */
#ifndef GT_TEST_TOK_ENC_H
#define GT_TEST_TOK_ENC_H

#include <stdio.h>
#include <string.h>

#include "tok/tokenizer.h"

static char got[4096];

static const char *enc(gt_tokctx *c, const char *s)
{
    gt_ids ids = { 0 };
    gt_tok_encode(c, s, strlen(s), &ids, NULL, 0);
    size_t k = 0;
    got[0] = 0;
    for (size_t i = 0; i < ids.n && k < sizeof got - 16; i++)
        k += (size_t)snprintf(got + k, sizeof got - k, i ? " %d" : "%d", ids.v[i]);
    gt_ids_free(&ids);
    return got;
}

#endif
