/* test_bpe_train.c - BPE training: word counting, merge order, the written
 * tokenizer.json loads and round-trips. */
#include "tok/bpe_train.h"
#include "io/output.h"
#include "tok/tokenizer.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Train on TEXTS and return the tokenizer.json text (malloc'd). */
static char *train(const char *const *texts, int n, int vocab, long minf, gt_bpe_stats *st, int *rc)
{
    gt_bpe *b = gt_bpe_new();
    for (int i = 0; i < n; i++) gt_bpe_add_text(b, texts[i], strlen(texts[i]));
    char err[200];
    *rc = gt_bpe_train(b, vocab, minf, err, sizeof err);
    if (*rc) { *st = *gt_bpe_stats_get(b); gt_bpe_free(b); return NULL; }
    char path[] = "/tmp/test_bpe_XXXXXX";
    int fd = mkstemp(path);
    gt_out o;
    gt_out_init(&o, fd, path);
    gt_bpe_write_json(b, &o);
    gt_out_flush(&o);
    gt_out_free(&o);
    *st = *gt_bpe_stats_get(b);
    gt_bpe_free(b);
    size_t len = (size_t)lseek(fd, 0, SEEK_END);
    char *s = malloc(len + 1);
    if (pread(fd, s, len, 0) != (ssize_t)len) len = 0;
    s[len] = 0;
    close(fd);
    unlink(path);
    return s;
}

int main(void)
{
    gt_bpe_stats st;
    int rc;

    /* words: split before each space or U+2581, a leading one prepended */
    {
        const char *t[] = {"ab ab cd cd", " x\xe2\x96\x81y", ""};
        char *j = train(t, 3, 300, 2, &st, &rc);
        CHECK(rc == 0 && j, "trains");
        CHECK(st.texts == 2, "empty text not counted");
        CHECK(st.words == 7, "words: 4 + \xe2\x96\x81, \xe2\x96\x81x, \xe2\x96\x81y");
        CHECK(st.uniq_words == 5, "distinct words");
        CHECK(st.alphabet == 5, "alphabet: a b c d U+2581 (x, y once)");
        CHECK(st.merges == 4 && st.vocab == 268, "merges and vocab");
        CHECK(strstr(j, "\"merges\": [\n      [\"a\", \"b\"],\n      [\"c\", \"d\"],\n      [\"\xe2\x96\x81\", \"ab\"],\n"
                        "      [\"\xe2\x96\x81\", \"cd\"]\n    ]") != NULL, "merge order: count, then bytes");
        CHECK(strstr(j, "\"<0xFF>\": 258,") && strstr(j, "\"a\": 259,") && strstr(j, "\"\xe2\x96\x81\": 263,") && strstr(j, "\"\xe2\x96\x81" "cd\": 267\n"),
              "vocab ids");

        /* the file loads and encodes as expected */
        char err[200];
        gt_tok *tok = gt_tok_load_mem(j, strlen(j), err, sizeof err);
        CHECK(tok != NULL, "tokenizer.json loads");
        if (tok) {
            CHECK(gt_tok_vocab_size(tok) == 268 && gt_tok_bos(tok) == 1 && gt_tok_unk(tok) == 0, "ids of specials");
            gt_tokctx *c = gt_tokctx_new(tok);
            gt_ids ids = {0};
            const char *s = "cd abx";
            gt_tok_encode(c, s, strlen(s), &ids, NULL, 0);
            /* ▁cd=267, ▁ab=266, x -> <0x78> = 3 + 0x78 */
            CHECK(ids.n == 3 && ids.v[0] == 267 && ids.v[1] == 266 && ids.v[2] == 3 + 0x78, "encode");
            char *buf = NULL;
            size_t len = 0, cap = 0;
            gt_tok_decode(tok, ids.v, ids.n, &buf, &len, &cap, NULL);
            CHECK(len == strlen(s) && memcmp(buf, s, len) == 0, "decode round trip");
            free(buf);
            gt_ids_free(&ids);
            gt_tokctx_free(c);
            gt_tok_free(tok);
        }
        free(j);
    }

    /* no merge across U+2581, none spelling a special, invalid UTF-8 as U+FFFD */
    {
        const char *t[] = {"a  a  a  a", "x<s> x<s> x<s>", "\xff\xfe \xff\xfe"};
        char *j = train(t, 3, 400, 1, &st, &rc);
        CHECK(rc == 0 && j, "trains 2");
        CHECK(j && !strstr(j, "\"\xe2\x96\x81\xe2\x96\x81\""), "no U+2581 U+2581 piece");
        CHECK(j && !strstr(j, "[\"<s\", \">\"]") && !strstr(j, "[\"<\", \"s>\"]") && strstr(j, "\"x<s>\""),
              "no merge spells <s>");
        CHECK(j && strstr(j, "\"\xe2\x96\x81\xef\xbf\xbd\xef\xbf\xbd\""), "invalid bytes as U+FFFD");
        free(j);
    }

    /* errors */
    {
        const char *t[] = {"", ""};
        char *j = train(t, 2, 1000, 2, &st, &rc);
        CHECK(rc == -1 && !j, "no text: error");
        const char *u[] = {"abc"};
        j = train(u, 1, 258, 2, &st, &rc);
        CHECK(rc == -1 && !j, "vocab below 259: error");
    }

    /* the alphabet is cut to the most frequent characters when it does not fit */
    {
        const char *t[] = {"aaaa bbb cc dd"};
        char *j = train(t, 1, 261, 1, &st, &rc);
        CHECK(rc == 0 && st.alphabet == 2 && st.merges == 0 && st.vocab == 261, "alphabet cut");
        CHECK(j && strstr(j, "\"a\": 259,") && strstr(j, "\"\xe2\x96\x81\": 260\n"), "most frequent kept");
        free(j);
    }
    T_END();
}
