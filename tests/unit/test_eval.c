/* test_eval.c - title-eval's library (lib/eval): percentiles and the paired
 * bootstrap, the string map, one example's scores and baselines, the fields
 * of input lines, and the summaries of results, on cases worked out by hand. */
#include "eval/bootstrap.h"
#include "eval/inputs.h"
#include "eval/results.h"
#include "eval/scorer.h"
#include "eval/strmap.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>

static int near(double x, double y) { return fabs(x - y) < 1e-9; }

static void test_percentile(void)
{
    const double v4[] = { 1, 2, 3, 4 };
    CHECK(gt_percentile(v4, 4, 0) == 1, "percentile 0 is the least");
    CHECK(gt_percentile(v4, 4, 1) == 4, "percentile 1 is the largest");
    /* pos = q (n - 1): 0.5 * 3 = 1.5 -> halfway between 2 and 3 */
    CHECK(near(gt_percentile(v4, 4, 0.5), 2.5), "percentile median between ranks");
    /* 0.25 * 3 = 0.75 -> 1 + 0.75 (2 - 1) */
    CHECK(near(gt_percentile(v4, 4, 0.25), 1.75), "percentile quarter interpolated");
    const double one[] = { 7 };
    CHECK(gt_percentile(one, 1, 0.025) == 7 && gt_percentile(one, 1, 0.975) == 7, "percentile of one value");
    /* 0..9: 0.025 * 9 = 0.225, 0.975 * 9 = 8.775: the values themselves */
    double v10[10];
    for (int i = 0; i < 10; i++) v10[i] = i;
    CHECK(near(gt_percentile(v10, 10, 0.025), 0.225), "percentile 2.5% of 0..9");
    CHECK(near(gt_percentile(v10, 10, 0.975), 8.775), "percentile 97.5% of 0..9");
    const double uneven[] = { 0, 10, 30 };
    /* 0.75 * 2 = 1.5 -> 10 + 0.5 (30 - 10) */
    CHECK(near(gt_percentile(uneven, 3, 0.75), 20), "percentile uneven gaps");
}

static void test_bootstrap(void)
{
    double lo[2], hi[2];
    /* a constant column resamples to itself */
    const double same[] = { 5, 5, 5, 5 };
    gt_bootstrap(same, 4, 1, 200, 1, 0.025, 0.975, lo, hi);
    CHECK(lo[0] == 5 && hi[0] == 5, "bootstrap constant column");
    /* one example: every resample is that example */
    const double single[] = { 3, 8 };
    gt_bootstrap(single, 1, 2, 50, 9, 0.025, 0.975, lo, hi);
    CHECK(lo[0] == 3 && hi[0] == 3 && lo[1] == 8 && hi[1] == 8, "bootstrap one example");
    /* two examples 0 and 1: a resample's mean is 0, 0.5 or 1 with odds 1/4,
     * 1/2, 1/4; of 10000 sorted means the ranks 249-250 are 0 and 9749-9750
     * are 1 unless the draws are far from uniform */
    const double two[] = { 0, 1 };
    gt_bootstrap(two, 2, 1, 10000, 1, 0.025, 0.975, lo, hi);
    CHECK(lo[0] == 0 && hi[0] == 1, "bootstrap two examples: 0 and 1");
    gt_bootstrap(two, 2, 1, 10000, 1, 0.3, 0.7, lo, hi);
    CHECK(lo[0] == 0.5 && hi[0] == 0.5, "bootstrap two examples: the middle half is 0.5");
    /* paired: column 2 is twice column 1 in every row, so with the same
     * examples drawn for both its bounds are exactly twice column 1's */
    double rows[2 * 40];
    for (int i = 0; i < 40; i++) {
        rows[2 * i] = (double)((i * 37) % 11);
        rows[2 * i + 1] = 2 * rows[2 * i];
    }
    gt_bootstrap(rows, 40, 2, 300, 42, 0.025, 0.975, lo, hi);
    CHECK(lo[1] == 2 * lo[0] && hi[1] == 2 * hi[0], "bootstrap paired columns");
    CHECK(lo[0] < hi[0] && lo[0] >= 0 && hi[0] <= 10, "bootstrap interval inside the data");
    /* the seed picks the draws: the same seed the same interval */
    double lo2[2], hi2[2];
    gt_bootstrap(rows, 40, 2, 300, 42, 0.025, 0.975, lo2, hi2);
    CHECK(lo2[0] == lo[0] && hi2[0] == hi[0], "bootstrap same seed same interval");
}

static void test_strmap(void)
{
    gt_strmap m = { 0 };
    CHECK(gt_strmap_slot(&m, "x", 0) == NULL, "strmap empty lookup");
    int *a = gt_strmap_slot(&m, "alpha", 1);
    CHECK(a && *a == -1, "strmap new key is -1");
    *a = 7;
    CHECK(*gt_strmap_slot(&m, "alpha", 1) == 7 && m.n == 1, "strmap insert existing keeps value");
    CHECK(gt_strmap_slot(&m, "beta", 0) == NULL && m.n == 1, "strmap lookup does not insert");
    /* enough keys to grow the table several times */
    char k[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof k, "key%d", i);
        *gt_strmap_slot(&m, k, 1) = i;
    }
    int ok = m.n == 1001 && m.cap >= 2 * m.n;
    for (int i = 0; i < 1000 && ok; i++) {
        snprintf(k, sizeof k, "key%d", i);
        int *s = gt_strmap_slot(&m, k, 0);
        ok = s && *s == i;
    }
    CHECK(ok, "strmap 1000 keys after growing");
    CHECK(*gt_strmap_slot(&m, "alpha", 0) == 7, "strmap old key survives growing");
    CHECK(gt_strmap_slot(&m, "key1000", 0) == NULL, "strmap absent key");
    CHECK(*gt_strmap_slot(&m, "", 1) == -1 && m.n == 1002, "strmap empty string is a key");
    gt_strmap_free(&m);
    CHECK(m.n == 0 && m.cap == 0 && gt_strmap_slot(&m, "alpha", 0) == NULL, "strmap freed is empty");
}

static void test_scorer(void)
{
    gt_scorer S;
    gt_scorer_init(&S, 1);
    /* reference tokens: colour planar graph. Sentences: "We study graphs."
     * (we studi graph), "Our method colours planar graphs quickly." (our method
     * colour planar graph quickli), "It works." */
    gt_scorer_example(&S, "Colouring planar  graphs",
                      "We study graphs.  Our method colours planar graphs quickly.\nIt works.");
    gt_sysres first, lead, oracle, r;
    gt_scorer_baselines(&S, &first, &lead, &oracle);
    /* first: 1 of 3 unigrams, no bigram */
    CHECK(near(first.f[0], 100.0 / 3) && first.f[1] == 0 && near(first.f[2], 100.0 / 3), "scorer first sentence");
    CHECK(first.words == 3 && first.verbatim == 1, "scorer first sentence words, verbatim");
    /* lead: the whole abstract (11 words < 12): R-1 P = 3/11, R = 1, F = 3/7 */
    CHECK(near(lead.f[0], 300.0 / 7) && lead.words == 11, "scorer lead words");
    /* oracle: the second sentence: R-1 P = 3/6, R = 1, F = 2/3; R-2 2 of 5
     * bigrams and both of the reference's: F = 4/7; LCS 3: as R-1 */
    CHECK(near(oracle.f[0], 200.0 / 3) && near(oracle.f[1], 400.0 / 7) && near(oracle.f[2], 200.0 / 3),
          "scorer oracle sentence");
    CHECK(oracle.words == 6, "scorer oracle words");
    gt_scorer_score(&S, "planar graphs", 13, &r);
    /* P = 1, R = 2/3: F = 0.8; bigram planar-graph 1 of 1, 1 of 2: F = 2/3 */
    CHECK(near(r.f[0], 80) && near(r.f[1], 200.0 / 3) && near(r.f[2], 80), "scorer hypothesis");
    CHECK(r.words == 2 && r.verbatim == 1, "scorer hypothesis verbatim");
    CHECK(gt_scorer_verbatim(&S, "PLANAR   Graphs quickly", 23) == 1, "scorer verbatim ignores case and spaces");
    CHECK(gt_scorer_verbatim(&S, "Colouring planar graphs", 23) == 0, "scorer not verbatim");
    CHECK(gt_scorer_verbatim(&S, "  ", 2) == 0, "scorer empty is not verbatim");
    CHECK(gt_scorer_words(&S, " a  b c ", 8) == 3, "scorer words");
    /* degenerate titles: hand-counted */
#define DEG(t) gt_scorer_degen(&S, t, strlen(t), gt_scorer_words(&S, t, strlen(t)))
    CHECK(DEG("") == GT_DEGEN_EMPTY && DEG("  ") == GT_DEGEN_EMPTY, "degen: empty");
    CHECK(DEG("Deep learning for deep graphs of deep nets") == GT_DEGEN_REPEAT, "degen: a word 3 times");
    CHECK(DEG("Deep learning for deep graphs") == 0, "degen: a word twice is fine");
    CHECK(DEG("The evolution of the Earth-Moon system based on the dark matter of a fluid of stars") == 0,
          "degen: function words may repeat");
    CHECK(DEG("Graphs: graph GRAPH") == GT_DEGEN_REPEAT, "degen: repeats counted on stemmed, lower-cased tokens");
    CHECK(r.degen == 0, "degen: a plain title");
    {
        char t[400] = "";
        for (int i = 0; i < 30; i++) { char w[16]; snprintf(w, sizeof w, "w%d ", i); strcat(t, w); }
        CHECK(DEG(t) == 0, "degen: 30 distinct words are not over 30");
        strcat(t, "w30");
        CHECK(DEG(t) == GT_DEGEN_LONG, "degen: 31 distinct words are over 30");
        strcat(t, " w1 w1 w2");
        CHECK(DEG(t) == (GT_DEGEN_LONG | GT_DEGEN_REPEAT), "degen: long and repeating at once");
    }
#undef DEG
    /* 14 words: the lead stops at the 12th */
    gt_scorer_example(&S, "x", "a b c d e f g h i j k l m n");
    gt_scorer_baselines(&S, &first, &lead, &oracle);
    CHECK(lead.words == 12, "scorer lead is 12 words");
    gt_scorer_free(&S);
}

static yajl_val parse(const char *s, char *err)
{
    gt_buf tmp = { 0 };
    yajl_val v = gt_input_parse(&tmp, s, strlen(s), err, 200);
    gt_buf_free(&tmp);
    return v;
}

static void test_inputs(void)
{
    char err[200] = "", cat[16];
    CHECK(parse("[1]", err) == NULL && strcmp(err, "not a JSON object") == 0, "inputs not an object");
    CHECK(parse("{\"a\":", err) == NULL && strncmp(err, "invalid JSON: ", 14) == 0 && !strchr(err, '\n'),
          "inputs invalid JSON on one line");
    yajl_val v = parse("{\"id\": 12, \"titles\": [{\"title\": \"T\"}], \"categories\": \"  math.CO cs.DM\"}", err);
    CHECK(v && strcmp(gt_input_id(v), "12") == 0, "inputs numeric id as written");
    CHECK_STR(gt_input_hyp(v, err, sizeof err), "T", "inputs hypothesis from titles objects");
    gt_input_category(v, cat, sizeof cat);
    CHECK_STR(cat, "math.CO", "inputs category from a string");
    yajl_tree_free(v);
    v = parse("{\"titles\": [], \"primary_category\": \"\", \"categories\": [\"cs.LG\"]}", err);
    CHECK_STR(gt_input_hyp(v, err, sizeof err), "", "inputs no titles is empty");
    gt_input_category(v, cat, sizeof cat);
    CHECK_STR(cat, "cs.LG", "inputs category from an array");
    CHECK(gt_input_id(v) == NULL, "inputs no id");
    yajl_tree_free(v);
    v = parse("{\"titles\": \"x\", \"primary_category\": \"a-very-long-category-name\"}", err);
    CHECK(gt_input_hyp(v, err, sizeof err) == NULL && strcmp(err, "\"titles\" is not an array") == 0,
          "inputs titles not an array");
    gt_input_category(v, cat, sizeof cat);
    CHECK_STR(cat, "a-very-long-cat", "inputs category cut to its room");
    yajl_tree_free(v);
    v = parse("{\"output\": \"O\", \"input\": \"I\"}", err);
    const char *t, *a;
    CHECK(gt_input_ref(v, &t, &a, err, sizeof err) == 0 && strcmp(t, "O") == 0 && strcmp(a, "I") == 0,
          "inputs reference from a pair");
    CHECK_STR(gt_input_hyp(v, err, sizeof err), "O", "inputs hypothesis from output");
    gt_input_category(v, cat, sizeof cat);
    CHECK_STR(cat, "(none)", "inputs no category");
    yajl_tree_free(v);
    v = parse("{\"title\": \"T\"}", err);
    CHECK(gt_input_ref(v, &t, &a, err, sizeof err) == -1 && strcmp(err, "no \"abstract\" or \"input\" field") == 0,
          "inputs reference without abstract");
    yajl_tree_free(v);
}

static void test_results(void)
{
    gt_results R = { .nsys = 2, .sys = { "a", "b" } };
    /* example scores: system a (10, 20, 30) + i, system b twice those */
    const char *cats[] = { "y", "x", "z", "y", "z" };
    for (int i = 0; i < 5; i++) {
        /* a: example 1 empty, 2 long and repeating; b: 3 repeating; the reference: 4 long */
        int da = i == 1 ? GT_DEGEN_EMPTY : i == 2 ? GT_DEGEN_LONG | GT_DEGEN_REPEAT : 0;
        gt_sysres s[2] = { { { 10 + i, 20 + i, 30 + i }, 2, i == 0, da },
                           { { 20 + 2 * i, 40 + 2 * i, 60 + 2 * i }, 4, 0, i == 3 ? GT_DEGEN_REPEAT : 0 } };
        gt_results_push(&R, s, 10, i < 2, i == 4 ? GT_DEGEN_LONG : 0, gt_results_cat(&R, cats[i]));
    }
    CHECK(R.n == 5 && R.ncat == 3 && gt_results_cat(&R, "x") == 1, "results categories indexed");
    gt_summary sm;
    gt_results_summarize(&R, 0, 1, &sm);
    /* means of 10..14 = 12, of 20..28 step 2 = 24 */
    CHECK(near(sm.mean[0][0], 12) && near(sm.mean[0][2], 32) && near(sm.mean[1][1], 44), "results means");
    CHECK(sm.words[0] == 2 && sm.words[1] == 4 && sm.words[2] == 10, "results mean words");
    CHECK(near(sm.verb[0], 20) && sm.verb[1] == 0 && near(sm.verb[2], 40), "results verbatim percent");
    CHECK(near(sm.empty[0], 20) && near(sm.longer[0], 20) && near(sm.repeat[0], 20) && sm.empty[1] == 0 &&
              sm.longer[1] == 0 && near(sm.repeat[1], 20) && near(sm.longer[2], 20) && sm.repeat[2] == 0,
          "results degenerate percents (empty, over 30 words, a word 3 times), verbatim kept apart");
    gt_results_summarize(&R, 100, 1, &sm);
    CHECK(sm.lo[0][0] >= 10 && sm.hi[0][0] <= 14 && sm.lo[0][0] <= 12 && sm.hi[0][0] >= 12, "results interval");
    CHECK(sm.lo[1][0] == 2 * sm.lo[0][0], "results intervals paired across systems");
    int nc;
    gt_catsum *c = gt_results_by_category(&R, &nc);
    /* y and z have 2 examples each (by name: y first), x has 1 */
    CHECK(nc == 3 && strcmp(c[0].name, "y") == 0 && strcmp(c[1].name, "z") == 0 && strcmp(c[2].name, "x") == 0,
          "results categories by count then name");
    /* y: examples 0 and 3 -> a's ROUGE-1 mean (10 + 13) / 2 */
    CHECK(c[0].n == 2 && near(c[0].mean[0][0], 11.5) && near(c[0].mean[1][0], 23), "results category means");
    free(c);
    gt_results_free(&R);
}

int main(void)
{
    test_percentile();
    test_bootstrap();
    test_strmap();
    test_scorer();
    test_inputs();
    test_results();
    T_END();
}
