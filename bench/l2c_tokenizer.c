/* l2c_tokenizer.c - write a SentencePiece tokenizer.model in llama2.c's
 * tokenizer.bin layout, so that llama2.c's run.c can load the benchmark model
 * (bench/out/gen-l2c.bin) with the same vocabulary:
 *   int32 max_token_length, then per id: float32 score, int32 length, bytes;
 * pieces with U+2581 as a space, BOS and EOS as "\n<s>\n" and "\n</s>\n" (the
 * layout of llama2.c's tokenizer export).
 *   l2c_tokenizer TOKENIZER.MODEL OUT.BIN */
#include "tok/tokenizer.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    if (argc != 3) gt_usage_error("usage: l2c_tokenizer TOKENIZER.MODEL OUT.BIN");
    char err[300];
    gt_tok *t = gt_tok_load(argv[1], err, sizeof err);
    if (!t) gt_die(EX_DATAERR, "%s", err);
    const gt_spm_model *m = gt_tok_model(t);
    if (!m->npieces) gt_die(EX_DATAERR, "%s: not a SentencePiece model", argv[1]);
    int n = m->npieces;
    char **s = gt_xcalloc((size_t)n, sizeof *s);
    int32_t maxlen = 0;
    for (int i = 0; i < n; i++) {
        const char *p = m->pieces[i].piece;
        if (i == m->bos_id) p = "\n<s>\n";
        else if (i == m->eos_id) p = "\n</s>\n";
        size_t len = strlen(p), k = 0;
        s[i] = gt_xmalloc(len + 1);
        for (size_t j = 0; j < len; j++) {
            if (j + 2 < len && (unsigned char)p[j] == 0xe2 && (unsigned char)p[j + 1] == 0x96 &&
                (unsigned char)p[j + 2] == 0x81) {
                s[i][k++] = ' ';
                j += 2;
            } else {
                s[i][k++] = p[j];
            }
        }
        s[i][k] = 0;
        if ((int32_t)k > maxlen) maxlen = (int32_t)k;
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f) gt_die(EX_CANTCREAT, "%s: cannot create", argv[2]);
    fwrite(&maxlen, 4, 1, f);
    for (int i = 0; i < n; i++) {
        int32_t len = (int32_t)strlen(s[i]);
        fwrite(&m->pieces[i].score, 4, 1, f);
        fwrite(&len, 4, 1, f);
        fwrite(s[i], 1, (size_t)len, f);
        free(s[i]);
    }
    free(s);
    if (fclose(f) != 0) gt_die(EX_IOERR, "%s: write error", argv[2]);
    gt_tok_free(t);
    return 0;
}
