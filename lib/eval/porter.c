/* porter.c - Porter stemmer, NLTK_EXTENSIONS variant (see porter.h). */
#include "eval/porter.h"

#include <string.h>

/* Is W[I] a consonant?  a e i o u are vowels; y is a vowel after a consonant
 * and a consonant at the start or after a vowel; everything else is a
 * consonant.  A run of y's alternates, resolved by walking back over it. */
static int cons(const char *w, size_t i)
{
    char c = w[i];
    if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') return 0;
    if (c != 'y') return 1;
    int flip = 0;
    while (i > 0 && w[i] == 'y') { flip = !flip; i--; }
    c = w[i];
    int base;
    if (w[i] == 'y') base = 1;   /* the word starts with the run: y at 0 is a consonant */
    else base = !(c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u');
    return base != flip;
}

/* The measure m of W[0..K): the number of vowel-run -> consonant-run changes,
 * i.e. m in [C](VC){m}[V]. */
static int measure(const char *w, size_t k)
{
    int m = 0, prev_cons = 1;
    for (size_t i = 0; i < k; i++) {
        int c;
        char ch = w[i];
        if (ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u') c = 0;
        else if (ch == 'y') c = i == 0 ? 1 : !prev_cons;
        else c = 1;
        if (c && i > 0 && !prev_cons) m++;
        prev_cons = c;
    }
    return m;
}

static int has_vowel(const char *w, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (!cons(w, i)) return 1;
    return 0;
}

/* *d: ends with a double consonant */
static int ends_double(const char *w, size_t k)
{
    return k >= 2 && w[k - 1] == w[k - 2] && cons(w, k - 1);
}

/* *o: ends consonant-vowel-consonant, the last not w, x or y; NLTK also
 * accepts a whole two-letter stem vowel-consonant (any consonant). */
static int ends_cvc(const char *w, size_t k)
{
    if (k >= 3 && cons(w, k - 3) && !cons(w, k - 2) && cons(w, k - 1)
        && w[k - 1] != 'w' && w[k - 1] != 'x' && w[k - 1] != 'y')
        return 1;
    return k == 2 && !cons(w, 0) && cons(w, 1);
}

static int ends(const char *w, size_t k, const char *suf, size_t sl)
{
    return k >= sl && memcmp(w + k - sl, suf, sl) == 0;
}

enum { C_NONE, C_M0, C_M1, C_ION, C_LOGI };

typedef struct { const char *suf, *rep; int cond; } rule;

static int cond_ok(const char *w, size_t s, int cond)
{
    switch (cond) {
    case C_M0: return measure(w, s) > 0;
    case C_M1: return measure(w, s) > 1;
    case C_ION: return measure(w, s) > 1 && s > 0 && (w[s - 1] == 's' || w[s - 1] == 't');
    case C_LOGI: return measure(w, s + 1) > 0;    /* the stem keeps its 'l' */
    default: return 1;
    }
}

/* The first rule whose suffix W[0..*K) ends with decides: replaced when its
 * condition holds on the stem, else the word stays as it is. */
static void apply(char *w, size_t *k, const rule *rules, size_t nrules)
{
    for (size_t i = 0; i < nrules; i++) {
        size_t sl = strlen(rules[i].suf);
        if (!ends(w, *k, rules[i].suf, sl)) continue;
        size_t s = *k - sl;
        if (cond_ok(w, s, rules[i].cond)) {
            size_t rl = strlen(rules[i].rep);
            memcpy(w + s, rules[i].rep, rl);
            *k = s + rl;
        }
        return;
    }
}

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static void step1a(char *w, size_t *k)
{
    if (*k == 4 && ends(w, *k, "ies", 3)) { *k = 3; return; }   /* dies -> die */
    static const rule r[] = {
        { "sses", "ss", C_NONE }, { "ies", "i", C_NONE }, { "ss", "ss", C_NONE }, { "s", "", C_NONE },
    };
    apply(w, k, r, N_(r));
}

static void step1b(char *w, size_t *k)
{
    if (ends(w, *k, "ied", 3)) {            /* died -> die, cried -> cri */
        *k = *k == 4 ? 3 : *k - 2;
        return;
    }
    if (ends(w, *k, "eed", 3)) {
        if (measure(w, *k - 3) > 0) *k -= 1;
        return;
    }
    size_t s;
    if (ends(w, *k, "ed", 2) && has_vowel(w, *k - 2)) s = *k - 2;
    else if (ends(w, *k, "ing", 3) && has_vowel(w, *k - 3)) s = *k - 3;
    else return;
    *k = s;
    if (ends(w, s, "at", 2) || ends(w, s, "bl", 2) || ends(w, s, "iz", 2)) {
        w[(*k)++] = 'e';
    } else if (ends_double(w, s)) {
        char c = w[s - 1];
        if (c != 'l' && c != 's' && c != 'z') *k = s - 1;
    } else if (measure(w, s) == 1 && ends_cvc(w, s)) {
        w[(*k)++] = 'e';
    }
}

static void step1c(char *w, size_t *k)
{
    if (ends(w, *k, "y", 1)) {
        size_t s = *k - 1;
        if (s > 1 && cons(w, s - 1)) w[s] = 'i';
    }
}

static void step2(char *w, size_t *k)
{
    while (ends(w, *k, "alli", 4) && measure(w, *k - 4) > 0)
        *k -= 2;                                    /* alli -> al, then again */
    static const rule r[] = {
        { "ational", "ate", C_M0 }, { "tional", "tion", C_M0 }, { "enci", "ence", C_M0 },
        { "anci", "ance", C_M0 }, { "izer", "ize", C_M0 }, { "bli", "ble", C_M0 },
        { "alli", "al", C_M0 }, { "entli", "ent", C_M0 }, { "eli", "e", C_M0 },
        { "ousli", "ous", C_M0 }, { "ization", "ize", C_M0 }, { "ation", "ate", C_M0 },
        { "ator", "ate", C_M0 }, { "alism", "al", C_M0 }, { "iveness", "ive", C_M0 },
        { "fulness", "ful", C_M0 }, { "ousness", "ous", C_M0 }, { "aliti", "al", C_M0 },
        { "iviti", "ive", C_M0 }, { "biliti", "ble", C_M0 }, { "fulli", "ful", C_M0 },
        { "logi", "log", C_LOGI },
    };
    apply(w, k, r, N_(r));
}

static void step3(char *w, size_t *k)
{
    static const rule r[] = {
        { "icate", "ic", C_M0 }, { "ative", "", C_M0 }, { "alize", "al", C_M0 },
        { "iciti", "ic", C_M0 }, { "ical", "ic", C_M0 }, { "ful", "", C_M0 }, { "ness", "", C_M0 },
    };
    apply(w, k, r, N_(r));
}

static void step4(char *w, size_t *k)
{
    static const rule r[] = {
        { "al", "", C_M1 }, { "ance", "", C_M1 }, { "ence", "", C_M1 }, { "er", "", C_M1 },
        { "ic", "", C_M1 }, { "able", "", C_M1 }, { "ible", "", C_M1 }, { "ant", "", C_M1 },
        { "ement", "", C_M1 }, { "ment", "", C_M1 }, { "ent", "", C_M1 }, { "ion", "", C_ION },
        { "ou", "", C_M1 }, { "ism", "", C_M1 }, { "ate", "", C_M1 }, { "iti", "", C_M1 },
        { "ous", "", C_M1 }, { "ive", "", C_M1 }, { "ize", "", C_M1 },
    };
    apply(w, k, r, N_(r));
}

static void step5(char *w, size_t *k)
{
    if (ends(w, *k, "e", 1)) {
        size_t s = *k - 1;
        int m = measure(w, s);
        if (m > 1 || (m == 1 && !ends_cvc(w, s))) *k = s;
    }
    if (ends(w, *k, "ll", 2) && measure(w, *k - 1) > 1) *k -= 1;
}

/* Irregular forms NLTK maps directly. */
static const struct { const char *from, *to; } irregular[] = {
    { "sky", "sky" }, { "skies", "sky" }, { "dying", "die" }, { "lying", "lie" },
    { "tying", "tie" }, { "news", "news" }, { "innings", "inning" }, { "inning", "inning" },
    { "outings", "outing" }, { "outing", "outing" }, { "cannings", "canning" },
    { "canning", "canning" }, { "howe", "howe" }, { "proceed", "proceed" },
    { "exceed", "exceed" }, { "succeed", "succeed" },
};

size_t gt_porter_stem(char *w, size_t n)
{
    for (size_t i = 0; i < N_(irregular); i++) {
        size_t fl = strlen(irregular[i].from);
        if (fl == n && memcmp(w, irregular[i].from, n) == 0) {
            size_t tl = strlen(irregular[i].to);
            memcpy(w, irregular[i].to, tl);
            return tl;
        }
    }
    if (n <= 2) return n;
    size_t k = n;
    step1a(w, &k);
    step1b(w, &k);
    step1c(w, &k);
    step2(w, &k);
    step3(w, &k);
    step4(w, &k);
    step5(w, &k);
    return k;
}
