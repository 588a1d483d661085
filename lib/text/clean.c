/* clean.c - whitespace, LaTeX and quality rules for titles and abstracts.
 *
 * Whitespace collapsing and the final tidy are plain C loops (they touch every
 * byte of every record). pcre2 (JIT, UTF mode) does the pattern rules: finding
 * math spans, TeX accents and commands with arguments, withdrawal notices. The
 * LaTeX pass only runs on texts that hold '\\', '$', '{' or '}'. */
#include "text/clean.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/util.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <strings.h>

struct gt_cleaner {
    gt_clean_opts o;
    pcre2_code *re_math, *re_wd_start, *re_wd_any;
    pcre2_code *re_acc_sym, *re_acc_let, *re_frac, *re_binom, *re_droparg, *re_href;
    pcre2_match_data *md;
    gt_buf a, b;        /* work buffers, reused */
    int removed;        /* the LaTeX pass deleted something: tidy afterwards */
};

/* ---- buffers (gt_buf) ---- */

static void sb_put_utf8(gt_buf *b, unsigned cp)
{
    char u[4];
    gt_buf_add(b, u, (size_t)gt_utf8_encode(cp, u));
}

static inline char sb_last(const gt_buf *b) { return b->n ? b->p[b->n - 1] : 0; }

static inline int is_alpha(unsigned char ch) { return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'; }
static inline int is_alnum(unsigned char ch) { return is_alpha(ch) || (ch >= '0' && ch <= '9'); }

/* ---- whitespace ---- */

/* Byte classes: 0 ordinary, 1 ASCII whitespace, 2 lead byte of a possible
 * Unicode space, 3 TeX special. */
static unsigned char ws_class[256];

static void init_classes(void)
{
    static int done;
    if (done) return;
    const char *ws = " \t\n\r\f\v";
    for (const char *p = ws; *p; p++) ws_class[(unsigned char)*p] = 1;
    ws_class[0xC2] = ws_class[0xE1] = ws_class[0xE2] = ws_class[0xE3] = 2;
    ws_class['\\'] = ws_class['$'] = ws_class['{'] = ws_class['}'] = ws_class['~'] = 3;
    done = 1;
}

/* Length of the Unicode space at P (0 if none): U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000. */
static size_t uspace_len(const unsigned char *p, const unsigned char *e)
{
    size_t left = (size_t)(e - p);
    if (p[0] == 0xC2) return left >= 2 && (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    if (left < 3) return 0;
    if (p[0] == 0xE1) return p[1] == 0x9A && p[2] == 0x80 ? 3 : 0;
    if (p[0] == 0xE3) return p[1] == 0x80 && p[2] == 0x80 ? 3 : 0;
    if (p[0] == 0xE2) {
        if (p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) return 3;
        if (p[1] == 0x81 && p[2] == 0x9F) return 3;
    }
    return 0;
}

/* Collapse whitespace runs of S into single spaces, trimmed, into OUT (which
 * has room for N+1 bytes). *TEX is set when a TeX special byte was seen. */
static size_t collapse(const char *s, size_t n, char *out, int *tex)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    size_t o = 0;
    int pend = 0, t = 0;
    while (p < e) {
        unsigned k = ws_class[*p];
        if (k == 1) { pend = 1; p++; continue; }
        if (k == 2) {
            size_t w = uspace_len(p, e);
            if (w) { pend = 1; p += w; continue; }
        } else if (k == 3) t = 1;
        if (pend) { if (o) out[o++] = ' '; pend = 0; }
        out[o++] = (char)*p++;
        /* copy the ordinary run that follows without re-testing pend */
#ifdef __SSE2__
        /* 16 bytes at a time up to the first byte that may not be ordinary:
         * a control or space (signed < 0x21, which takes non-ASCII too) or one
         * of \ $ { } ~; the table decides about that byte below */
        {
            const __m128i lim = _mm_set1_epi8(0x21), bs = _mm_set1_epi8('\\'), dl = _mm_set1_epi8('$');
            const __m128i lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}'), tl = _mm_set1_epi8('~');
            while (e - p >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)p);
                __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, lim),
                            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, bs), _mm_cmpeq_epi8(v, dl)),
                            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lb), _mm_cmpeq_epi8(v, rb)),
                                         _mm_cmpeq_epi8(v, tl))));
                int bits = _mm_movemask_epi8(m);
                _mm_storeu_si128((__m128i *)(out + o), v);
                if (bits) {
                    unsigned at = (unsigned)__builtin_ctz((unsigned)bits);
                    o += at; p += at;
                    break;
                }
                o += 16; p += 16;
            }
        }
#endif
        while (p < e && ws_class[*p] == 0) out[o++] = (char)*p++;
    }
    out[o] = 0;
    if (tex) *tex = t;
    return o;
}

static size_t collapse_sb(const char *s, size_t n, gt_buf *out, int *tex)
{
    out->n = 0;
    gt_buf_reserve(out, n + 1);
    out->n = collapse(s, n, out->p, tex);
    return out->n;
}

/* After a deletion (strip mode math, \cite{...}): no space before , . ; : ! ?
 * ) ] or after ( [, empty () and [] removed, ", ," -> ",", ", ." -> ".", no
 * punctuation , ; : . at the very start. IN has single spaces only. */
static void tidy(const char *s, size_t n, gt_buf *o)
{
    o->n = 0;
    gt_buf_reserve(o, n + 1);
    char *q = o->p;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        char last = k ? q[k - 1] : 0;
        if (ch == ' ') {
            if (k == 0 || last == ' ' || last == '(' || last == '[') continue;
            q[k++] = ch;
            continue;
        }
        if (strchr(",.;:!?)]", ch)) {
            if (last == ' ') { k--; last = k ? q[k - 1] : 0; }
            if ((ch == ')' && last == '(') || (ch == ']' && last == '[')) {
                k--;
                if (k && q[k - 1] == ' ') k--;
                continue;
            }
            if (k == 0 && strchr(",.;:", ch)) continue;
            if ((ch == ',' || ch == ';') && (last == ',' || last == ';')) continue;
            if (strchr(".:!?", ch) && (last == ',' || last == ';')) k--;
        }
        q[k++] = ch;
    }
    while (k && q[k - 1] == ' ') k--;
    q[k] = 0;
    o->n = k;
}

/* A TeX tie between words ("V.~Arnold", "of~$G$", "Fig.~2") becomes a space;
 * "~" after a space, bracket or punctuation ("about ~100", "(~2)") stays. The
 * tidy never gives a kept "~" a word on its left, so a second cleaning agrees. */
static void ties(char *s, size_t n)
{
    for (char *p = memchr(s, '~', n); p; p = memchr(p + 1, '~', n - (size_t)(p + 1 - s)))
        if (p > s) {
            unsigned char l = (unsigned char)p[-1], r = p + 1 < s + n ? (unsigned char)p[1] : ' ';
            if ((is_alnum(l) || l >= 0x80 || l == '.' || l == ')' || l == ']')
                && (is_alnum(r) || r >= 0x80 || r == '\\' || r == '(' || r == ' '))
                *p = ' ';
        }
}

/* ---- accents ---- */

static const char acc_marks[] = "'`^\"~=.cvuHkrdb";
static const unsigned short acc_comb[15] = { 0x0301, 0x0300, 0x0302, 0x0308, 0x0303, 0x0304,
    0x0307, 0x0327, 0x030C, 0x0306, 0x030B, 0x0328, 0x030A, 0x0323, 0x0331 };
/* NFC(letter + combining mark) when that is one code point (generated with
 * Python's unicodedata), indexed [mark][A-Z a-z]; 0: none, base + mark used. */
static const unsigned short acc_pre[15][52] = {
    /* ' */ { 0x00C1, 0, 0x0106, 0, 0x00C9, 0, 0x01F4, 0, 0x00CD, 0, 0x1E30, 0x0139, 0x1E3E, 0x0143, 0x00D3, 0x1E54, 0, 0x0154, 0x015A, 0, 0x00DA, 0, 0x1E82, 0, 0x00DD, 0x0179, 0x00E1, 0, 0x0107, 0, 0x00E9, 0, 0x01F5, 0, 0x00ED, 0, 0x1E31, 0x013A, 0x1E3F, 0x0144, 0x00F3, 0x1E55, 0, 0x0155, 0x015B, 0, 0x00FA, 0, 0x1E83, 0, 0x00FD, 0x017A },
    /* ` */ { 0x00C0, 0, 0, 0, 0x00C8, 0, 0, 0, 0x00CC, 0, 0, 0, 0, 0x01F8, 0x00D2, 0, 0, 0, 0, 0, 0x00D9, 0, 0x1E80, 0, 0x1EF2, 0, 0x00E0, 0, 0, 0, 0x00E8, 0, 0, 0, 0x00EC, 0, 0, 0, 0, 0x01F9, 0x00F2, 0, 0, 0, 0, 0, 0x00F9, 0, 0x1E81, 0, 0x1EF3, 0 },
    /* ^ */ { 0x00C2, 0, 0x0108, 0, 0x00CA, 0, 0x011C, 0x0124, 0x00CE, 0x0134, 0, 0, 0, 0, 0x00D4, 0, 0, 0, 0x015C, 0, 0x00DB, 0, 0x0174, 0, 0x0176, 0x1E90, 0x00E2, 0, 0x0109, 0, 0x00EA, 0, 0x011D, 0x0125, 0x00EE, 0x0135, 0, 0, 0, 0, 0x00F4, 0, 0, 0, 0x015D, 0, 0x00FB, 0, 0x0175, 0, 0x0177, 0x1E91 },
    /* " */ { 0x00C4, 0, 0, 0, 0x00CB, 0, 0, 0x1E26, 0x00CF, 0, 0, 0, 0, 0, 0x00D6, 0, 0, 0, 0, 0, 0x00DC, 0, 0x1E84, 0x1E8C, 0x0178, 0, 0x00E4, 0, 0, 0, 0x00EB, 0, 0, 0x1E27, 0x00EF, 0, 0, 0, 0, 0, 0x00F6, 0, 0, 0, 0, 0x1E97, 0x00FC, 0, 0x1E85, 0x1E8D, 0x00FF, 0 },
    /* ~ */ { 0x00C3, 0, 0, 0, 0x1EBC, 0, 0, 0, 0x0128, 0, 0, 0, 0, 0x00D1, 0x00D5, 0, 0, 0, 0, 0, 0x0168, 0x1E7C, 0, 0, 0x1EF8, 0, 0x00E3, 0, 0, 0, 0x1EBD, 0, 0, 0, 0x0129, 0, 0, 0, 0, 0x00F1, 0x00F5, 0, 0, 0, 0, 0, 0x0169, 0x1E7D, 0, 0, 0x1EF9, 0 },
    /* = */ { 0x0100, 0, 0, 0, 0x0112, 0, 0x1E20, 0, 0x012A, 0, 0, 0, 0, 0, 0x014C, 0, 0, 0, 0, 0, 0x016A, 0, 0, 0, 0x0232, 0, 0x0101, 0, 0, 0, 0x0113, 0, 0x1E21, 0, 0x012B, 0, 0, 0, 0, 0, 0x014D, 0, 0, 0, 0, 0, 0x016B, 0, 0, 0, 0x0233, 0 },
    /* . */ { 0x0226, 0x1E02, 0x010A, 0x1E0A, 0x0116, 0x1E1E, 0x0120, 0x1E22, 0x0130, 0, 0, 0, 0x1E40, 0x1E44, 0x022E, 0x1E56, 0, 0x1E58, 0x1E60, 0x1E6A, 0, 0, 0x1E86, 0x1E8A, 0x1E8E, 0x017B, 0x0227, 0x1E03, 0x010B, 0x1E0B, 0x0117, 0x1E1F, 0x0121, 0x1E23, 0, 0, 0, 0, 0x1E41, 0x1E45, 0x022F, 0x1E57, 0, 0x1E59, 0x1E61, 0x1E6B, 0, 0, 0x1E87, 0x1E8B, 0x1E8F, 0x017C },
    /* c */ { 0, 0, 0x00C7, 0x1E10, 0x0228, 0, 0x0122, 0x1E28, 0, 0, 0x0136, 0x013B, 0, 0x0145, 0, 0, 0, 0x0156, 0x015E, 0x0162, 0, 0, 0, 0, 0, 0, 0, 0, 0x00E7, 0x1E11, 0x0229, 0, 0x0123, 0x1E29, 0, 0, 0x0137, 0x013C, 0, 0x0146, 0, 0, 0, 0x0157, 0x015F, 0x0163, 0, 0, 0, 0, 0, 0 },
    /* v */ { 0x01CD, 0, 0x010C, 0x010E, 0x011A, 0, 0x01E6, 0x021E, 0x01CF, 0, 0x01E8, 0x013D, 0, 0x0147, 0x01D1, 0, 0, 0x0158, 0x0160, 0x0164, 0x01D3, 0, 0, 0, 0, 0x017D, 0x01CE, 0, 0x010D, 0x010F, 0x011B, 0, 0x01E7, 0x021F, 0x01D0, 0x01F0, 0x01E9, 0x013E, 0, 0x0148, 0x01D2, 0, 0, 0x0159, 0x0161, 0x0165, 0x01D4, 0, 0, 0, 0, 0x017E },
    /* u */ { 0x0102, 0, 0, 0, 0x0114, 0, 0x011E, 0, 0x012C, 0, 0, 0, 0, 0, 0x014E, 0, 0, 0, 0, 0, 0x016C, 0, 0, 0, 0, 0, 0x0103, 0, 0, 0, 0x0115, 0, 0x011F, 0, 0x012D, 0, 0, 0, 0, 0, 0x014F, 0, 0, 0, 0, 0, 0x016D, 0, 0, 0, 0, 0 },
    /* H */ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0150, 0, 0, 0, 0, 0, 0x0170, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0151, 0, 0, 0, 0, 0, 0x0171, 0, 0, 0, 0, 0 },
    /* k */ { 0x0104, 0, 0, 0, 0x0118, 0, 0, 0, 0x012E, 0, 0, 0, 0, 0, 0x01EA, 0, 0, 0, 0, 0, 0x0172, 0, 0, 0, 0, 0, 0x0105, 0, 0, 0, 0x0119, 0, 0, 0, 0x012F, 0, 0, 0, 0, 0, 0x01EB, 0, 0, 0, 0, 0, 0x0173, 0, 0, 0, 0, 0 },
    /* r */ { 0x00C5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x016E, 0, 0, 0, 0, 0, 0x00E5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x016F, 0, 0x1E98, 0, 0x1E99, 0 },
    /* d */ { 0x1EA0, 0x1E04, 0, 0x1E0C, 0x1EB8, 0, 0, 0x1E24, 0x1ECA, 0, 0x1E32, 0x1E36, 0x1E42, 0x1E46, 0x1ECC, 0, 0, 0x1E5A, 0x1E62, 0x1E6C, 0x1EE4, 0x1E7E, 0x1E88, 0, 0x1EF4, 0x1E92, 0x1EA1, 0x1E05, 0, 0x1E0D, 0x1EB9, 0, 0, 0x1E25, 0x1ECB, 0, 0x1E33, 0x1E37, 0x1E43, 0x1E47, 0x1ECD, 0, 0, 0x1E5B, 0x1E63, 0x1E6D, 0x1EE5, 0x1E7F, 0x1E89, 0, 0x1EF5, 0x1E93 },
    /* b */ { 0, 0x1E06, 0, 0x1E0E, 0, 0, 0, 0, 0, 0, 0x1E34, 0x1E3A, 0, 0x1E48, 0, 0, 0, 0x1E5E, 0, 0x1E6E, 0, 0, 0, 0, 0, 0x1E94, 0, 0x1E07, 0, 0x1E0F, 0, 0, 0, 0x1E96, 0, 0, 0x1E35, 0x1E3B, 0, 0x1E49, 0, 0, 0, 0x1E5F, 0, 0x1E6F, 0, 0, 0, 0, 0, 0x1E95 },
};

/* ---- TeX control words ---- */

enum { F_EAT = 1,    /* eat one following space (TeX's rule after control words) */
       F_WORD = 2 }; /* a word (\log): spaces so it does not stick to neighbours */

typedef struct { const char *name, *repl; int flags; } tex_word;

static tex_word words[] = {
    /* Greek */
    {"alpha","α",0},{"beta","β",0},{"gamma","γ",0},{"delta","δ",0},{"epsilon","ε",0},
    {"varepsilon","ε",0},{"zeta","ζ",0},{"eta","η",0},{"theta","θ",0},{"vartheta","ϑ",0},
    {"iota","ι",0},{"kappa","κ",0},{"varkappa","ϰ",0},{"lambda","λ",0},{"mu","μ",0},
    {"nu","ν",0},{"xi","ξ",0},{"omicron","ο",0},{"pi","π",0},{"varpi","ϖ",0},{"rho","ρ",0},
    {"varrho","ϱ",0},{"sigma","σ",0},{"varsigma","ς",0},{"tau","τ",0},{"upsilon","υ",0},
    {"phi","φ",0},{"varphi","φ",0},{"chi","χ",0},{"psi","ψ",0},{"omega","ω",0},
    {"Gamma","Γ",0},{"Delta","Δ",0},{"Theta","Θ",0},{"Lambda","Λ",0},{"Xi","Ξ",0},
    {"Pi","Π",0},{"Sigma","Σ",0},{"Upsilon","Υ",0},{"Phi","Φ",0},{"Psi","Ψ",0},{"Omega","Ω",0},
    /* relations, operators, arrows */
    {"times","×",0},{"div","÷",0},{"pm","±",0},{"mp","∓",0},{"cdot","·",0},{"circ","∘",0},
    {"bullet","•",0},{"star","⋆",0},{"ast","∗",0},{"otimes","⊗",0},{"oplus","⊕",0},
    {"ominus","⊖",0},{"odot","⊙",0},{"rtimes","⋊",0},{"ltimes","⋉",0},{"wedge","∧",0},
    {"land","∧",0},{"vee","∨",0},{"lor","∨",0},{"neg","¬",0},{"lnot","¬",0},{"cap","∩",0},
    {"cup","∪",0},{"bigcap","⋂",0},{"bigcup","⋃",0},{"sqcup","⊔",0},{"setminus","∖",0},
    {"leq","≤",0},{"le","≤",0},{"leqslant","≤",0},{"geq","≥",0},{"ge","≥",0},
    {"geqslant","≥",0},{"neq","≠",0},{"ne","≠",0},{"ll","≪",0},{"gg","≫",0},
    {"lesssim","≲",0},{"gtrsim","≳",0},{"sim","∼",0},{"simeq","≃",0},{"approx","≈",0},
    {"cong","≅",0},{"equiv","≡",0},{"propto","∝",0},{"prec","≺",0},{"succ","≻",0},
    {"preceq","⪯",0},{"succeq","⪰",0},{"in","∈",0},{"notin","∉",0},{"ni","∋",0},
    {"subset","⊂",0},{"subseteq","⊆",0},{"subsetneq","⊊",0},{"supset","⊃",0},
    {"supseteq","⊇",0},{"perp","⊥",0},{"parallel","∥",0},{"mid","|",0},{"vert","|",0},
    {"lvert","|",0},{"rvert","|",0},{"Vert","‖",0},{"lVert","‖",0},{"rVert","‖",0},
    {"to","→",0},{"rightarrow","→",0},{"longrightarrow","→",0},{"leftarrow","←",0},
    {"gets","←",0},{"longleftarrow","←",0},{"Rightarrow","⇒",0},{"Longrightarrow","⇒",0},
    {"implies","⇒",0},{"Leftarrow","⇐",0},{"Leftrightarrow","⇔",0},{"iff","⇔",0},
    {"Longleftrightarrow","⇔",0},{"leftrightarrow","↔",0},{"mapsto","↦",0},
    {"hookrightarrow","↪",0},{"uparrow","↑",0},{"downarrow","↓",0},
    {"forall","∀",0},{"exists","∃",0},{"partial","∂",0},{"nabla","∇",0},{"sum","∑",0},
    {"prod","∏",0},{"int","∫",0},{"oint","∮",0},{"sqrt","√",0},{"infty","∞",0},
    {"emptyset","∅",0},{"varnothing","∅",0},{"ell","ℓ",0},{"hbar","ℏ",0},{"aleph","ℵ",0},
    {"prime","′",0},{"dagger","†",0},{"ddagger","‡",0},{"langle","⟨",0},{"rangle","⟩",0},
    {"lfloor","⌊",0},{"rfloor","⌋",0},{"lceil","⌈",0},{"rceil","⌉",0},{"ldots","…",0},
    {"dots","…",0},{"cdots","…",0},{"colon",":",0},{"over","/",0},{"degree","°",0},
    {"S","§",F_EAT},
    /* function names */
    {"log","log",F_WORD},{"ln","ln",F_WORD},{"lg","lg",F_WORD},{"exp","exp",F_WORD},
    {"sin","sin",F_WORD},{"cos","cos",F_WORD},{"tan","tan",F_WORD},{"cot","cot",F_WORD},
    {"sinh","sinh",F_WORD},{"cosh","cosh",F_WORD},{"tanh","tanh",F_WORD},
    {"arcsin","arcsin",F_WORD},{"arccos","arccos",F_WORD},{"arctan","arctan",F_WORD},
    {"max","max",F_WORD},{"min","min",F_WORD},{"sup","sup",F_WORD},{"inf","inf",F_WORD},
    {"lim","lim",F_WORD},{"liminf","liminf",F_WORD},{"limsup","limsup",F_WORD},
    {"det","det",F_WORD},{"dim","dim",F_WORD},{"ker","ker",F_WORD},{"deg","deg",F_WORD},
    {"arg","arg",F_WORD},{"gcd","gcd",F_WORD},{"Pr","Pr",F_WORD},{"mod","mod",F_WORD},
    {"bmod","mod",F_WORD},{"Re","Re",F_WORD},{"Im","Im",F_WORD},
    /* letters */
    {"ss","ß",F_EAT},{"o","ø",F_EAT},{"O","Ø",F_EAT},{"ae","æ",F_EAT},{"AE","Æ",F_EAT},
    {"oe","œ",F_EAT},{"OE","Œ",F_EAT},{"aa","å",F_EAT},{"AA","Å",F_EAT},{"l","ł",F_EAT},
    {"L","Ł",F_EAT},{"i","ı",F_EAT},{"j","ȷ",F_EAT},{"dh","ð",F_EAT},{"DH","Ð",F_EAT},
    {"th","þ",F_EAT},{"TH","Þ",F_EAT},
    /* spacing */
    {"quad"," ",F_EAT},{"qquad"," ",F_EAT},{"enspace"," ",F_EAT},{"thinspace"," ",F_EAT},
    /* styles, decorations, sizes: the command goes, its argument stays */
    {"rm","",F_EAT},{"it","",F_EAT},{"bf","",F_EAT},{"em","",F_EAT},{"sc","",F_EAT},
    {"sf","",F_EAT},{"tt","",F_EAT},{"sl","",F_EAT},{"cal","",F_EAT},{"Cal","",F_EAT},
    {"Bbb","",F_EAT},{"frak","",F_EAT},{"bm","",F_EAT},{"boldsymbol","",F_EAT},
    {"mathbb","",F_EAT},{"mathbbm","",F_EAT},{"mathcal","",F_EAT},{"mathrm","",F_EAT},
    {"mathbf","",F_EAT},{"mathit","",F_EAT},{"mathsf","",F_EAT},{"mathtt","",F_EAT},
    {"mathfrak","",F_EAT},{"mathscr","",F_EAT},{"text","",F_EAT},{"textrm","",F_EAT},
    {"textbf","",F_EAT},{"textit","",F_EAT},{"texttt","",F_EAT},{"textsc","",F_EAT},
    {"textsf","",F_EAT},{"textsl","",F_EAT},{"textup","",F_EAT},{"textnormal","",F_EAT},
    {"emph","",F_EAT},{"mbox","",F_EAT},{"hbox","",F_EAT},{"operatorname","",F_EAT},
    {"mathop","",F_EAT},{"underline","",F_EAT},{"overline","",F_EAT},{"widetilde","",F_EAT},
    {"widehat","",F_EAT},{"tilde","",F_EAT},{"hat","",F_EAT},{"bar","",F_EAT},
    {"vec","",F_EAT},{"dot","",F_EAT},{"ddot","",F_EAT},{"check","",F_EAT},
    {"breve","",F_EAT},{"acute","",F_EAT},{"grave","",F_EAT},{"mathring","",F_EAT},
    {"overrightarrow","",F_EAT},{"ensuremath","",F_EAT},{"url","",F_EAT},
    {"footnote","",F_EAT},{"left","",F_EAT},{"right","",F_EAT},{"big","",F_EAT},
    {"Big","",F_EAT},{"bigg","",F_EAT},{"Bigg","",F_EAT},{"bigl","",F_EAT},
    {"bigr","",F_EAT},{"Bigl","",F_EAT},{"Bigr","",F_EAT},{"biggl","",F_EAT},
    {"biggr","",F_EAT},{"displaystyle","",F_EAT},{"textstyle","",F_EAT},
    {"scriptstyle","",F_EAT},{"scriptscriptstyle","",F_EAT},{"limits","",F_EAT},
    {"nolimits","",F_EAT},{"nonumber","",F_EAT},{"noindent","",F_EAT},
};
static const size_t nwords = sizeof words / sizeof words[0];

static int word_cmp(const void *a, const void *b)
{
    return strcmp(((const tex_word *)a)->name, ((const tex_word *)b)->name);
}

static const tex_word *word_find(const char *name, size_t n)
{
    size_t lo = 0, hi = nwords;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *w = words[mid].name;
        int c = strncmp(name, w, n);
        if (c == 0) c = w[n] ? -1 : 0;     /* NAME is a prefix of W: NAME < W */
        if (c == 0) return &words[mid];
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return NULL;
}

static int name_is(const char *name, size_t n, const char *w)
{
    return strlen(w) == n && memcmp(name, w, n) == 0;
}

static int name_in(const char *name, size_t n, const char *const *list)
{
    for (; *list; list++) if (name_is(name, n, *list)) return 1;
    return 0;
}

static const char *const droparg_names[] = { "cite", "citep", "citet", "citealp", "citeauthor",
    "ref", "eqref", "autoref", "cref", "Cref", "label", "hspace", "vspace", "textcolor", "color",
    "bibitem", "footnotemark", NULL };

/* ---- matching ---- */

static pcre2_code *compile(const char *pat, uint32_t flags)
{
    int ec; PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, flags | PCRE2_UTF, &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        gt_die(EX_SOFTWARE, "internal error: pattern at offset %zu: %s", (size_t)eo, (char *)msg);
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter if JIT is absent */
    return re;
}

/* Match RE in S[0..N) from OFF. Returns the ovector or NULL. */
static PCRE2_SIZE *match(gt_cleaner *c, pcre2_code *re, const char *s, size_t n, size_t off)
{
    int rc = pcre2_jit_match(re, (PCRE2_SPTR)s, n, off, PCRE2_NO_UTF_CHECK, c->md, NULL);
    if (rc == PCRE2_ERROR_JIT_BADOPTION)   /* no JIT on this platform */
        rc = pcre2_match(re, (PCRE2_SPTR)s, n, off, PCRE2_NO_UTF_CHECK, c->md, NULL);
    return rc > 0 ? pcre2_get_ovector_pointer(c->md) : NULL;
}

/* ---- TeX conversion ---- */

static void tex_convert(gt_cleaner *c, const char *s, size_t n, gt_buf *o);

/* Accent at S[I]; 1 and *END when one was converted. */
static int tex_accent(gt_cleaner *c, pcre2_code *re, const char *s, size_t n, size_t i, gt_buf *o,
                      size_t *end)
{
    PCRE2_SIZE *ov = match(c, re, s, n, i);
    if (!ov) return 0;
    int k = (int)(strchr(acc_marks, s[ov[2]]) - acc_marks);
    const char *base = s + ov[4];
    unsigned char letter = (unsigned char)(base[0] == '\\' ? base[1] : base[0]);
    int idx = letter <= 'Z' ? letter - 'A' : 26 + letter - 'a';
    *end = ov[1];
    if (acc_pre[k][idx]) sb_put_utf8(o, acc_pre[k][idx]);
    else { gt_buf_putc(o, (char)letter); sb_put_utf8(o, acc_comb[k]); }
    return 1;
}

/* A \frac or \binom argument, converted; parenthesized unless it is plain
 * (letters, digits, '.') or one command. */
static void tex_arg(gt_cleaner *c, const char *s, size_t n, gt_buf *o)
{
    int plain = n > 0;
    for (size_t i = 0; i < n; i++) if (!is_alnum((unsigned char)s[i]) && s[i] != '.') plain = 0;
    if (n > 1 && s[0] == '\\') {
        plain = 1;
        for (size_t i = 1; i < n; i++) if (!is_alpha((unsigned char)s[i])) plain = 0;
    }
    if (!plain) gt_buf_putc(o, '(');
    tex_convert(c, s, n, o);
    if (!plain) gt_buf_putc(o, ')');
}

/* The command at S[I] == '\\'; returns the index after it. */
static size_t tex_command(gt_cleaner *c, const char *s, size_t n, size_t i, gt_buf *o)
{
    size_t end;
    if (i + 1 >= n) { gt_buf_putc(o, '\\'); return n; }
    unsigned char d = (unsigned char)s[i + 1];
    if (is_alpha(d)) {
        size_t j = i + 1;
        while (j < n && is_alpha((unsigned char)s[j])) j++;
        const char *name = s + i + 1;
        size_t nl = j - i - 1;
        if (nl == 1 && strchr("cvuHkrdb", d) && tex_accent(c, c->re_acc_let, s, n, i, o, &end))
            return end;
        if (name_is(name, nl, "frac") || name_is(name, nl, "dfrac") || name_is(name, nl, "tfrac")
            || name_is(name, nl, "binom") || name_is(name, nl, "dbinom") || name_is(name, nl, "tbinom")) {
            int binom = name[nl - 1] == 'm';
            PCRE2_SIZE *ov = match(c, binom ? c->re_binom : c->re_frac, s, n, i);
            if (ov) {
                size_t a0 = ov[2], a1 = ov[3], b0 = ov[4], b1 = ov[5];
                end = ov[1];
                if (binom) {
                    gt_buf_putc(o, '(');
                    tex_convert(c, s + a0, a1 - a0, o);
                    gt_buf_adds(o, " choose ");
                    tex_convert(c, s + b0, b1 - b0, o);
                    gt_buf_putc(o, ')');
                } else {
                    tex_arg(c, s + a0, a1 - a0, o);
                    gt_buf_putc(o, '/');
                    tex_arg(c, s + b0, b1 - b0, o);
                }
                return end;
            }
            if (j < n && s[j] == ' ') j++;     /* arguments not understood: the name goes */
            return j;
        }
        if (name_in(name, nl, droparg_names)) {
            PCRE2_SIZE *ov = match(c, c->re_droparg, s, n, i);
            if (ov) { c->removed = 1; return ov[1]; }
        }
        if (name_is(name, nl, "href")) {
            PCRE2_SIZE *ov = match(c, c->re_href, s, n, i);
            if (ov) return ov[1];          /* the link text's braces go later */
        }
        const tex_word *w = word_find(name, nl);
        if (w) {
            if (w->flags & F_WORD) {
                if (is_alnum((unsigned char)sb_last(o))) gt_buf_putc(o, ' ');
                gt_buf_adds(o, w->repl);
                if (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '{' || s[j] == '\\'))
                    gt_buf_putc(o, ' ');
                return j;
            }
            gt_buf_adds(o, w->repl);
            if ((w->flags & F_EAT) && j < n && s[j] == ' ') j++;
            return j;
        }
        if (j < n && s[j] == '{') return j;    /* unknown command with an argument: keep the argument */
        gt_buf_add(o, s + i, j - i);                /* unknown command: as written */
        return j;
    }
    if (strchr("'`^\"~=.", d) && d) {
        if (tex_accent(c, c->re_acc_sym, s, n, i, o, &end)) return end;
        return i + 2;      /* an accent on nothing we know: dropped */
    }
    switch (d) {
    case '%': case '&': case '_': case '#':
        gt_buf_putc(o, (char)d); return i + 2;
    case ',': case ';': case ':': case '>': case ' ': case '\\':
        gt_buf_putc(o, ' '); return i + 2;
    case '!': case '-': case '/':
        return i + 2;
    case '|':
        gt_buf_adds(o, "‖"); return i + 2;
    case '(': case ')': case '[': case ']':    /* math delimiters nested in math */
        gt_buf_putc(o, (char)d); return i + 2;
    default:
        if (d >= 0x80) { gt_buf_putc(o, '\\'); return i + 1; }
        gt_buf_add(o, s + i, 2);    /* \$ \{ \} and others: as written */
        return i + 2;
    }
}

/* Convert S[0..N) (text or the inside of a math span) into O. */
static void tex_convert(gt_cleaner *c, const char *s, size_t n, gt_buf *o)
{
    size_t i = 0;
    while (i < n) {
        /* copy up to the next special byte */
        size_t j = i;
        while (j < n && s[j] != '\\' && s[j] != '{' && s[j] != '}' && s[j] != '$') j++;
        gt_buf_add(o, s + i, j - i);
        if (j == n) break;
        if (s[j] == '\\') i = tex_command(c, s, n, j, o);
        else i = j + 1;      /* grouping braces go, and a '$' left over (unpaired or nested) */
    }
}

/* Math spans: removed (strip) or converted without delimiters (text). */
static void latex_pass(gt_cleaner *c, const char *s, size_t n, gt_buf *o)
{
    size_t pos = 0;
    o->n = 0;
    gt_buf_reserve(o, n + 16);
    while (pos < n) {
        PCRE2_SIZE *ov = match(c, c->re_math, s, n, pos);
        if (!ov) break;
        size_t ms = ov[0], me = ov[1], cs = 0, ce = 0;
        for (int g = 1; g <= 4; g++)
            if (ov[2 * g] != PCRE2_UNSET) { cs = ov[2 * g]; ce = ov[2 * g + 1]; break; }
        tex_convert(c, s + pos, ms - pos, o);
        if (c->o.latex == GT_LATEX_STRIP) c->removed = 1;
        else tex_convert(c, s + cs, ce - cs, o);
        pos = me;
    }
    if (pos < n) tex_convert(c, s + pos, n - pos, o);
}

/* ---- titles ---- */

static const char *const abbrevs[] = { "al", "etc", "vs", "cf", "resp", "approx", "jr", "sr",
    "inc", "ltd", "corp", "st", "dr", "mr", "mrs", "ms", "prof", "vol", "fig", "figs", "eq",
    "eqs", "ref", "refs", "sec", "ch", "pp", "ed", "eds", "nucl", NULL };

static int is_abbrev(const char *w, size_t n)
{
    /* the letters at the end of the word: "(et al" -> "al" */
    size_t k = n;
    while (k > 0 && is_alpha((unsigned char)w[k - 1])) k--;
    if (n - k == 0 || n - k > 6) return 0;
    for (const char *const *a = abbrevs; *a; a++)
        if (strlen(*a) == n - k && strncasecmp(*a, w + k, n - k) == 0) return 1;
    return 0;
}

/* Strip a single trailing '.' (see clean.h); returns the new length. */
static size_t title_period(char *s, size_t n)
{
    while (n > 0 && s[n - 1] == '.') {
        if (n >= 2 && s[n - 2] == '.') break;                  /* "..", "..." */
        size_t w = n - 1;
        while (w > 0 && s[w - 1] != ' ') w--;
        if (w == n - 1) {                                       /* a lone "." word */
            n = w;
            while (n > 0 && s[n - 1] == ' ') n--;
            continue;
        }
        if (memchr(s + w, '.', n - 1 - w)) break;               /* "U.S.", "e.g." */
        if (is_abbrev(s + w, n - 1 - w)) break;                 /* "et al." */
        n--;
        break;
    }
    s[n] = 0;
    return n;
}

/* ---- public ---- */

void gt_clean_opts_default(gt_clean_opts *o)
{
    o->latex = GT_LATEX_KEEP;
    o->min_words = GT_CLEAN_MIN_WORDS;
    o->max_words = GT_CLEAN_MAX_WORDS;
    o->title_min_words = GT_CLEAN_TITLE_MIN_WORDS;
    o->title_max_words = GT_CLEAN_TITLE_MAX_WORDS;
}

int gt_latex_mode_parse(const char *s)
{
    if (strcmp(s, "keep") == 0) return GT_LATEX_KEEP;
    if (strcmp(s, "strip") == 0) return GT_LATEX_STRIP;
    if (strcmp(s, "text") == 0) return GT_LATEX_TEXT;
    return -1;
}

const char *gt_latex_mode_name(gt_latex_mode m)
{
    return m == GT_LATEX_STRIP ? "strip" : m == GT_LATEX_TEXT ? "text" : "keep";
}

#define NOUN "(?:paper|article|submission|manuscript|note|comment|preprint|posting|work|version" \
             "|letter|report|abstract|contribution|e-?print|draft|entry)s?"
#define WD "withdr[aoe]wn\\b"
#define VERB "(?:(?:is|was|are|were|has|have|had)\\s+)"
#define ADV "(?:(?:been|being|now|hereby|temporarily|permanently|officially)\\s+)*"

/* At the start (after an optional "arXiv admin note:"): "Withdrawn ...",
 * "Paper withdrawn", "This paper has been withdrawn", "This paper, which ...,
 * has been withdrawn", "This posting is INVALID and has been WITHDRAWN". */
static const char pat_wd_start[] =
    "(?:(?:arxiv\\s+)?admin(?:istrators?)?\\s+note\\s*:\\s*)?"
    "(?:(?:this\\s+|the\\s+)?(?:" NOUN "\\s+)?" WD
    "|(?:(?:this|the|our)\\s+(?:\\w+\\s+)?)?" NOUN "(?:\\s*\\(s\\))?"
    "(?:\\s*,[^.;]{0,200}?,|\\s+is\\s+\\w+\\s+and)?\\s+" VERB "?" ADV WD ")";
/* Anywhere: "... we withdraw this paper", "The authors would like to withdraw
 * this version"; at a later sentence start: ". The paper is withdrawn". */
static const char pat_wd_any[] =
    "\\b(?:we|i|authors?)\\s+(?:(?:would\\s+like\\s+to|have|hereby|decided\\s+to|must|therefore"
    "|thus|now)\\s+)*withdr[ae]wn?\\s+(?:this|the|our)\\s+(?:\\w+\\s+)?" NOUN "\\b"
    "|[.!?]\\s+(?:this|the|our)\\s+(?:\\w+\\s+)?" NOUN "(?:\\s*\\(s\\))?\\s+" VERB ADV WD;

/* A braced argument with at most one level of nested braces. */
#define ARG "\\{((?:[^{}]|\\{[^{}]*\\})*)\\}"
#define ACC_BASE "(\\\\[ij](?![A-Za-z])|[A-Za-z])"

gt_cleaner *gt_cleaner_new(const gt_clean_opts *o)
{
    static int sorted;
    if (!sorted) { qsort(words, nwords, sizeof words[0], word_cmp); sorted = 1; }
    init_classes();
    gt_cleaner *c = gt_xcalloc(1, sizeof *c);
    c->o = *o;
    c->re_math = compile(
        "(?<!\\\\)\\$\\$(.+?)(?<!\\\\)\\$\\$"
        "|(?<!\\\\)\\$((?:[^$\\\\]++|\\\\.)++)\\$"
        "|(?<!\\\\)\\\\\\((.+?)\\\\\\)"
        "|(?<!\\\\)\\\\\\[(.+?)\\\\\\]", 0);
    c->re_wd_start = compile(pat_wd_start, PCRE2_ANCHORED | PCRE2_CASELESS);
    c->re_wd_any = compile(pat_wd_any, PCRE2_CASELESS);
    c->re_acc_sym = compile("\\\\([`'^\"~=.])\\s*(?|\\{\\s*" ACC_BASE "\\s*\\}|" ACC_BASE ")",
                            PCRE2_ANCHORED);
    c->re_acc_let = compile("\\\\([cvuHkrdb])(?![A-Za-z])\\s*(?|\\{\\s*" ACC_BASE "\\s*\\}|" ACC_BASE "(?![A-Za-z]))",
                            PCRE2_ANCHORED);
    c->re_frac = compile("\\\\[dt]?frac\\s*(?|" ARG "|(\\\\[A-Za-z]+|[A-Za-z0-9]))"
                         "\\s*(?|" ARG "|(\\\\[A-Za-z]+|[A-Za-z0-9]))", PCRE2_ANCHORED);
    c->re_binom = compile("\\\\[dt]?binom\\s*(?|" ARG "|([A-Za-z0-9]))"
                          "\\s*(?|" ARG "|([A-Za-z0-9]))", PCRE2_ANCHORED);
    c->re_droparg = compile("\\\\[A-Za-z]+\\*?\\s*(?:\\[[^\\]]*\\]\\s*)*\\{[^{}]*\\}", PCRE2_ANCHORED);
    c->re_href = compile("\\\\href\\s*\\{[^{}]*\\}", PCRE2_ANCHORED);
    c->md = pcre2_match_data_create(8, NULL);
    return c;
}

void gt_cleaner_free(gt_cleaner *c)
{
    if (!c) return;
    pcre2_code *all[] = { c->re_math, c->re_wd_start, c->re_wd_any, c->re_acc_sym, c->re_acc_let,
                          c->re_frac, c->re_binom, c->re_droparg, c->re_href };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) pcre2_code_free(all[i]);
    pcre2_match_data_free(c->md);
    gt_buf_free(&c->a); gt_buf_free(&c->b);
    free(c);
}

const char *gt_clean_text(gt_cleaner *c, gt_text_kind kind, const char *s, size_t n, size_t *outlen)
{
    int tex;
    gt_buf *r = &c->a;
    collapse_sb(s, n, &c->a, &tex);
    if (tex && c->o.latex != GT_LATEX_KEEP) {
        c->removed = 0;
        latex_pass(c, c->a.p, c->a.n, &c->b);
        ties(c->b.p, c->b.n);
        collapse_sb(c->b.p, c->b.n, &c->a, NULL);
        if (c->removed) { tidy(c->a.p, c->a.n, &c->b); r = &c->b; }
    }
    if (kind == GT_TEXT_TITLE) r->n = title_period(r->p, r->n);
    *outlen = r->n;
    return r->p;
}

static int has_withdr(const char *s, size_t n)
{
    return memmem(s, n, "ithdr", 5) || memmem(s, n, "ITHDR", 5);
}

int gt_clean_is_withdrawn(gt_cleaner *c, const char *s, size_t n)
{
    if (!has_withdr(s, n)) return 0;
    return match(c, c->re_wd_start, s, n, 0) || match(c, c->re_wd_any, s, n, 0);
}

size_t gt_count_words(const char *s, size_t n)
{
    /* a word starts at each non-space byte that follows a space or the start */
    if (n == 0) return 0;
    size_t w = s[0] != ' ', i = 1;
#ifdef __SSE2__
    const __m128i sp = _mm_set1_epi8(' ');
    for (; i + 16 <= n; i += 16) {
        __m128i cur = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), sp);
        __m128i prev = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i - 1)), sp);
        w += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(_mm_andnot_si128(cur, prev)));
    }
#endif
    for (; i < n; i++) w += s[i] != ' ' && s[i - 1] == ' ';
    return w;
}

static int field_str(gt_rec *r, const char *key, const char **s, size_t *n, char *err, size_t errsz)
{
    int i = gt_rec_find(r, key);
    if (i < 0) { snprintf(err, errsz, "missing \"%s\"", key); return -1; }
    if (r->f[i].kind != GT_V_STR) { snprintf(err, errsz, "\"%s\" is not a string", key); return -1; }
    *s = gt_rec_at(r, r->f[i].val);
    *n = r->f[i].val.len;
    return 0;
}

int gt_clean_record(gt_cleaner *c, gt_rec *r, unsigned *changed, char *err, size_t errsz)
{
    const char *t, *a, *out;
    size_t tn, an, on;
    *changed = 0;
    if (field_str(r, "title", &t, &tn, err, errsz) || field_str(r, "abstract", &a, &an, err, errsz))
        return GT_CLEAN_MALFORMED;
    out = gt_clean_text(c, GT_TEXT_TITLE, t, tn, &on);
    size_t twords = gt_count_words(out, on);
    if (on != tn || memcmp(out, t, on) != 0) { gt_rec_set_str(r, "title", out, on); *changed |= 1; }
    field_str(r, "abstract", &a, &an, err, errsz);      /* the arena may have moved */
    out = gt_clean_text(c, GT_TEXT_ABSTRACT, a, an, &on);
    if (on != an || memcmp(out, a, on) != 0) { gt_rec_set_str(r, "abstract", out, on); *changed |= 2; }
    if (twords == 0 || on == 0) return GT_DROP_EMPTY;
    if (gt_clean_is_withdrawn(c, out, on)) return GT_DROP_WITHDRAWN;
    size_t awords = gt_count_words(out, on);
    if ((long)awords < c->o.min_words) return GT_DROP_ABSTRACT_SHORT;
    if (c->o.max_words > 0 && (long)awords > c->o.max_words) return GT_DROP_ABSTRACT_LONG;
    if ((long)twords < c->o.title_min_words) return GT_DROP_TITLE_SHORT;
    if (c->o.title_max_words > 0 && (long)twords > c->o.title_max_words) return GT_DROP_TITLE_LONG;
    return GT_CLEAN_KEEP;
}

const char *gt_clean_reason_name(int reason)
{
    static const char *const names[] = { "kept", "empty", "withdrawn", "abstract too short",
        "abstract too long", "title too short", "title too long" };
    return reason >= 0 && reason < GT_DROP_NREASONS ? names[reason] : "malformed";
}
