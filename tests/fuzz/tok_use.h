/* tok_use.h - what fuzz_tokenizer_json.c and fuzz_spm_model.c do with a
 * tokenizer that loaded: encode a fixed text (spaces, digits, punctuation,
 * special-looking tokens, non-ASCII, an invalid byte), with marks and token
 * offsets, decode the ids, and decode the first and last ids of the vocabulary
 * and some out of range. */
#ifndef GT_TOK_USE_H
#define GT_TOK_USE_H

#include "tok/tokenizer.h"
#include "fuzz.h"

static void fuzz_tok_use(const gt_tok *t)
{
    static const char text[] = "Hello  world, <s></s><|endoftext|> 1234567 x\tY\n\xc3\xa9t\xc3\xa9 \xe2\x96\x81 \xff"
                               "\xe4\xb8\xad\xe6\x96\x87 a.b-c_d'e \"f\" (g) [h] {i}  ";
    size_t n = sizeof text - 1, marks[3] = { 0, 7, n };
    gt_ids ids = { 0 };
    gt_tokctx *c = gt_tokctx_new_sized(t, 1);
    size_t k = gt_tok_encode(c, text, n, &ids, marks, 3);
    gt_tok_token_offset(c, text, n, k / 2);
    gt_tok_prefix_len(c, text, n, 2);
    gt_tokctx_free(c);
    char *buf = NULL;
    size_t len = 0, cap = 0, bad = 0;
    gt_tok_decode(t, ids.v, ids.n, &buf, &len, &cap, &bad);
    int v = gt_tok_vocab_size(t);
    int32_t some[] = { 0, 1, 2, 3, v / 2, v - 2, v - 1, v, -1, gt_tok_bos(t), gt_tok_eos(t), gt_tok_unk(t),
                       gt_tok_pad(t) };
    gt_tok_decode(t, some, sizeof some / sizeof *some, &buf, &len, &cap, &bad);
    gt_tok_fingerprint(t);
    free(buf);
    gt_ids_free(&ids);
}

#endif
