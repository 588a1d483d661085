/* test_clean.c - cleanup rules against hand-written expectations. */
#include "t.h"
#include "clean.h"

#include <string.h>

static const char *run(gt_cleaner *c, const char *s, int title)
{
    size_t n;
    return gt_clean_text(c, 0, s, strlen(s), title, &n);
}

int main(void)
{
    char buf[64];
    const char *ws = "  a\n  b\t\tc \xc2\xa0 d  ";
    size_t n = gt_collapse_space(buf, ws, strlen(ws));
    buf[n] = 0;
    CHECK_STR(buf, "a b c d", "collapse: ASCII and NBSP runs, trimmed");
    CHECK(gt_count_words("one  two three", 14) == 3 && gt_count_words("", 0) == 0 && gt_count_words("  ", 2) == 0,
          "count words");

    gt_clean_opts o;
    gt_clean_opts_default(&o);
    CHECK(o.min_words == 20 && o.max_words == 600 && o.title_min_words == 2 && o.title_max_words == 40,
          "default bounds");
    gt_cleaner *keep = gt_cleaner_new(&o);
    CHECK_STR(run(keep, "Cross sections at Tevatron and\n  LHC energies.", 1), "Cross sections at Tevatron and LHC energies",
              "keep: title wrap and final period");
    CHECK_STR(run(keep, "Sch\\\"odinger $\\alpha$", 0), "Sch\\\"odinger $\\alpha$", "keep: TeX untouched");
    CHECK_STR(run(keep, "Results of Smith et al.", 1), "Results of Smith et al.", "title: et al. keeps its period");
    CHECK_STR(run(keep, "To be continued...", 1), "To be continued...", "title: ellipsis kept");
    CHECK(gt_clean_is_withdrawn(keep, "This paper has been withdrawn by the author.", 44), "withdrawn: classic");
    CHECK(gt_clean_is_withdrawn(keep, "Withdrawn", 9), "withdrawn: single word");
    const char *w3 = "This manuscript, which studied X, has been withdrawn by the authors.";
    CHECK(gt_clean_is_withdrawn(keep, w3, strlen(w3)), "withdrawn: clause between");
    const char *k1 = "When a solid plate is withdrawn from a liquid bath, a contact line forms.";
    CHECK(!gt_clean_is_withdrawn(keep, k1, strlen(k1)), "withdrawn: physical sense kept");
    const char *k2 = "We study drug withdrawal.";
    CHECK(!gt_clean_is_withdrawn(keep, k2, strlen(k2)), "withdrawn: withdrawal kept");
    gt_cleaner_free(keep);

    o.latex = GT_LATEX_TEXT;
    gt_cleaner *text = gt_cleaner_new(&o);
    CHECK_STR(run(text, "Erd\\H{o}s, Pe\\~na, {\\'E}cole, G\\\"{o}bel, \\c{c}a, \\v Sk, Stra\\ss e, \\'\\i", 0),
              "Erd\xc5\x91s, Pe\xc3\xb1" "a, \xc3\x89" "cole, G\xc3\xb6" "bel, \xc3\xa7" "a, \xc5\xa0k, Stra\xc3\x9f" "e, \xc3\xad",
              "text: accents to precomposed letters");
    CHECK_STR(run(text, "the $O(n^2)$ bound and $(k,\\ell)$-sparse graphs", 0), "the O(n^2) bound and (k,\xe2\x84\x93)-sparse graphs",
              "text: inline math");
    CHECK_STR(run(text, "ratio $\\frac{1}{2}$ and $\\mathcal{O}(\\log n)$", 0), "ratio 1/2 and O(log n)", "text: frac and fonts");
    CHECK_STR(run(text, "50\\% of Q\\&A in \\textbf{82\\%} (see \\cite{a})", 0), "50% of Q&A in 82% (see)",
              "text: escapes, nested command, cite");
    CHECK_STR(run(text, "$$\\sum_i x_i \\leq \\infty$$ holds", 0), "\xe2\x88\x91_i x_i \xe2\x89\xa4 \xe2\x88\x9e holds",
              "text: display math");
    CHECK_STR(run(text, "a \\' b", 0), "a \\' b", "text: accent before a space is not an accent");
    gt_cleaner_free(text);

    o.latex = GT_LATEX_STRIP;
    gt_cleaner *strip = gt_cleaner_new(&o);
    CHECK_STR(run(strip, "for $\\alpha$-particles ($x$), with \\( y \\) and \\[ z \\] done.", 0),
              "for -particles, with and done.", "strip: math removed, punctuation tidied");
    gt_cleaner_free(strip);

    gt_clean_opts_default(&o);
    gt_cleaner *c = gt_cleaner_new(&o);
    const char *t, *a;
    size_t tl, al;
    const char *abs20 = "w w w w w w w w w w w w w w w w w w w w";
    CHECK(gt_clean_pair(c, "Two words", 9, abs20, strlen(abs20), &t, &tl, &a, &al) == GT_KEEP, "pair: kept at bounds");
    CHECK(gt_clean_pair(c, "One", 3, abs20, strlen(abs20), &t, &tl, &a, &al) == GT_DROP_TITLE_SHORT, "pair: title short");
    CHECK(gt_clean_pair(c, "Two words", 9, abs20, 37, &t, &tl, &a, &al) == GT_DROP_ABSTRACT_SHORT, "pair: abstract short");
    CHECK(gt_clean_pair(c, " ", 1, abs20, strlen(abs20), &t, &tl, &a, &al) == GT_DROP_EMPTY, "pair: empty title");
    gt_cleaner_free(c);
    T_END();
}
