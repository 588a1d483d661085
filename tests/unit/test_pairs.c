/* test_pairs.c - pair-build's hash set, normalisation, de-duplication, splits. */
#include "t.h"
#include "text/pairs.h"
#include "core/util.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 0x1234567887654321ULL;
static uint64_t next64(void)
{
    /* splitmix64 */
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void test_hset(void)
{
    gt_memacct acct = { 0, 0 };
    gt_hset s;
    gt_hset_init(&s, &acct);
    CHECK(!gt_hset_has(&s, 42), "hset: empty set has nothing");
    CHECK(gt_hset_add(&s, 42) == 1, "hset: first add is new");
    CHECK(gt_hset_add(&s, 42) == 0, "hset: second add is a duplicate");
    CHECK(gt_hset_has(&s, 42), "hset: has after add");
    CHECK(gt_hset_add(&s, 0) == 1 && gt_hset_has(&s, 0), "hset: hash 0 can be stored");

    /* many random values, then every one found again, and fresh ones not */
    enum { N = 200000 };
    uint64_t *v = malloc(N * sizeof *v);
    int all_new = 1, all_found = 1, none_false = 1;
    for (int i = 0; i < N; i++) { v[i] = next64(); if (!gt_hset_add(&s, v[i])) all_new = 0; }
    for (int i = 0; i < N; i++) if (!gt_hset_has(&s, v[i]) || gt_hset_add(&s, v[i])) all_found = 0;
    for (int i = 0; i < N; i++) if (gt_hset_has(&s, next64())) none_false = 0;
    CHECK(all_new, "hset: 200000 random values all new");
    CHECK(all_found, "hset: 200000 random values all found after growth");
    CHECK(none_false, "hset: no false positives on fresh values");
    CHECK(s.n == N + 2, "hset: count");
    /* memory: at most 16 bytes per value even at the peak (two hashes per record -> 32) */
    CHECK(acct.peak <= (size_t)(s.n * 16), "hset: peak memory <= 16 bytes per value");
    CHECK(acct.cur <= acct.peak && acct.cur >= s.n * 8, "hset: current memory accounted");

    /* values that share a shard and a home slot (clustered) */
    gt_hset c;
    gt_memacct a2 = { 0, 0 };
    gt_hset_init(&c, &a2);
    int ok = 1;
    for (uint64_t i = 1; i <= 5000; i++) if (!gt_hset_add(&c, i << 32)) ok = 0; /* same shard, home 0.. */
    for (uint64_t i = 1; i <= 5000; i++) if (!gt_hset_has(&c, i << 32)) ok = 0;
    CHECK(ok && !gt_hset_has(&c, 5001ULL << 32), "hset: clustered values (wrap-around probing)");
    gt_hset_free(&c);
    CHECK(a2.cur == 0, "hset: free returns all memory");

    gt_hset_free(&s);
    CHECK(acct.cur == 0, "hset: free returns all memory (big)");
    free(v);
}

static void test_normalise(void)
{
    char *buf = NULL;
    size_t cap = 0, n;
    n = gt_text_normalise("Deep  Learning!", 15, "A (new) AI-2 model.", 19, &buf, &cap);
    CHECK(n == 12 + 1 + 12 && memcmp(buf, "deeplearning\0anewai2model", n) == 0,
          "normalise: case folded, punctuation and spaces dropped, parts joined by 0");
    n = gt_text_normalise("Caf\xc3\xa9", 5, "x", 1, &buf, &cap);
    CHECK(n == 7 && memcmp(buf, "caf\xc3\xa9\0x", 7) == 0, "normalise: UTF-8 bytes kept");
    n = gt_text_normalise("?!", 2, "...", 3, &buf, &cap);
    CHECK(n == 1, "normalise: nothing but punctuation leaves the separator");
    free(buf);
}

static void test_dedupe(void)
{
    gt_dedupe d;
    gt_dedupe_init(&d);
    CHECK(gt_dedupe_check(&d, "1", 1, "A title", 7, "Some abstract.", 14) == GT_DUP_NONE,
          "dedupe: first record kept");
    CHECK(gt_dedupe_check(&d, "1", 1, "Other", 5, "Other text.", 11) == GT_DUP_ID,
          "dedupe: same id dropped");
    CHECK(gt_dedupe_check(&d, "2", 1, "a TITLE", 7, "Some\n  abstract", 15) == GT_DUP_TEXT,
          "dedupe: same text up to case/spacing/punctuation dropped");
    CHECK(gt_dedupe_check(&d, "2", 1, "New", 3, "Fresh.", 6) == GT_DUP_ID,
          "dedupe: id of a text duplicate is remembered (first one seen wins)");
    CHECK(gt_dedupe_check(&d, "3", 1, "A titleSome", 11, "abstract", 8) == GT_DUP_NONE,
          "dedupe: title/abstract boundary matters");
    CHECK(gt_dedupe_check(&d, "4", 1, "...", 3, "!!!", 3) == GT_DUP_NONE &&
          gt_dedupe_check(&d, "5", 1, "??", 2, "--", 2) == GT_DUP_NONE,
          "dedupe: texts without letters or digits are not compared");
    gt_dedupe_free(&d);
    CHECK(d.acct.cur == 0, "dedupe: free returns all memory");
}

static void test_split_parse(void)
{
    uint64_t w[3];
    CHECK(gt_split_parse("98:1:1", w) == 3 && w[0] == 98 && w[1] == 1 && w[2] == 1, "split: A:B:C");
    CHECK(gt_split_parse("9:1", w) == 2 && w[0] == 9 && w[1] == 1 && w[2] == 0, "split: A:B");
    CHECK(gt_split_parse("0:0:1", w) == 3, "split: zero weights allowed");
    CHECK(gt_split_parse("0:0:0", w) == -1, "split: all zero rejected");
    CHECK(gt_split_parse("98", w) == -1, "split: one weight rejected");
    CHECK(gt_split_parse("1:2:3:4", w) == -1, "split: four weights rejected");
    CHECK(gt_split_parse("1::2", w) == -1 && gt_split_parse("1:2:", w) == -1 &&
          gt_split_parse(":1:2", w) == -1 && gt_split_parse("-1:2", w) == -1 &&
          gt_split_parse("1.5:2", w) == -1 && gt_split_parse("", w) == -1,
          "split: malformed rejected");
    CHECK(gt_split_parse("1000001:1", w) == -1, "split: huge weight rejected");
}

static void test_split_assign(void)
{
    gt_split sp;
    memset(&sp, 0, sizeof sp);
    sp.w[0] = 98; sp.w[1] = 1; sp.w[2] = 1;
    int cnt[3] = { 0, 0, 0 }, stable = 1;
    char id[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(id, sizeof id, "%04d.%05d", 1000 + i / 3000, i);
        int s = gt_split_assign(&sp, id, (size_t)n, NULL, 0);
        cnt[s]++;
        if (gt_split_assign(&sp, id, (size_t)n, NULL, 0) != s) stable = 0;
    }
    CHECK(stable, "assign: same id, same split");
    CHECK(cnt[0] > 97500 && cnt[0] < 98500 && cnt[1] > 800 && cnt[1] < 1200 &&
          cnt[2] > 800 && cnt[2] < 1200, "assign: 98:1:1 proportions");

    /* the seed changes assignments */
    int diff = 0;
    for (int i = 0; i < 10000; i++) {
        int n = snprintf(id, sizeof id, "x%d", i);
        sp.seed = 0;
        int a = gt_split_assign(&sp, id, (size_t)n, NULL, 0);
        sp.seed = 1;
        int b = gt_split_assign(&sp, id, (size_t)n, NULL, 0);
        diff += a != b;
    }
    CHECK(diff > 200 && diff < 600, "assign: another seed moves about 4% of records");

    sp.w[0] = 1; sp.w[1] = 0; sp.w[2] = 0; sp.seed = 0;
    int all_train = 1;
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(id, sizeof id, "y%d", i);
        if (gt_split_assign(&sp, id, (size_t)n, NULL, 0) != GT_SPLIT_TRAIN) all_train = 0;
    }
    CHECK(all_train, "assign: 1:0:0 puts all in train");

    /* time split */
    memset(&sp, 0, sizeof sp);
    sp.w[0] = 1; sp.w[1] = 0; sp.w[2] = 5;   /* w[2] ignored under a time split */
    memcpy(sp.test_since, "2020-01-01", 11);
    CHECK(gt_split_assign(&sp, "a", 1, "2020-01-01", 10) == GT_SPLIT_TEST, "time: on the date is test");
    CHECK(gt_split_assign(&sp, "a", 1, "2021-06-30", 10) == GT_SPLIT_TEST, "time: after is test");
    CHECK(gt_split_assign(&sp, "a", 1, "2019-12-31", 10) == GT_SPLIT_TRAIN, "time: before is train");
    CHECK(gt_split_assign(&sp, "a", 1, NULL, 0) == GT_SPLIT_SKIP, "time: no date is skipped");
    CHECK(gt_split_assign(&sp, "a", 1, "2019-13-01", 10) == GT_SPLIT_SKIP, "time: bad date skipped");
    memcpy(sp.val_since, "2019-06-01", 11);
    CHECK(gt_split_assign(&sp, "a", 1, "2019-06-01", 10) == GT_SPLIT_VAL, "time: val window start");
    CHECK(gt_split_assign(&sp, "a", 1, "2019-12-31", 10) == GT_SPLIT_VAL, "time: val window end");
    CHECK(gt_split_assign(&sp, "a", 1, "2019-05-31", 10) == GT_SPLIT_TRAIN, "time: before val is train");
    CHECK(gt_split_assign(&sp, "a", 1, "2020-01-01", 10) == GT_SPLIT_TEST, "time: test wins over val");
}

int main(void)
{
    test_hset();
    test_normalise();
    test_dedupe();
    test_split_parse();
    test_split_assign();
    T_END();
}
