/* test_clean.c - lib/text/clean.c rules with hand-written expected strings. */
#include "t.h"
#include "text/clean.h"
#include "io/record.h"

#include <stdlib.h>

static gt_cleaner *mk(gt_latex_mode m)
{
    gt_clean_opts o;
    gt_clean_opts_default(&o);
    o.latex = m;
    return gt_cleaner_new(&o);
}

static const char *cl(gt_cleaner *c, gt_text_kind k, const char *s)
{
    size_t n;
    return gt_clean_text(c, k, s, strlen(s), &n);
}
#define A(c, s) cl(c, GT_TEXT_ABSTRACT, s)
#define T(c, s) cl(c, GT_TEXT_TITLE, s)

int main(void)
{
    gt_cleaner *k = mk(GT_LATEX_KEEP), *s = mk(GT_LATEX_STRIP), *x = mk(GT_LATEX_TEXT);

    /* whitespace */
    CHECK_STR(A(k, "  A fully differential\ncalculation\n  is\tpresented.\n"),
              "A fully differential calculation is presented.", "ws: dump wraps and indent");
    CHECK_STR(A(k, "a\xc2\xa0" "b\xe2\x80\x89" "c\xe3\x80\x80" "d\r\n e"), "a b c d e", "ws: unicode spaces");
    CHECK_STR(A(k, "caf\xc3\xa9 \xe2\x80\x8b x"), "caf\xc3\xa9 \xe2\x80\x8b x", "ws: U+200B is not a space");
    CHECK_STR(A(k, " \n\t "), "", "ws: only spaces -> empty");

    /* keep */
    CHECK_STR(A(k, "the $\\alpha$  decay of Schr\\\"odinger"), "the $\\alpha$ decay of Schr\\\"odinger",
              "keep: TeX untouched");

    /* accents (strip and text) */
    CHECK_STR(A(x, "Bal\\'azs Schr\\\"odinger {\\\"o} \\\"{u} \\c{c} \\~n \\v{s} \\H{o} \\`e \\^o \\=a \\.z"),
              "Balázs Schrödinger ö ü ç ñ š ő è ô ā ż", "accents: forms");
    CHECK_STR(A(x, "Stra\\ss e, Bj\\o rn, {\\o}, \\AA ngstr\\\"om, \\l\\'od\\'z, \\'\\i, \\ae"),
              "Straße, Bjørn, ø, Ångström, łódź, í, æ", "accents: letters and dotless i");
    CHECK_STR(A(s, "Erd\\H{o}s--R\\'enyi"), "Erdős--Rényi", "accents: strip too; -- kept");
    CHECK_STR(A(x, "\\'x"), "x\xcc\x81", "accents: no precomposed form -> combining mark");
    CHECK_STR(A(x, "the curvature \\k of"), "the curvature \\k of", "accents: \\k word not an accent");
    CHECK_STR(A(x, "/\\^{i+2}"), "/i+2", "accents: accent on a group dropped");

    /* text mode */
    CHECK_STR(A(x, "$\\alpha \\times \\beta \\leq \\Gamma$ and $x \\to \\infty$"),
              "α × β ≤ Γ and x → ∞", "text: greek and operators");
    CHECK_STR(A(x, "$a \\pm b \\sim c \\approx d \\geq \\ell \\cdot e$"), "a ± b ∼ c ≈ d ≥ ℓ · e",
              "text: more operators");
    CHECK_STR(A(x, "$\\mathcal{X}$, $\\mathrm{d}$, \\textbf{bold}, \\emph{it}, $\\text{if}$"),
              "X, d, bold, it, if", "text: style commands");
    CHECK_STR(A(x, "5\\% of R\\&D, {GPU}s"), "5% of R&D, GPUs", "text: escapes and braces");
    CHECK_STR(A(x, "$$E = mc^2$$ and \\(x_{ij}\\) and \\[y\\]"), "E = mc^2 and x_ij and y",
              "text: all four delimiters");
    CHECK_STR(A(x, "$\\frac{1}{2}$ $\\frac{a+b}{c}$ $\\frac12$"), "1/2 (a+b)/c 1/2", "text: frac");
    CHECK_STR(A(x, "$O(n\\log n)$ and $\\sin\\theta$"), "O(n log n) and sin θ", "text: function names");
    CHECK_STR(A(x, "as in \\cite{foo}, and in Eq.~\\ref{eq:1} we"), "as in, and in Eq. we", "text: cite/ref removed");
    CHECK_STR(A(x, "V.~Arnold costs ~100 GeV"), "V. Arnold costs ~100 GeV", "text: tie vs approx");
    CHECK_STR(A(x, "\\$5 and \\{a\\} and \\foo x"), "\\$5 and \\{a\\} and \\foo x",
              "text: \\$ \\{ \\} and unknown commands kept");
    CHECK_STR(A(x, "\\hat{x} \\unknown{y}"), "x y", "text: command with argument keeps the argument");
    CHECK_STR(A(x, "see \\href{http://a.b}{the code}"), "see the code", "text: href");

    /* strip mode */
    CHECK_STR(A(s, "Let $G$ be a group of order $n$, and $p$ a prime."),
              "Let be a group of order, and a prime.", "strip: math removed, spaces tidied");
    CHECK_STR(A(s, "the bound ($x \\le 1$) holds"), "the bound holds", "strip: empty parens removed");
    CHECK_STR(A(s, "$G$, the group"), "the group", "strip: leading punctuation");
    CHECK_STR(A(s, "with $$\\sum_i x_i$$ we"), "with we", "strip: display math");

    /* unbalanced */
    CHECK_STR(A(k, "costs $5 and more"), "costs $5 and more", "unbalanced: keep");
    CHECK_STR(A(s, "a $x$ b $ c d e"), "a b c d e", "unbalanced: strip keeps the text");
    CHECK_STR(A(x, "a $x$ b $ c \\alpha"), "a x b c α", "unbalanced: text keeps the text");

    /* titles */
    CHECK_STR(T(k, "On groups."), "On groups", "title: period stripped");
    CHECK_STR(T(k, "Wait for it..."), "Wait for it...", "title: ellipsis kept");
    CHECK_STR(T(k, "Smith et al."), "Smith et al.", "title: et al. kept");
    CHECK_STR(T(k, "Results from the U.S."), "Results from the U.S.", "title: U.S. kept");
    CHECK_STR(T(k, "Energy per nucleon (GeV/nucl.)"), "Energy per nucleon (GeV/nucl.)", "title: nucl. kept");
    CHECK_STR(T(k, "Calculation of\n  prompt diphoton production."), "Calculation of prompt diphoton production",
              "title: wrap and period");
    CHECK_STR(T(k, "A title . ."), "A title", "title: lone periods");
    CHECK_STR(A(k, "An abstract."), "An abstract.", "abstract: period kept");

    /* withdrawn */
    const char *wd[] = { "This paper has been withdrawn by the author due to a crucial sign error in equation 1.",
        "Withdrawn.", "This article has been withdrawn", "The paper is withdrawn.",
        "arXiv admin note: This submission has been withdrawn by arXiv administrators due to unprofessional language.",
        "This paper, which was concerned with a field-theoretic analysis, has been withdrawn by the authors.",
        "Paper withdrawn; ask me for details.",
        "Until we can assess the validity of the assumptions made we withdraw this paper.",
        "There have been gaps found in the proofs. The paper is withdrawn until further notice.", NULL };
    for (int i = 0; wd[i]; i++) CHECK(gt_clean_is_withdrawn(x, wd[i], strlen(wd[i])), wd[i]);
    const char *kept[] = { "When a solid plate is withdrawn from a liquid bath, a receding contact line forms.",
        "We study drug withdrawal symptoms in mice.", "This paper studies how water is withdrawn from aquifers.",
        "The ATM cash withdrawals of people were analysed.", "We retract nothing; this paper is new.", NULL };
    for (int i = 0; kept[i]; i++) CHECK(!gt_clean_is_withdrawn(x, kept[i], strlen(kept[i])), kept[i]);

    /* words */
    CHECK(gt_count_words("a b  c", 6) == 3 && gt_count_words("", 0) == 0, "count words");

    /* idempotence of a hard case */
    const char *hard = "  $$ x $ y {\\it z}~w \\frac{1}{\\sqrt{2}} \\'{e}t\\'e ($a$) \\cite{q}, 50~$\\mu$m.";
    for (int m = 0; m < 3; m++) {
        gt_cleaner *c = m == 0 ? k : m == 1 ? s : x;
        size_t n1, n2;
        char *once = strdup(gt_clean_text(c, GT_TEXT_ABSTRACT, hard, strlen(hard), &n1));
        const char *twice = gt_clean_text(c, GT_TEXT_ABSTRACT, once, n1, &n2);
        CHECK(n1 == n2 && memcmp(once, twice, n1) == 0, m == 0 ? "idempotent keep" : m == 1 ? "idempotent strip" : "idempotent text");
        free(once);
    }

    /* records */
    gt_rec r;
    gt_rec_init(&r);
    char err[160];
    unsigned ch;
    const char *line = "{\"id\":\"1\",\"title\":\"A\\n  title.\",\"abstract\":\"  one two\\nthree\",\"x\":1}";
    gt_rec_parse(&r, line, strlen(line), err, sizeof err);
    gt_clean_opts o;
    gt_clean_opts_default(&o);
    o.min_words = 3;
    gt_cleaner *c3 = gt_cleaner_new(&o);
    CHECK(gt_clean_record(c3, &r, &ch, err, sizeof err) == GT_CLEAN_KEEP && ch == 3, "record: kept, both changed");
    CHECK_STR(gt_rec_str(&r, "title", NULL), "A title", "record: title");
    CHECK_STR(gt_rec_str(&r, "abstract", NULL), "one two three", "record: abstract");
    o.min_words = 4;
    gt_cleaner *c4 = gt_cleaner_new(&o);
    gt_rec_parse(&r, line, strlen(line), err, sizeof err);
    CHECK(gt_clean_record(c4, &r, &ch, err, sizeof err) == GT_DROP_ABSTRACT_SHORT, "record: too short");
    const char *bad = "{\"id\":\"1\",\"title\":3,\"abstract\":\"x\"}";
    gt_rec_parse(&r, bad, strlen(bad), err, sizeof err);
    CHECK(gt_clean_record(c4, &r, &ch, err, sizeof err) == GT_CLEAN_MALFORMED, "record: title not a string");
    CHECK_STR(err, "\"title\" is not a string", "record: reason");
    const char *miss = "{\"id\":\"1\",\"title\":\"a b\"}";
    gt_rec_parse(&r, miss, strlen(miss), err, sizeof err);
    CHECK(gt_clean_record(c4, &r, &ch, err, sizeof err) == GT_CLEAN_MALFORMED, "record: missing abstract");
    CHECK_STR(err, "missing \"abstract\"", "record: missing reason");
    gt_rec_free(&r);

    gt_cleaner_free(c3); gt_cleaner_free(c4);
    gt_cleaner_free(k); gt_cleaner_free(s); gt_cleaner_free(x);
    T_END();
}
