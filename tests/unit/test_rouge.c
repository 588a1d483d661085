/* test_rouge.c - ROUGE-1/2/L, rouge-score's tokens, the Porter stemmer (NLTK's
 * default mode) and title-eval's sentence splitting, on cases worked out by
 * hand from the definitions.  Every stem and score below was also checked
 * against nltk's PorterStemmer / rouge_score's RougeScorer(use_stemmer=True)
 * (tests/reference/rouge_reference.py). */
#include "eval/porter.h"
#include "eval/rouge.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>

static char *stem(const char *w)
{
    static char buf[128];
    size_t n = strlen(w);
    memcpy(buf, w, n);
    n = gt_porter_stem(buf, n);
    buf[n] = 0;
    return buf;
}

static char *toks(gt_rouge *g, const char *s)
{
    static char buf[512];
    gt_rouge_seq q = { 0 };
    gt_rouge_tokenize(g, s, strlen(s), &q);
    buf[0] = 0;
    for (size_t i = 0; i < q.n; i++) {
        if (i) strcat(buf, " ");
        strcat(buf, gt_rouge_word(g, q.id[i], NULL));
    }
    gt_rouge_seq_free(&q);
    return buf;
}

static int near(gt_prf x, double p, double r, double f)
{
    return fabs(x.p - p) < 1e-12 && fabs(x.r - r) < 1e-12 && fabs(x.f - f) < 1e-12;
}

static char *first_sentence(const char *text)
{
    static char buf[512];
    size_t n = gt_rouge_squeeze(text, strlen(text), buf, 0);
    buf[gt_rouge_sentence_end(buf, n, 0)] = 0;
    return buf;
}

int main(void)
{
    /* --- Porter stemmer (NLTK_EXTENSIONS) --- */
    static const char *const stems[][2] = {
        /* step 1a: sses -> ss, ies -> i, s -> "" */
        { "caresses", "caress" }, { "ponies", "poni" }, { "networks", "network" },
        { "studies", "studi" },
        /* NLTK: ies on a 4-letter word -> ie */
        { "dies", "die" },
        /* step 1b: (*v*) ing/ed, then at->ate, *d -> single letter, (m=1 and *o) -> e */
        { "running", "run" }, { "learning", "learn" }, { "motoring", "motor" },
        { "sing", "sing" }, { "plastered", "plaster" }, { "conflated", "conflat" },
        { "hopping", "hop" }, { "hissing", "hiss" }, { "filing", "file" }, { "failing", "fail" },
        /* (m>0) eed -> ee; NLTK: ied -> ie (4 letters) / i */
        { "agreed", "agre" }, { "feed", "feed" }, { "cried", "cri" }, { "spied", "spi" },
        /* step 1c (NLTK): y -> i after a consonant that is not the first letter */
        { "happy", "happi" }, { "enjoy", "enjoy" }, { "flies", "fli" },
        /* step 2 + 3 + 4 */
        { "generalization", "gener" }, { "generalizations", "gener" },
        { "relational", "relat" }, { "conditional", "condit" }, { "hopefulness", "hope" },
        { "vietnamization", "vietnam" }, { "operator", "oper" }, { "feudalism", "feudal" },
        { "sensibiliti", "sensibl" }, { "electrical", "electr" }, { "formative", "form" },
        { "adjustment", "adjust" }, { "adoption", "adopt" }, { "effective", "effect" },
        /* NLTK: logi -> log with the l in the measure */
        { "geology", "geolog" }, { "archaeology", "archaeolog" },
        /* step 5: e and ll */
        { "probate", "probat" }, { "rate", "rate" }, { "scale", "scale" }, { "controll", "control" },
        /* NLTK's irregular forms */
        { "dying", "die" }, { "skies", "sky" }, { "news", "news" }, { "innings", "inning" },
        { "succeed", "succeed" },
        /* a run of y's: alternating consonant / vowel */
        { "yyyy", "yyyi" },
    };
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        char name[80];
        snprintf(name, sizeof name, "stem %s", stems[i][0]);
        CHECK_STR(stem(stems[i][0]), stems[i][1], name);
    }
    CHECK(gt_porter_stem((char[]){ 'a', 's' }, 2) == 2, "stem two letters unchanged");

    gt_rouge *g = gt_rouge_new(1);
    /* --- tokens: lower-case, non [a-z0-9] separates, stem only beyond 3 letters --- */
    CHECK_STR(toks(g, "GPT-3: A Large-Scale Model"), "gpt 3 a larg scale model", "tokens punctuation");
    CHECK_STR(toks(g, "was is the runs"), "was is the run", "tokens short words not stemmed");
    /* o-umlaut is not [a-z0-9]: it splits the word, as in rouge-score */
    CHECK_STR(toks(g, "Schr\xc3\xb6" "dinger equations"), "schr dinger equat", "tokens non-ASCII dropped");
    /* U+0130 lower-cases to i + combining dot; U+212A (Kelvin) to k */
    CHECK_STR(toks(g, "\xc4\xb0stanbul 5\xe2\x84\xaa"), "i stanbul 5k", "tokens U+0130 U+212A");
    CHECK_STR(toks(g, "ab\xff" "cd \xc3"), "ab cd", "tokens invalid UTF-8 separates");
    CHECK_STR(toks(g, " !!! "), "", "tokens none");

    gt_rouge_scores s;
    /* ref: the cat sat on the mat (6 unigrams, 5 bigrams); hyp: the cat on the mat (5, 4).
     * unigrams shared: the x2, cat, on, mat = 5: P = 5/5, R = 5/6, F = 2(5/6)/(11/6) = 10/11.
     * bigrams shared: the-cat, on-the, the-mat = 3: P = 3/4, R = 3/5, F = 0.9/1.35 = 2/3.
     * LCS "the cat on the mat" = 5: as ROUGE-1. */
    s = gt_rouge_text(g, "the cat sat on the mat", 22, "the cat on the mat", 18);
    CHECK(near(s.r1, 1, 5.0 / 6, 10.0 / 11), "rouge1 basic");
    CHECK(near(s.r2, 0.75, 0.6, 2.0 / 3), "rouge2 basic");
    CHECK(near(s.rl, 1, 5.0 / 6, 10.0 / 11), "rougeL basic");
    /* clipping: ref "a a b", hyp "a a a a": unigram a counts min(2, 4) = 2:
     * P = 2/4, R = 2/3, F = (2/3)/(7/6) = 4/7; bigram "a a" min(1, 3) = 1 of 3 hyp, 2 ref:
     * P = 1/3, R = 1/2, F = (1/3)/(5/6) = 2/5; LCS "a a" = 2: as ROUGE-1. */
    s = gt_rouge_text(g, "a a b", 5, "a a a a", 7);
    CHECK(near(s.r1, 0.5, 2.0 / 3, 4.0 / 7), "rouge1 clipped");
    CHECK(near(s.r2, 1.0 / 3, 0.5, 0.4), "rouge2 clipped");
    CHECK(near(s.rl, 0.5, 2.0 / 3, 4.0 / 7), "rougeL clipped");
    /* stemming makes these equal: running/run -> run, generalization(s) -> gener */
    s = gt_rouge_text(g, "Running generalizations", 23, "run generalization", 18);
    CHECK(near(s.r1, 1, 1, 1) && near(s.r2, 1, 1, 1) && near(s.rl, 1, 1, 1), "rouge stemming");
    /* word order: all unigrams shared, no bigram, LCS 1 of 5 */
    s = gt_rouge_text(g, "a b c d e", 9, "e d c b a", 9);
    CHECK(near(s.r1, 1, 1, 1), "rouge1 reversed");
    CHECK(near(s.r2, 0, 0, 0), "rouge2 reversed");
    CHECK(near(s.rl, 0.2, 0.2, 0.2), "rougeL reversed");
    /* LCS with gaps: a c d (3) of hyp 5, ref 4: F = 2(.6)(.75)/1.35 = 2/3 */
    s = gt_rouge_text(g, "a b c d", 7, "a x c y d", 9);
    CHECK(near(s.rl, 0.6, 0.75, 2.0 / 3), "rougeL gaps");
    /* ref: deep network for learn; hyp: learn deep network.
     * R1: 3 shared: P 3/3, R 3/4, F 6/7.  R2: deep-network: P 1/2, R 1/3, F 2/5.
     * LCS "deep network" 2: P 2/3, R 2/4, F 4/7. */
    s = gt_rouge_text(g, "Deep Networks for Learning", 26, "learning deep networks", 22);
    CHECK(near(s.r1, 1, 0.75, 6.0 / 7), "rouge1 stems order");
    CHECK(near(s.r2, 0.5, 1.0 / 3, 0.4), "rouge2 stems order");
    CHECK(near(s.rl, 2.0 / 3, 0.5, 4.0 / 7), "rougeL stems order");
    /* empty sides score 0 */
    s = gt_rouge_text(g, "x", 1, "", 0);
    CHECK(near(s.r1, 0, 0, 0) && near(s.r2, 0, 0, 0) && near(s.rl, 0, 0, 0), "rouge empty hyp");
    s = gt_rouge_text(g, "", 0, "x", 1);
    CHECK(near(s.r1, 0, 0, 0) && near(s.rl, 0, 0, 0), "rouge empty ref");
    s = gt_rouge_text(g, "", 0, "", 0);
    CHECK(near(s.r1, 0, 0, 0) && near(s.rl, 0, 0, 0), "rouge both empty");
    s = gt_rouge_text(g, "!!!", 3, "x", 1);
    CHECK(near(s.r1, 0, 0, 0), "rouge ref without tokens");
    /* a single token: no bigram on either side gives P = R = 0 */
    s = gt_rouge_text(g, "model", 5, "models", 6);
    CHECK(near(s.r1, 1, 1, 1) && near(s.r2, 0, 0, 0), "rouge single token");
    gt_rouge_free(g);

    gt_rouge *ns = gt_rouge_new(0);
    CHECK_STR(toks(ns, "Running Models"), "running models", "tokens no stemming");
    gt_rouge_free(ns);

    /* --- whitespace and sentences --- */
    char buf[64];
    CHECK(gt_rouge_squeeze("  A\n  b\t\tC  ", 12, buf, 1) == 5 && strcmp(buf, "a b c") == 0, "squeeze lower");
    CHECK(gt_rouge_count_words("a bc d", 6) == 3, "count words");
    CHECK_STR(first_sentence("We study X-rays. It works."), "We study X-rays.", "sentence basic");
    CHECK_STR(first_sentence("One model! Two."), "One model!", "sentence bang");
    CHECK_STR(first_sentence("We use e.g. Bayes. Then"), "We use e.g. Bayes.", "sentence e.g.");
    CHECK_STR(first_sentence("See Fig. 2 and Eq. 3 here. Then"), "See Fig. 2 and Eq. 3 here.", "sentence Fig. Eq.");
    CHECK_STR(first_sentence("As Smith et al. Showed, it holds. Then"), "As Smith et al. Showed, it holds.",
              "sentence et al.");
    CHECK_STR(first_sentence("By J. Smith in the U.S. Army. Then"), "By J. Smith in the U.S. Army.",
              "sentence initials");
    CHECK_STR(first_sentence("It is 95.3 percent. 4 more"), "It is 95.3 percent.", "sentence digit next");
    CHECK_STR(first_sentence("It is good (see below). Then"), "It is good (see below).", "sentence paren");
    CHECK_STR(first_sentence("He said \"stop.\" Then"), "He said \"stop.\"", "sentence quote");
    CHECK_STR(first_sentence("lower. case next"), "lower. case next", "sentence lower-case next");
    CHECK_STR(first_sentence("No end here"), "No end here", "sentence no end");
    CHECK_STR(first_sentence(""), "", "sentence empty");
    T_END();
}
