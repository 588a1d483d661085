/* clean.c - title and abstract cleanup with pcre2 (JIT).
 *
 * Plain C does what needs no pattern (whitespace runs, word counts, final
 * periods); pcre2 finds TeX accents, math spans, text-mode commands and
 * withdrawal notices. Every buffer lives in the cleaner and is reused, so the
 * steady state allocates nothing. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "clean.h"
#include "util.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *p; size_t n, cap; } sbuf;

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->cap - b->n >= extra + 1) return;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->n < extra + 1) cap *= 2;
    b->p = gt_xrealloc(b->p, cap);
    b->cap = cap;
}
static void sb_add(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void sb_addc(sbuf *b, char ch) { sb_add(b, &ch, 1); }
static void sb_adds(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

enum { RX_ACCENT, RX_SPECIAL, RX_MATH, RX_TEXTCMD, RX_TIDY_PUNCT, RX_TIDY_EMPTY, RX_WITHDRAWN, RX_COUNT };

static const char *const rx_src[RX_COUNT] = {
    /* {\'a}  \'a  \'{a}  \"\i  \c{c}  \c c  {\v s} */
    [RX_ACCENT] = "(\\{)?\\\\(?:([\\x27`^\"~=.])|([cvuHrkdb])(?=[\\s{])\\s*)"
                  "(?:\\{\\s*(\\\\i|[A-Za-z])\\s*\\}|(\\\\i|[A-Za-z]))(?(1)\\})",
    /* {\ss} \ss{} \o \AA ... */
    [RX_SPECIAL] = "(\\{)?\\\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i)(?![A-Za-z])(?:\\{\\})?(?(1)\\}|[ ]?)",
    [RX_MATH] = "(?<!\\\\)\\$\\$(.+?)(?<!\\\\)\\$\\$|(?<!\\\\)\\$((?:\\\\.|[^$\\\\])+)\\$"
                "|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]",
    [RX_TEXTCMD] = "\\\\(?:emph|textit|textbf|textrm|texttt|textsc|textsf|textsl|textup|underline|mbox)"
                   "\\s*\\{([^{}]*)\\}|\\\\([%&#_])|\\\\(?:cite[pt]?|ref|eqref|label)\\s*\\{[^{}]*\\}()"
                   "|(?<!\\\\)~",
    [RX_TIDY_PUNCT] = "\\s+([,.;:!?)\\]])",
    [RX_TIDY_EMPTY] = "\\(\\s*[,;]?\\s*\\)|\\[\\s*\\]",
    [RX_WITHDRAWN] = "\\b(?:this|the)\\s+(?:paper|article|manuscript|submission|preprint)\\s+(?:has\\s+been|is|was)"
                     "\\s+withdrawn\\b|^\\W*(?:(?:arxiv\\s+)?admin\\s+note:\\s*)?(?:withdrawn\\b|(?:paper|article|preprint)\\s+(?:is\\s+|has\\s+been\\s+)?withdrawn\\b"
                     "|(?:this|the|our)\\s+(?:paper|article|manuscript|submission|preprints?|posting|comment"
                     "|note|work|version|letter|report|abstract)\\b[^.]{0,200}?\\b(?:has|have|had|is|was|are"
                     "|were)\\s+(?:been\\s+)?(?:\\w+\\s+)?withdrawn\\b)",
};

struct gt_cleaner {
    gt_clean_opts o;
    pcre2_code *rx[RX_COUNT];
    pcre2_match_data *md;
    sbuf out[2], a, b, prev;
};

void gt_clean_opts_default(gt_clean_opts *o)
{
    memset(o, 0, sizeof *o);
    o->latex = GT_LATEX_KEEP;
    o->min_words = 20;
    o->max_words = 600;
    o->title_min_words = 2;
    o->title_max_words = 40;
}

const char *gt_clean_reason(int r)
{
    static const char *const names[GT_DROP_NREASONS] = {
        "kept", "empty title or abstract", "withdrawn", "abstract too short", "abstract too long",
        "title too short", "title too long",
    };
    return r >= 0 && r < GT_DROP_NREASONS ? names[r] : "?";
}

gt_cleaner *gt_cleaner_new(const gt_clean_opts *o)
{
    gt_cleaner *c = gt_xcalloc(1, sizeof *c);
    c->o = *o;
    for (int i = 0; i < RX_COUNT; i++) {
        int err;
        PCRE2_SIZE off;
        uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK;
        if (i == RX_WITHDRAWN) flags |= PCRE2_CASELESS;
        if (i == RX_MATH) flags |= PCRE2_DOTALL;
        c->rx[i] = pcre2_compile((PCRE2_SPTR)rx_src[i], PCRE2_ZERO_TERMINATED, flags, &err, &off, NULL);
        if (!c->rx[i]) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof msg);
            gt_die(EX_SOFTWARE, "internal pattern %d: %s at %zu", i, (char *)msg, (size_t)off);
        }
        pcre2_jit_compile(c->rx[i], PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    }
    c->md = pcre2_match_data_create(16, NULL);
    return c;
}

void gt_cleaner_free(gt_cleaner *c)
{
    if (!c) return;
    for (int i = 0; i < RX_COUNT; i++) pcre2_code_free(c->rx[i]);
    pcre2_match_data_free(c->md);
    free(c->out[0].p); free(c->out[1].p); free(c->a.p); free(c->b.p); free(c->prev.p);
    free(c);
}

/* ---- plain C helpers ---- */

/* Length of a Unicode space at s (0 if none); ASCII whitespace counts too. */
static size_t space_len(const unsigned char *s, size_t n)
{
    unsigned char ch = s[0];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f') return 1;
    if (ch < 0xc2) return 0;
    if (ch == 0xc2 && n >= 2 && s[1] == 0xa0) return 2;                        /* U+00A0 */
    if (ch == 0xe2 && n >= 3 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xaf)) return 3; /* U+2000-200A, 202F */
    if (ch == 0xe2 && n >= 3 && s[1] == 0x81 && s[2] == 0x9f) return 3;        /* U+205F */
    if (ch == 0xe3 && n >= 3 && s[1] == 0x80 && s[2] == 0x80) return 3;        /* U+3000 */
    return 0;
}

size_t gt_collapse_space(char *dst, const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0, i = 0;
    int pending = 0;
    while (i < n) {
        unsigned char ch = s[i];
        if (ch > ' ' && ch < 0x80) {         /* fast path: printable ASCII */
            if (pending) { if (o) dst[o++] = ' '; pending = 0; }
            dst[o++] = (char)ch;
            i++;
            continue;
        }
        size_t k = space_len(s + i, n - i);
        if (k) { pending = 1; i += k; continue; }
        if (pending) { if (o) dst[o++] = ' '; pending = 0; }
        dst[o++] = (char)ch;
        i++;
    }
    return o;
}

size_t gt_count_words(const char *s, size_t n)
{
    size_t w = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

static void collapse_into(sbuf *dst, const char *s, size_t n)
{
    dst->n = 0;
    sb_reserve(dst, n);
    dst->n = gt_collapse_space(dst->p, s, n);
    dst->p[dst->n] = 0;
}

/* ---- pattern replacement ---- */

typedef void (*repl_fn)(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out);

static int grp(const PCRE2_SIZE *ov, int rc, int g)
{
    return g < rc && ov[2 * g] != PCRE2_UNSET;
}

static void rx_replace(gt_cleaner *c, int which, const sbuf *in, sbuf *out, repl_fn fn)
{
    out->n = 0;
    sb_reserve(out, in->n);
    size_t pos = 0;
    while (pos <= in->n) {
        int rc = pcre2_match(c->rx[which], (PCRE2_SPTR)in->p, in->n, pos, PCRE2_NO_UTF_CHECK, c->md, NULL);
        if (rc < 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        sb_add(out, in->p + pos, ov[0] - pos);
        fn(c, in->p, ov, rc, out);
        if (ov[1] == ov[0]) {               /* empty match: copy one char and go on */
            if (ov[1] >= in->n) { pos = in->n + 1; break; }
            sb_addc(out, in->p[ov[1]]);
            pos = ov[1] + 1;
        } else {
            pos = ov[1];
        }
    }
    if (pos < in->n) sb_add(out, in->p + pos, in->n - pos);
    if (!out->p) sb_reserve(out, 0);
    out->p[out->n] = 0;
}

static const char *combining(char accent)
{
    switch (accent) {
    case '\'': return "\xcc\x81"; case '`': return "\xcc\x80"; case '^': return "\xcc\x82";
    case '"': return "\xcc\x88"; case '~': return "\xcc\x83"; case '=': return "\xcc\x84";
    case '.': return "\xcc\x87"; case 'c': return "\xcc\xa7"; case 'v': return "\xcc\x8c";
    case 'u': return "\xcc\x86"; case 'H': return "\xcc\x8b"; case 'r': return "\xcc\x8a";
    case 'k': return "\xcc\xa8"; case 'd': return "\xcc\xa3"; case 'b': return "\xcc\xb1";
    }
    return "";
}

static void repl_accent(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c;
    char accent = grp(ov, rc, 2) ? s[ov[4]] : s[ov[6]];
    int g = grp(ov, rc, 4) ? 4 : 5;
    const char *l = s + ov[2 * g];
    size_t ln = ov[2 * g + 1] - ov[2 * g];
    char letter = ln == 2 ? 'i' : l[0];          /* \i: dotless i takes the accent as i */
    for (int i = 0; i < gt_tex_accents_count; i++)
        if (gt_tex_accents[i].accent == accent && gt_tex_accents[i].letter == letter) {
            sb_adds(out, gt_tex_accents[i].utf8);
            return;
        }
    sb_addc(out, letter);
    sb_adds(out, combining(accent));
}

static void repl_special(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c; (void)rc;
    static const char *const map[][2] = {
        {"ss", "\xc3\x9f"}, {"aa", "\xc3\xa5"}, {"AA", "\xc3\x85"}, {"ae", "\xc3\xa6"}, {"AE", "\xc3\x86"},
        {"oe", "\xc5\x93"}, {"OE", "\xc5\x92"}, {"o", "\xc3\xb8"}, {"O", "\xc3\x98"}, {"l", "\xc5\x82"},
        {"L", "\xc5\x81"}, {"i", "\xc4\xb1"},
    };
    size_t n = ov[5] - ov[4];
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == n && memcmp(map[i][0], s + ov[4], n) == 0) { sb_adds(out, map[i][1]); return; }
}

/* TeX math to plain text: commands to Unicode, fonts and braces dropped. */
static const char *const math_cmds[][2] = {
    {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"delta", "δ"}, {"epsilon", "ϵ"}, {"varepsilon", "ε"},
    {"zeta", "ζ"}, {"eta", "η"}, {"theta", "θ"}, {"vartheta", "ϑ"}, {"iota", "ι"}, {"kappa", "κ"},
    {"lambda", "λ"}, {"mu", "μ"}, {"nu", "ν"}, {"xi", "ξ"}, {"pi", "π"}, {"varpi", "ϖ"}, {"rho", "ρ"},
    {"varrho", "ϱ"}, {"sigma", "σ"}, {"varsigma", "ς"}, {"tau", "τ"}, {"upsilon", "υ"}, {"phi", "ϕ"},
    {"varphi", "φ"}, {"chi", "χ"}, {"psi", "ψ"}, {"omega", "ω"}, {"Gamma", "Γ"}, {"Delta", "Δ"},
    {"Theta", "Θ"}, {"Lambda", "Λ"}, {"Xi", "Ξ"}, {"Pi", "Π"}, {"Sigma", "Σ"}, {"Upsilon", "Υ"},
    {"Phi", "Φ"}, {"Psi", "Ψ"}, {"Omega", "Ω"},
    {"times", "×"}, {"cdot", "·"}, {"leq", "≤"}, {"le", "≤"}, {"geq", "≥"}, {"ge", "≥"}, {"neq", "≠"},
    {"ne", "≠"}, {"approx", "≈"}, {"sim", "∼"}, {"simeq", "≃"}, {"equiv", "≡"}, {"propto", "∝"},
    {"infty", "∞"}, {"pm", "±"}, {"mp", "∓"}, {"to", "→"}, {"rightarrow", "→"}, {"leftarrow", "←"},
    {"Rightarrow", "⇒"}, {"leftrightarrow", "↔"}, {"mapsto", "↦"}, {"partial", "∂"}, {"nabla", "∇"},
    {"sum", "∑"}, {"prod", "∏"}, {"int", "∫"}, {"sqrt", "√"}, {"in", "∈"}, {"notin", "∉"},
    {"subset", "⊂"}, {"subseteq", "⊆"}, {"cup", "∪"}, {"cap", "∩"}, {"ell", "ℓ"}, {"hbar", "ℏ"},
    {"ldots", "…"}, {"dots", "…"}, {"cdots", "⋯"}, {"circ", "∘"}, {"prime", "′"}, {"langle", "⟨"},
    {"rangle", "⟩"}, {"forall", "∀"}, {"exists", "∃"}, {"emptyset", "∅"}, {"ll", "≪"}, {"gg", "≫"},
    {"otimes", "⊗"}, {"oplus", "⊕"}, {"dagger", "†"}, {"star", "⋆"}, {"ast", "∗"}, {"lesssim", "≲"},
    {"gtrsim", "≳"}, {"perp", "⊥"}, {"parallel", "∥"}, {"mid", "|"}, {"vert", "|"}, {"log", "log"},
    {"ln", "ln"}, {"exp", "exp"}, {"sin", "sin"}, {"cos", "cos"}, {"tan", "tan"}, {"max", "max"},
    {"min", "min"}, {"lim", "lim"}, {"det", "det"}, {"dim", "dim"}, {"deg", "deg"}, {"sup", "sup"},
    {"inf", "inf"}, {"arg", "arg"}, {"ker", "ker"}, {"exp", "exp"},
    /* dropped: fonts, sizes, spacing; their argument stays */
    {"mathrm", ""}, {"mathcal", ""}, {"mathbf", ""}, {"mathit", ""}, {"mathsf", ""}, {"mathtt", ""},
    {"mathbb", ""}, {"mathfrak", ""}, {"mathscr", ""}, {"boldsymbol", ""}, {"bm", ""}, {"text", ""},
    {"textrm", ""}, {"textit", ""}, {"textbf", ""}, {"operatorname", ""}, {"rm", ""}, {"bf", ""},
    {"it", ""}, {"cal", ""}, {"left", ""}, {"right", ""}, {"big", ""}, {"Big", ""}, {"bigg", ""},
    {"Bigg", ""}, {"displaystyle", ""}, {"quad", " "}, {"qquad", " "}, {"hat", ""}, {"tilde", ""},
    {"bar", ""}, {"vec", ""}, {"overline", ""}, {"widetilde", ""}, {"widehat", ""}, {"dot", ""},
    {"ddot", ""}, {"mathring", ""}, {"underline", ""}, {"emph", ""},
};

static void math_to_text(const char *s, size_t n, sbuf *out)
{
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        if (ch == '\\' && i + 1 < n) {
            size_t j = i + 1;
            while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z'))) j++;
            if (j == i + 1) {            /* \, \; \! \{ \} \\ ... */
                char nx = s[i + 1];
                if (nx == '{' || nx == '}' || nx == '%' || nx == '&' || nx == '#' || nx == '_' || nx == '$')
                    sb_addc(out, nx);
                else if (nx == ',' || nx == ';' || nx == ' ' || nx == ':' || nx == '\\')
                    sb_addc(out, ' ');
                i += 2;
                continue;
            }
            size_t cn = j - i - 1;
            const char *rep = NULL;
            for (size_t k = 0; k < sizeof math_cmds / sizeof math_cmds[0]; k++)
                if (strlen(math_cmds[k][0]) == cn && memcmp(math_cmds[k][0], s + i + 1, cn) == 0) {
                    rep = math_cmds[k][1];
                    break;
                }
            if (cn == 4 && (memcmp(s + i + 1, "frac", 4) == 0)) rep = "";
            if (rep) sb_adds(out, rep);
            else sb_add(out, s + i + 1, cn);   /* unknown command: its name */
            /* \frac{a}{b} -> a/b */
            if (cn == 4 && memcmp(s + i + 1, "frac", 4) == 0 && j < n && s[j] == '{') {
                int depth = 0;
                size_t k = j;
                for (; k < n; k++) {
                    if (s[k] == '{') depth++;
                    else if (s[k] == '}' && --depth == 0) break;
                }
                if (k < n && k + 1 < n && s[k + 1] == '{') {
                    math_to_text(s + j + 1, k - j - 1, out);
                    sb_addc(out, '/');
                    i = k + 1;                 /* continue at the second group */
                    continue;
                }
            }
            i = j;
            continue;
        }
        if (ch == '{' || ch == '}') { i++; continue; }
        if (ch == '~') { sb_addc(out, ' '); i++; continue; }
        sb_addc(out, ch);
        i++;
    }
}

static void repl_math_text(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c;
    for (int g = 1; g <= 4; g++)
        if (grp(ov, rc, g)) { math_to_text(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], out); return; }
}

static void repl_math_strip(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c; (void)s; (void)ov; (void)rc;
}

static void repl_textcmd(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c;
    if (grp(ov, rc, 1)) sb_add(out, s + ov[2], ov[3] - ov[2]);
    else if (grp(ov, rc, 2)) sb_addc(out, s[ov[4]]);
    else if (grp(ov, rc, 3)) return;            /* \cite{...}, \ref{...}: dropped */
    else sb_addc(out, ' ');
}

static void repl_group1(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c;
    if (grp(ov, rc, 1)) sb_add(out, s + ov[2], ov[3] - ov[2]);
}

static void repl_nothing(gt_cleaner *c, const char *s, const PCRE2_SIZE *ov, int rc, sbuf *out)
{
    (void)c; (void)s; (void)ov; (void)rc; (void)out;
}

static void swap(sbuf *x, sbuf *y) { sbuf t = *x; *x = *y; *y = t; }

static int is_abbrev_end(const char *s, size_t n)
{
    static const char *const ab[] = { "al.", "etc.", "vs.", "e.g.", "i.e.", "Jr.", "Sr.", "St.", "Inc.",
                                      "Ltd.", "Co.", "cf.", "resp.", "approx.", "Ph.D.", "U.S.", "et al." };
    size_t w = n;
    while (w > 0 && s[w - 1] != ' ') w--;
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++)
        if (strlen(ab[i]) == n - w && memcmp(ab[i], s + w, n - w) == 0) return 1;
    /* an initial, as in "... by J. R. R." */
    if (n - w == 2 && s[w] >= 'A' && s[w] <= 'Z') return 1;
    return 0;
}

static int looks_like_tex(const sbuf *b)
{
    return memchr(b->p, '$', b->n) || memchr(b->p, '\\', b->n) || memchr(b->p, '{', b->n) ||
           memchr(b->p, '~', b->n) || strstr(b->p, "()") || strstr(b->p, " ,") || strstr(b->p, " .");
}

/* One round of TeX conversion, from c->a back into c->a. */
static void latex_round(gt_cleaner *c)
{
    rx_replace(c, RX_ACCENT, &c->a, &c->b, repl_accent);
    rx_replace(c, RX_SPECIAL, &c->b, &c->a, repl_special);
    rx_replace(c, RX_MATH, &c->a, &c->b, c->o.latex == GT_LATEX_TEXT ? repl_math_text : repl_math_strip);
    /* commands nest (\textbf{82\%}): repeat until nothing changes */
    for (int pass = 0; pass < 4; pass++) {
        rx_replace(c, RX_TEXTCMD, &c->b, &c->a, repl_textcmd);
        if (c->a.n == c->b.n && memcmp(c->a.p, c->b.p, c->a.n) == 0) break;
        swap(&c->a, &c->b);
    }
    collapse_into(&c->b, c->a.p, c->a.n);
    rx_replace(c, RX_TIDY_EMPTY, &c->b, &c->a, repl_nothing);
    rx_replace(c, RX_TIDY_PUNCT, &c->a, &c->b, repl_group1);
    collapse_into(&c->a, c->b.p, c->b.n);
}

const char *gt_clean_text(gt_cleaner *c, int slot, const char *s, size_t n, int is_title, size_t *outlen)
{
    sbuf *res = &c->out[slot & 1];
    collapse_into(&c->a, s, n);
    if (c->o.latex != GT_LATEX_KEEP) {
        /* Conversion can expose more TeX (a span left unpaired, a nested
         * command): repeat while the text changes and still looks like TeX, so
         * that cleaning clean text changes nothing. */
        for (int round = 0; round < 4 && looks_like_tex(&c->a); round++) {
            c->prev.n = 0;
            sb_add(&c->prev, c->a.p, c->a.n);
            latex_round(c);
            if (c->a.n == c->prev.n && memcmp(c->a.p, c->prev.p, c->a.n) == 0) break;
        }
    }
    if (is_title && !c->o.keep_period && c->a.n > 1 && c->a.p[c->a.n - 1] == '.' && c->a.p[c->a.n - 2] != '.'
        && !is_abbrev_end(c->a.p, c->a.n)) {
        c->a.n--;
        while (c->a.n && c->a.p[c->a.n - 1] == ' ') c->a.n--;
        c->a.p[c->a.n] = 0;
    }
    swap(res, &c->a);
    if (!res->p) sb_reserve(res, 0);
    *outlen = res->n;
    return res->p;
}

int gt_clean_is_withdrawn(gt_cleaner *c, const char *s, size_t n)
{
    int rc = pcre2_match(c->rx[RX_WITHDRAWN], (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK, c->md, NULL);
    return rc >= 0;
}

int gt_clean_pair(gt_cleaner *c, const char *title, size_t tn, const char *abs, size_t an,
                  const char **t_out, size_t *t_len, const char **a_out, size_t *a_len)
{
    *t_out = gt_clean_text(c, 0, title, tn, 1, t_len);
    *a_out = gt_clean_text(c, 1, abs, an, 0, a_len);
    if (*t_len == 0 || *a_len == 0) return GT_DROP_EMPTY;
    if (!c->o.keep_withdrawn && gt_clean_is_withdrawn(c, *a_out, *a_len)) return GT_DROP_WITHDRAWN;
    size_t aw = gt_count_words(*a_out, *a_len), tw = gt_count_words(*t_out, *t_len);
    if (c->o.min_words > 0 && aw < (size_t)c->o.min_words) return GT_DROP_ABSTRACT_SHORT;
    if (c->o.max_words > 0 && aw > (size_t)c->o.max_words) return GT_DROP_ABSTRACT_LONG;
    if (c->o.title_min_words > 0 && tw < (size_t)c->o.title_min_words) return GT_DROP_TITLE_SHORT;
    if (c->o.title_max_words > 0 && tw > (size_t)c->o.title_max_words) return GT_DROP_TITLE_LONG;
    return GT_KEEP;
}
