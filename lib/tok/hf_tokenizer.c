/* hf_tokenizer.c - Hugging Face tokenizer.json BPE (see hf_tokenizer.h).
 *
 * Encoding follows tokenizers (0.19-0.23) step by step:
 *  - AddedVocabulary::extract_and_normalize: added tokens with normalized:false
 *    are cut out of the raw text (leftmost-longest, lstrip/rstrip/single_word),
 *    each other piece is normalised, then tokens with normalized:true are cut
 *    out of the normalised pieces (their patterns are normalised too);
 *  - the pre-tokenizer splits each piece (Split behaviours as in
 *    normalizer.rs, regex matches as the onig crate's find_iter);
 *  - BPE::tokenize_with_cache + merge_word + Word::merge_all: symbols are the
 *    characters (byte-level: the bytes), a character not in the vocabulary
 *    becomes its <0xNN> pieces (byte_fallback) or unk (fused with fuse_unk);
 *    merges are keyed by the pair of ids and applied lowest rank first, ties
 *    leftmost, a queued merge being dropped when the pair no longer maps to
 *    its new id.
 * Byte-level BPE is run on raw bytes: the vocabulary is translated back
 * through GPT-2's bytes_to_unicode table when loading. Each token keeps the
 * byte offset in the original text where it starts (for marks). */
#include "core/buf.h"
#include "core/utf8.h"
#include "tok/hf_tokenizer.h"
#include "core/util.h"
#include "io/json.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- small helpers ---------- */

static char *dupn(const char *s, size_t n)
{
    char *p = gt_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Rust's char::is_whitespace (Unicode White_Space). */
static int is_ws(uint32_t c)
{
    return (c >= 9 && c <= 13) || c == 32 || c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* GPT-2's bytes_to_unicode: the code point standing for each byte. */
static uint32_t byte_cp[256];
static int16_t cp_byte[324];

static void init_bytemap(void)
{
    if (byte_cp['!']) return;
    int n = 0;
    for (int b = 0; b < 256; b++) {
        int keep = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
        byte_cp[b] = keep ? (uint32_t)b : (uint32_t)(256 + n++);
    }
    for (int i = 0; i < 324; i++) cp_byte[i] = -1;
    for (int b = 0; b < 256; b++) cp_byte[byte_cp[b]] = (int16_t)b;
}

/* ---------- string -> id tables ---------- */

typedef struct { uint32_t hash; int32_t id; } hslot;
typedef struct { hslot *s; uint32_t mask; char **str; uint32_t *len; } htab;

static void ht_init(htab *t, size_t n, char **str, uint32_t *len)
{
    size_t cap = 16;
    while (cap < n * 2 + 1) cap <<= 1;
    t->s = gt_xmalloc(cap * sizeof *t->s);
    for (size_t i = 0; i < cap; i++) t->s[i].id = -1;
    t->mask = (uint32_t)(cap - 1);
    t->str = str;
    t->len = len;
}

static inline int32_t ht_find(const htab *t, const char *s, size_t n)
{
    uint64_t h64 = gt_hash64(s, n, 0x5bd1e995);
    uint32_t h = (uint32_t)(h64 >> 32), i = (uint32_t)h64 & t->mask;
    for (;;) {
        const hslot *e = &t->s[i];
        if (e->id < 0) return -1;
        if (e->hash == h && t->len[e->id] == n && memcmp(t->str[e->id], s, n) == 0) return e->id;
        i = (i + 1) & t->mask;
    }
}

/* Insert ID (its string is t->str[id]); the first of duplicates wins. */
static void ht_add(htab *t, int32_t id)
{
    if (ht_find(t, t->str[id], t->len[id]) >= 0) return;
    uint64_t h64 = gt_hash64(t->str[id], t->len[id], 0x5bd1e995);
    uint32_t i = (uint32_t)h64 & t->mask;
    while (t->s[i].id >= 0) i = (i + 1) & t->mask;
    t->s[i].hash = (uint32_t)(h64 >> 32);
    t->s[i].id = id;
}

/* ---------- the tokenizer ---------- */

typedef struct { uint64_t key; uint32_t rank; int32_t id; } mslot;   /* id -1: empty */

enum { N_PREPEND, N_REPLACE };
typedef struct { int kind; char *s; size_t sn; char *content; size_t cn; pcre2_code *re; } nop;

enum { P_SPLIT, P_BYTELEVEL, P_METASPACE };
enum { B_REMOVED, B_ISOLATED, B_PREV, B_NEXT, B_CONTIG };
enum { S_ALWAYS, S_FIRST, S_NEVER };
typedef struct {
    int kind;
    pcre2_code *re;
    int behavior, invert;
    int add_prefix, use_regex;
    char rep[8]; size_t repn;
    int scheme, split;
} pop;

enum { D_REPLACE, D_BYTEFALLBACK, D_FUSE, D_STRIP, D_BYTELEVEL, D_METASPACE };
typedef struct {
    int kind;
    char *pat; size_t pn;
    char *content; size_t cn;
    uint32_t ch;
    int start, stop;
    int scheme;
} dop;

typedef struct {
    char *s; size_t n;          /* content */
    char *pat; size_t patn;     /* what is matched (normalised content for normalized tokens) */
    int32_t id;
    int single_word, lstrip, rstrip, normalized, special;
} added;

typedef struct {
    int *idx; int n;            /* into add[], longest pattern first */
    uint8_t first[256];
} matcher;

struct gt_hf {
    int ntok;
    char **tok; uint32_t *toklen;       /* id -> string shown (added content first) */
    uint8_t *special;
    char **mtok; uint32_t *mtoklen;     /* id -> model vocabulary string (NULL: none) */
    char **mstr; uint32_t *mslen;       /* id -> model-space string (byte-level: bytes) */
    htab vocab, ms;
    mslot *mg; uint64_t mgmask;
    int bytelevel;
    int32_t byte_id[256], bf_id[256];
    int byte_fallback, fuse_unk, ignore_merges;
    int split_ok;                       /* words may be cut before a U+2581 that follows another character */
    int32_t unk;
    nop *nops; int nnops;
    double grow;                        /* the normaliser's output: at most grow x its input (+ prepends) */
    pop *pops; int npops;
    dop *dops; int ndops, has_decoder;
    added *add; int nadd;
    matcher raw, norm;
    int bos, eos;
    int guessed;            /* GT_TOK_GUESSED_BOS | _EOS: found by name, not in the post-processor */
    uint64_t fp;
};

static inline uint64_t mkey(int32_t a, int32_t b) { return (uint64_t)(uint32_t)a << 32 | (uint32_t)b; }

static inline const mslot *mg_find(const gt_hf *h, int32_t a, int32_t b)
{
    uint64_t k = mkey(a, b);
    uint64_t i = (k * 0x9e3779b97f4a7c15ULL) >> 20 & h->mgmask;
    for (;;) {
        const mslot *e = &h->mg[i];
        if (e->id < 0) return NULL;
        if (e->key == k) return e;
        i = (i + 1) & h->mgmask;
    }
}

static void mg_put(gt_hf *h, int32_t a, int32_t b, uint32_t rank, int32_t id)
{
    uint64_t k = mkey(a, b);
    uint64_t i = (k * 0x9e3779b97f4a7c15ULL) >> 20 & h->mgmask;
    for (;;) {
        mslot *e = &h->mg[i];
        if (e->id < 0 || e->key == k) {     /* a later duplicate replaces (HashMap::insert) */
            e->key = k; e->rank = rank; e->id = id;
            return;
        }
        i = (i + 1) & h->mgmask;
    }
}

/* ---------- JSON helpers (io/json.h) ---------- */

/* A flag at KEY of O: DEF when absent or null; anything but true is false. */
static int jflag(yajl_val o, const char *key, int def) { return gt_json_bool(gt_json_get(o, key), def) == 1; }

/* Oniguruma's \s is [\t-\r\x85\p{Z}]; PCRE2's (UCP) also has U+180E. The
 * output grows as it goes: each \s or \S (2 bytes) becomes 16 to 19. */
static char *onig_to_pcre(const char *p, size_t n)
{
    gt_buf o = { 0 };
    int cls = 0;
    for (size_t i = 0; i < n; i++) {
        const char *add = NULL;
        if (p[i] == '\\' && i + 1 < n) {
            if (p[i + 1] == 's') add = cls ? "\\t-\\r\\x{85}\\p{Z}" : "[\\t-\\r\\x{85}\\p{Z}]";
            else if (p[i + 1] == 'S' && !cls) add = "[^\\t-\\r\\x{85}\\p{Z}]";
            if (add) gt_buf_adds(&o, add);
            else gt_buf_add(&o, p + i, 2);
            i++;
            continue;
        }
        if (p[i] == '[') cls++;
        else if (p[i] == ']' && cls) cls--;
        gt_buf_putc(&o, p[i]);
    }
    gt_buf_nul(&o);
    return o.p;
}

static pcre2_code *compile(const char *pat, size_t n, int literal, char *err, size_t errsz, const char *what)
{
    int ec;
    PCRE2_SIZE eo;
    char *tr = literal ? NULL : onig_to_pcre(pat, n);
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)(literal ? pat : tr), literal ? n : strlen(tr),
                                   PCRE2_UTF | PCRE2_NO_UTF_CHECK | (literal ? PCRE2_LITERAL : PCRE2_UCP), &ec, &eo,
                                   NULL);
    free(tr);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        snprintf(err, errsz, "%s: cannot compile the regular expression: %s", what, (char *)msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter if JIT is unavailable */
    return re;
}

/* A pattern {"String": s} or {"Regex": r}. */
static pcre2_code *jpattern(yajl_val o, char **lit, size_t *litn, char *err, size_t errsz, const char *what)
{
    yajl_val pat = gt_json_get(o, "pattern");
    const char *s = gt_json_str(pat, "String"), *r = gt_json_str(pat, "Regex");
    if (lit) { *lit = NULL; *litn = 0; }
    if (s) {
        if (!*s) { snprintf(err, errsz, "%s: empty pattern", what); return NULL; }
        if (lit) { *litn = strlen(s); *lit = dupn(s, *litn); }
        return compile(s, strlen(s), 1, err, errsz, what);
    }
    if (r) return compile(r, strlen(r), 0, err, errsz, what);
    snprintf(err, errsz, "%s: no \"pattern\" (String or Regex)", what);
    return NULL;
}

/* ---------- loading ---------- */

/* A normaliser may make a text at most this many times longer (Prepend's bytes
 * aside): chained Replace steps could multiply a line a million-fold. Real
 * ones stay far below (LLaMA's: Replace(" ", U+2581), 3 bytes for 1). */
#define MAX_NORM_GROWTH 64

static int load_normalizer(gt_hf *h, yajl_val n, char *err, size_t errsz)
{
    if (gt_json_null(n)) return 0;
    const char *ty = gt_json_str(n, "type");
    if (!ty) { snprintf(err, errsz, "normalizer without a \"type\""); return -1; }
    if (strcmp(ty, "Sequence") == 0) {
        yajl_val a = gt_json_get(n, "normalizers");
        if (!a || !YAJL_IS_ARRAY(a)) { snprintf(err, errsz, "normalizer Sequence without \"normalizers\""); return -1; }
        for (size_t i = 0; i < a->u.array.len; i++)
            if (load_normalizer(h, a->u.array.values[i], err, errsz)) return -1;
        return 0;
    }
    nop op = { 0 };
    if (strcmp(ty, "Prepend") == 0) {
        const char *s = gt_json_str(n, "prepend");
        if (!s) { snprintf(err, errsz, "normalizer Prepend without \"prepend\""); return -1; }
        op.kind = N_PREPEND;
        op.sn = strlen(s);
        op.s = dupn(s, op.sn);
    } else if (strcmp(ty, "Replace") == 0) {
        const char *c = gt_json_str(n, "content");
        if (!c) { snprintf(err, errsz, "normalizer Replace without \"content\""); return -1; }
        op.kind = N_REPLACE;
        op.re = jpattern(n, NULL, NULL, err, errsz, "normalizer Replace");
        if (!op.re) return -1;
        op.cn = strlen(c);
        op.content = dupn(c, op.cn);
        /* each match (not empty: an empty one replaces nothing) of at least
         * MINLENGTH bytes becomes cn bytes */
        uint32_t minlen = 0;
        pcre2_pattern_info(op.re, PCRE2_INFO_MINLENGTH, &minlen);
        double g = (double)op.cn / (minlen ? minlen : 1);
        if (g > 1) h->grow *= g;
        h->nops = gt_xrealloc(h->nops, (size_t)(h->nnops + 1) * sizeof *h->nops);
        h->nops[h->nnops++] = op;
        if (h->grow > MAX_NORM_GROWTH) {
            snprintf(err, errsz, "normalizer Replace with \"%.40s\": the normalizers could make a text %.0f times "
                     "longer (at most %d)", c, h->grow, MAX_NORM_GROWTH);
            return -1;
        }
        return 0;
    } else {
        snprintf(err, errsz, "unsupported normalizer \"%s\" (supported: Prepend, Replace, Sequence)", ty);
        return -1;
    }
    h->nops = gt_xrealloc(h->nops, (size_t)(h->nnops + 1) * sizeof *h->nops);
    h->nops[h->nnops++] = op;
    return 0;
}

static int scheme_of(yajl_val n, int *scheme, char *err, size_t errsz)
{
    const char *ps = gt_json_str(n, "prepend_scheme");
    if (!ps) { *scheme = jflag(n, "add_prefix_space", 1) ? S_ALWAYS : S_NEVER; return 0; }
    if (strcmp(ps, "always") == 0) *scheme = S_ALWAYS;
    else if (strcmp(ps, "first") == 0) *scheme = S_FIRST;
    else if (strcmp(ps, "never") == 0) *scheme = S_NEVER;
    else { snprintf(err, errsz, "Metaspace: unknown prepend_scheme \"%s\"", ps); return -1; }
    return 0;
}

static int load_pretok(gt_hf *h, yajl_val n, char *err, size_t errsz)
{
    if (gt_json_null(n)) return 0;
    const char *ty = gt_json_str(n, "type");
    if (!ty) { snprintf(err, errsz, "pre_tokenizer without a \"type\""); return -1; }
    if (h->bytelevel) {
        snprintf(err, errsz, "pre_tokenizer \"%s\" after ByteLevel is not supported (ByteLevel must come last)", ty);
        return -1;
    }
    if (strcmp(ty, "Sequence") == 0) {
        yajl_val a = gt_json_get(n, "pretokenizers");
        if (!a || !YAJL_IS_ARRAY(a)) { snprintf(err, errsz, "pre_tokenizer Sequence without \"pretokenizers\""); return -1; }
        for (size_t i = 0; i < a->u.array.len; i++)
            if (load_pretok(h, a->u.array.values[i], err, errsz)) return -1;
        return 0;
    }
    pop op = { 0 };
    if (strcmp(ty, "Split") == 0) {
        op.kind = P_SPLIT;
        const char *b = gt_json_str(n, "behavior");
        if (!b) { snprintf(err, errsz, "pre_tokenizer Split without \"behavior\""); return -1; }
        if (strcmp(b, "Removed") == 0) op.behavior = B_REMOVED;
        else if (strcmp(b, "Isolated") == 0) op.behavior = B_ISOLATED;
        else if (strcmp(b, "MergedWithPrevious") == 0) op.behavior = B_PREV;
        else if (strcmp(b, "MergedWithNext") == 0) op.behavior = B_NEXT;
        else if (strcmp(b, "Contiguous") == 0) op.behavior = B_CONTIG;
        else { snprintf(err, errsz, "pre_tokenizer Split: unknown behavior \"%s\"", b); return -1; }
        op.invert = jflag(n, "invert", 0);
        op.re = jpattern(n, NULL, NULL, err, errsz, "pre_tokenizer Split");
        if (!op.re) return -1;
    } else if (strcmp(ty, "Digits") == 0) {
        op.kind = P_SPLIT;
        op.behavior = jflag(n, "individual_digits", 0) ? B_ISOLATED : B_CONTIG;
        op.re = compile("\\p{N}", 5, 0, err, errsz, "pre_tokenizer Digits");
        if (!op.re) return -1;
    } else if (strcmp(ty, "ByteLevel") == 0) {
        op.kind = P_BYTELEVEL;
        op.add_prefix = jflag(n, "add_prefix_space", 1);
        op.use_regex = jflag(n, "use_regex", 1);
        if (op.use_regex) {
            static const char gpt2[] = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
            op.re = compile(gpt2, sizeof gpt2 - 1, 0, err, errsz, "pre_tokenizer ByteLevel");
            if (!op.re) return -1;
        }
        h->bytelevel = 1;
    } else if (strcmp(ty, "Metaspace") == 0) {
        op.kind = P_METASPACE;
        const char *r = gt_json_str(n, "replacement");
        if (!r || !*r) { snprintf(err, errsz, "pre_tokenizer Metaspace without \"replacement\""); return -1; }
        int l = gt_utf8_len((const unsigned char *)r, strlen(r));
        if (l == 0 || (size_t)l != strlen(r)) { snprintf(err, errsz, "pre_tokenizer Metaspace: replacement is not one character"); return -1; }
        memcpy(op.rep, r, (size_t)l);
        op.repn = (size_t)l;
        if (scheme_of(n, &op.scheme, err, errsz)) return -1;
        op.split = jflag(n, "split", 1);
        if (op.split) {
            op.re = compile(r, op.repn, 1, err, errsz, "pre_tokenizer Metaspace");
            if (!op.re) return -1;
            op.behavior = B_NEXT;
        }
    } else {
        snprintf(err, errsz, "unsupported pre_tokenizer \"%s\" (supported: ByteLevel, Split, Digits, Metaspace, Sequence)", ty);
        return -1;
    }
    h->pops = gt_xrealloc(h->pops, (size_t)(h->npops + 1) * sizeof *h->pops);
    h->pops[h->npops++] = op;
    return 0;
}

static int load_decoder(gt_hf *h, yajl_val n, char *err, size_t errsz)
{
    if (gt_json_null(n)) return 0;
    const char *ty = gt_json_str(n, "type");
    if (!ty) { snprintf(err, errsz, "decoder without a \"type\""); return -1; }
    h->has_decoder = 1;
    if (strcmp(ty, "Sequence") == 0) {
        yajl_val a = gt_json_get(n, "decoders");
        if (!a || !YAJL_IS_ARRAY(a)) { snprintf(err, errsz, "decoder Sequence without \"decoders\""); return -1; }
        for (size_t i = 0; i < a->u.array.len; i++)
            if (load_decoder(h, a->u.array.values[i], err, errsz)) return -1;
        return 0;
    }
    dop op = { 0 };
    if (strcmp(ty, "Replace") == 0) {
        op.kind = D_REPLACE;
        const char *c = gt_json_str(n, "content");
        const char *s = gt_json_str(gt_json_get(n, "pattern"), "String");
        if (!c || !s || !*s) { snprintf(err, errsz, "decoder Replace: only a String pattern and a content are supported"); return -1; }
        op.pn = strlen(s); op.pat = dupn(s, op.pn);
        op.cn = strlen(c); op.content = dupn(c, op.cn);
    } else if (strcmp(ty, "ByteFallback") == 0) {
        op.kind = D_BYTEFALLBACK;
    } else if (strcmp(ty, "Fuse") == 0) {
        op.kind = D_FUSE;
    } else if (strcmp(ty, "Strip") == 0) {
        op.kind = D_STRIP;
        const char *c = gt_json_str(n, "content");
        yajl_val a = gt_json_get(n, "start"), b = gt_json_get(n, "stop");
        int l;
        if (!c || !*c || !a || !b || !YAJL_IS_INTEGER(a) || !YAJL_IS_INTEGER(b) ||
            !gt_utf8_len((const unsigned char *)c, strlen(c))) {
            snprintf(err, errsz, "decoder Strip needs \"content\", \"start\" and \"stop\"");
            return -1;
        }
        op.ch = gt_utf8_decode((const unsigned char *)c, &l);
        op.start = (int)YAJL_GET_INTEGER(a);
        op.stop = (int)YAJL_GET_INTEGER(b);
    } else if (strcmp(ty, "ByteLevel") == 0) {
        op.kind = D_BYTELEVEL;
    } else if (strcmp(ty, "Metaspace") == 0) {
        op.kind = D_METASPACE;
        const char *r = gt_json_str(n, "replacement");
        int l;
        if (!r || !*r || !gt_utf8_len((const unsigned char *)r, strlen(r))) { snprintf(err, errsz, "decoder Metaspace without \"replacement\""); return -1; }
        op.ch = gt_utf8_decode((const unsigned char *)r, &l);
        if (scheme_of(n, &op.scheme, err, errsz)) return -1;
    } else {
        snprintf(err, errsz, "unsupported decoder \"%s\" (supported: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, Sequence)", ty);
        return -1;
    }
    h->dops = gt_xrealloc(h->dops, (size_t)(h->ndops + 1) * sizeof *h->dops);
    h->dops[h->ndops++] = op;
    return 0;
}

static const gt_hf *cmp_h;
static int cmp_patlen(const void *a, const void *b)
{
    size_t la = cmp_h->add[*(const int *)a].patn, lb = cmp_h->add[*(const int *)b].patn;
    return la < lb ? 1 : la > lb ? -1 : 0;
}

static void build_matcher(gt_hf *h, matcher *m, int normalized)
{
    m->idx = gt_xmalloc((size_t)(h->nadd + 1) * sizeof *m->idx);
    m->n = 0;
    memset(m->first, 0, sizeof m->first);
    for (int i = 0; i < h->nadd; i++)
        if (h->add[i].normalized == normalized && h->add[i].patn > 0) {
            m->idx[m->n++] = i;
            m->first[(unsigned char)h->add[i].pat[0]] = 1;
        }
    cmp_h = h;
    qsort(m->idx, (size_t)m->n, sizeof *m->idx, cmp_patlen);   /* stable enough: equal lengths differ */
}

/* The id of token S: an added token, else a vocabulary entry; -1 if none. */
static int piece_id(const gt_hf *h, const char *s, size_t n)
{
    for (int i = 0; i < h->nadd; i++)
        if (h->add[i].n == n && memcmp(h->add[i].s, s, n) == 0) return h->add[i].id;
    return h->vocab.s ? ht_find(&h->vocab, s, n) : -1;
}

static int special_id(const gt_hf *h, yajl_val pp, const char *name)
{
    yajl_val st = gt_json_get(gt_json_get(pp, "special_tokens"), name);
    yajl_val ids = gt_json_get(st, "ids");
    if (ids && YAJL_IS_ARRAY(ids) && ids->u.array.len == 1 && YAJL_IS_INTEGER(ids->u.array.values[0]))
        return (int)YAJL_GET_INTEGER(ids->u.array.values[0]);
    return piece_id(h, name, strlen(name));
}

static void find_bos_eos(gt_hf *h, yajl_val pp)
{
    const char *ty = gt_json_str(pp, "type");
    if (!ty) return;
    if (strcmp(ty, "Sequence") == 0) {
        yajl_val a = gt_json_get(pp, "processors");
        if (a && YAJL_IS_ARRAY(a))
            for (size_t i = 0; i < a->u.array.len; i++) find_bos_eos(h, a->u.array.values[i]);
    } else if (strcmp(ty, "TemplateProcessing") == 0) {
        yajl_val a = gt_json_get(pp, "single");
        if (!a || !YAJL_IS_ARRAY(a)) return;
        int seen_seq = 0;
        for (size_t i = 0; i < a->u.array.len; i++) {
            yajl_val e = a->u.array.values[i];
            const char *name = gt_json_str(gt_json_get(e, "SpecialToken"), "id");
            if (gt_json_get(e, "Sequence")) seen_seq = 1;
            else if (name && !seen_seq && h->bos < 0) h->bos = special_id(h, pp, name);
            else if (name && seen_seq && h->eos < 0) h->eos = special_id(h, pp, name);
        }
    } else if (strcmp(ty, "RobertaProcessing") == 0 || strcmp(ty, "BertProcessing") == 0) {
        yajl_val c = gt_json_get(pp, "cls"), s = gt_json_get(pp, "sep");
        if (c && YAJL_IS_ARRAY(c) && c->u.array.len == 2 && YAJL_IS_INTEGER(c->u.array.values[1]) && h->bos < 0)
            h->bos = (int)YAJL_GET_INTEGER(c->u.array.values[1]);
        if (s && YAJL_IS_ARRAY(s) && s->u.array.len == 2 && YAJL_IS_INTEGER(s->u.array.values[1]) && h->eos < 0)
            h->eos = (int)YAJL_GET_INTEGER(s->u.array.values[1]);
    }
}

static void normalize_str(const gt_hf *h, const char *s, size_t n, char **out, size_t *outn);

/* The id arrays for NT ids and the string tables for about N entries. */
static void alloc_ids(gt_hf *h, int nt, size_t n)
{
    h->ntok = nt;
    h->tok = gt_xcalloc((size_t)nt, sizeof *h->tok);
    h->toklen = gt_xcalloc((size_t)nt, sizeof *h->toklen);
    h->special = gt_xcalloc((size_t)nt, 1);
    h->mtok = gt_xcalloc((size_t)nt, sizeof *h->mtok);
    h->mtoklen = gt_xcalloc((size_t)nt, sizeof *h->mtoklen);
    h->mstr = gt_xcalloc((size_t)nt, sizeof *h->mstr);
    h->mslen = gt_xcalloc((size_t)nt, sizeof *h->mslen);
    ht_init(&h->vocab, n, h->mtok, h->mtoklen);
    ht_init(&h->ms, n, h->mstr, h->mslen);
}

/* The model-space string of every vocabulary entry (byte-level: its bytes),
 * the byte and <0xNN> ids, and whether words may be cut before a U+2581. */
static void model_space(gt_hf *h)
{
    int nt = h->ntok;
    for (int id = 0; id < nt; id++) {
        if (!h->mtok[id]) continue;
        if (!h->bytelevel) {
            h->mstr[id] = h->mtok[id];
            h->mslen[id] = h->mtoklen[id];
        } else {
            const unsigned char *s = (const unsigned char *)h->mtok[id];
            size_t sl = h->mtoklen[id], k = 0;
            char *o = gt_xmalloc(sl + 1);
            int ok = 1;
            for (size_t i = 0; i < sl;) {
                int l = gt_utf8_len(s + i, sl - i);
                if (!l) { ok = 0; break; }
                uint32_t cp = gt_utf8_decode(s + i, &l);
                if (cp >= 324 || cp_byte[cp] < 0) { ok = 0; break; }
                o[k++] = (char)cp_byte[cp];
                i += (size_t)l;
            }
            if (!ok) { free(o); continue; }
            h->mstr[id] = o;
            h->mslen[id] = (uint32_t)k;
        }
        ht_add(&h->ms, id);
    }
    for (int b = 0; b < 256; b++) {
        char nm[8];
        snprintf(nm, sizeof nm, "<0x%02X>", b);
        h->bf_id[b] = ht_find(&h->vocab, nm, 6);
        char c1 = (char)b;
        h->byte_id[b] = h->bytelevel ? ht_find(&h->ms, &c1, 1) : -1;
    }
    /* SentencePiece-style vocabularies (LLaMA's): when "▁" is a token and no
     * token holds "▁" after another character, no merge can cross the point
     * before a "▁" that follows another character, so words are cut there and
     * the pieces encoded (and cached) alone: same ids, much faster. */
    h->split_ok = !h->bytelevel && ht_find(&h->vocab, "\xe2\x96\x81", 3) >= 0;
    for (int id = 0; id < nt && h->split_ok; id++) {
        const char *q = h->mtok[id];
        for (uint32_t k = 3; q && k + 3 <= h->mtoklen[id]; k++)
            if (memcmp(q + k, "\xe2\x96\x81", 3) == 0 && memcmp(q + k - 3, "\xe2\x96\x81", 3) != 0) {
                h->split_ok = 0;
                break;
            }
    }
}

static void alloc_merges(gt_hf *h, size_t nm)
{
    size_t cap = 16;
    while (cap < nm * 2 + 2) cap <<= 1;
    h->mg = gt_xmalloc(cap * sizeof *h->mg);
    for (size_t i = 0; i < cap; i++) h->mg[i].id = -1;
    h->mgmask = cap - 1;
}

/* Merge I of A (AL bytes) and B (BL bytes): both and their concatenation
 * must be tokens. FIRST_WINS: a pair given again keeps its first rank
 * (llama.cpp), else the later one replaces it (tokenizers). *CAT is scratch. */
static int add_merge(gt_hf *h, size_t i, const char *a, size_t al, const char *b, size_t bl, int first_wins,
                     char **cat, size_t *catcap, char *err, size_t errsz)
{
    int32_t ia = ht_find(&h->vocab, a, al), ib = ht_find(&h->vocab, b, bl);
    if (al + bl + 1 > *catcap) { *catcap = (al + bl + 1) * 2; *cat = gt_xrealloc(*cat, *catcap); }
    memcpy(*cat, a, al);
    memcpy(*cat + al, b, bl);
    int32_t inew = ht_find(&h->vocab, *cat, al + bl);
    if (ia < 0 || ib < 0 || inew < 0) {
        const char *miss = ia < 0 ? a : ib < 0 ? b : *cat;
        int ml = (int)(ia < 0 ? al : ib < 0 ? bl : al + bl);
        char shown[48];
        snprintf(shown, sizeof shown, "%.*s", ml < 40 ? ml : 40, miss);
        return gt_fail(err, errsz, "merge %zu: token \"%s\" is not in the vocabulary", i, shown);
    }
    if (!first_wins || !mg_find(h, ia, ib)) mg_put(h, ia, ib, (uint32_t)i, inew);
    return 0;
}

gt_hf *gt_hf_load_mem(const void *data, size_t n, char *err, size_t errsz)
{
    init_bytemap();
    char *txt = gt_xmalloc(n + 1);
    memcpy(txt, data, n);
    txt[n] = 0;
    char jerr[256];
    yajl_val root = gt_json_parse(txt, jerr, sizeof jerr);
    free(txt);
    if (!root) {
        jerr[strcspn(jerr, "\n")] = 0;     /* yajl's first line, without the context it draws */
        snprintf(err, errsz, "invalid JSON (%s)", jerr);
        return NULL;
    }
    gt_hf *h = gt_xcalloc(1, sizeof *h);
    h->bos = h->eos = h->unk = -1;
    h->grow = 1;
#define FAIL(...) do { snprintf(err, errsz, __VA_ARGS__); goto fail; } while (0)
#define FAILED() goto fail
    if (!YAJL_IS_OBJECT(root)) FAIL("not a tokenizer.json (not a JSON object)");
    yajl_val model = gt_json_get(root, "model");
    if (!model || !YAJL_IS_OBJECT(model)) FAIL("not a tokenizer.json (no \"model\" object)");
    const char *mtype = gt_json_str(model, "type");
    yajl_val vocab = gt_json_get(model, "vocab"), merges = gt_json_get(model, "merges");
    if (mtype && strcmp(mtype, "BPE") != 0)
        FAIL("unsupported model type \"%s\" (only BPE is supported)", mtype);
    if (!mtype && (!merges || !vocab)) FAIL("model has no \"type\" and is not a BPE model");
    if (!vocab || !YAJL_IS_OBJECT(vocab)) FAIL("BPE model without a \"vocab\" object");
    if (!merges || !YAJL_IS_ARRAY(merges)) FAIL("BPE model without a \"merges\" array");
    yajl_val dropout = gt_json_get(model, "dropout");
    if (!gt_json_null(dropout) && !(YAJL_IS_NUMBER(dropout) && YAJL_GET_DOUBLE(dropout) == 0.0))
        FAIL("BPE dropout is not supported (encoding would be random)");
    const char *csp = gt_json_str(model, "continuing_subword_prefix"), *ews = gt_json_str(model, "end_of_word_suffix");
    if ((csp && *csp) || (ews && *ews))
        FAIL("BPE continuing_subword_prefix / end_of_word_suffix are not supported");
    h->byte_fallback = jflag(model, "byte_fallback", 0);
    h->fuse_unk = jflag(model, "fuse_unk", 0);
    h->ignore_merges = jflag(model, "ignore_merges", 0);

    /* ids */
    yajl_val addl = gt_json_get(root, "added_tokens");
    if (addl && !YAJL_IS_ARRAY(addl) && !YAJL_IS_NULL(addl)) FAIL("\"added_tokens\" is not an array");
    /* ids index tables of every id up to the highest: they must lie below the
     * number of tokens given (vocabulary and added tokens), not anywhere up to 2^31 */
    long long maxid = -1;
    size_t nadd = addl && YAJL_IS_ARRAY(addl) ? addl->u.array.len : 0;
    long long given = (long long)(vocab->u.object.len + nadd);
    for (size_t i = 0; i < vocab->u.object.len; i++) {
        yajl_val v = vocab->u.object.values[i];
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
            FAIL("vocab entry \"%.40s\" has no valid id", vocab->u.object.keys[i]);
        if (YAJL_GET_INTEGER(v) >= given)
            FAIL("vocab entry \"%.40s\" has id %lld, but only %lld tokens are given (ids must be below that)",
                 vocab->u.object.keys[i], YAJL_GET_INTEGER(v), given);
        if (YAJL_GET_INTEGER(v) > maxid) maxid = YAJL_GET_INTEGER(v);
    }
    for (size_t i = 0; i < nadd; i++) {
        yajl_val a = addl->u.array.values[i], id = gt_json_get(a, "id");
        if (!gt_json_str(a, "content") || !id || !YAJL_IS_INTEGER(id) || YAJL_GET_INTEGER(id) < 0)
            FAIL("added token %zu has no content or no valid id", i);
        if (YAJL_GET_INTEGER(id) >= given)
            FAIL("added token %zu (\"%.40s\") has id %lld, but only %lld tokens are given (ids must be below that)", i,
                 gt_json_str(a, "content"), YAJL_GET_INTEGER(id), given);
        if (YAJL_GET_INTEGER(id) > maxid) maxid = YAJL_GET_INTEGER(id);
    }
    if (maxid < 0) FAIL("empty vocabulary");
    int nt = (int)maxid + 1;
    alloc_ids(h, nt, vocab->u.object.len);
    for (size_t i = 0; i < vocab->u.object.len; i++) {
        const char *k = vocab->u.object.keys[i];
        int id = (int)YAJL_GET_INTEGER(vocab->u.object.values[i]);
        if (h->mtok[id]) FAIL("vocab id %d is given twice (\"%.40s\" and \"%.40s\")", id, h->mtok[id], k);
        size_t kl = strlen(k);
        h->mtok[id] = dupn(k, kl);
        h->mtoklen[id] = (uint32_t)kl;
        ht_add(&h->vocab, id);
    }
    if (load_normalizer(h, gt_json_get(root, "normalizer"), err, errsz)) FAILED();
    if (load_pretok(h, gt_json_get(root, "pre_tokenizer"), err, errsz)) FAILED();
    if (load_decoder(h, gt_json_get(root, "decoder"), err, errsz)) FAILED();
    model_space(h);
    const char *unk = gt_json_str(model, "unk_token");
    if (unk) {
        h->unk = ht_find(&h->vocab, unk, strlen(unk));
        if (h->unk < 0) FAIL("unk_token \"%.40s\" is not in the vocabulary", unk);
    }

    /* merges */
    size_t nm = merges->u.array.len;
    alloc_merges(h, nm);
    char *cat = NULL;
    size_t catcap = 0;
    for (size_t i = 0; i < nm; i++) {
        yajl_val m = merges->u.array.values[i];
        const char *a, *b;
        size_t al, bl;
        if (YAJL_IS_STRING(m)) {
            a = YAJL_GET_STRING(m);
            const char *sp = strchr(a, ' ');
            if (!sp) { free(cat); FAIL("merge %zu \"%.40s\" is not two tokens separated by a space", i, a); }
            al = (size_t)(sp - a);
            b = sp + 1;
            bl = strlen(b);
        } else if (YAJL_IS_ARRAY(m) && m->u.array.len == 2 && YAJL_IS_STRING(m->u.array.values[0]) &&
                   YAJL_IS_STRING(m->u.array.values[1])) {
            a = YAJL_GET_STRING(m->u.array.values[0]); al = strlen(a);
            b = YAJL_GET_STRING(m->u.array.values[1]); bl = strlen(b);
        } else {
            free(cat);
            FAIL("merge %zu is neither \"a b\" nor [\"a\", \"b\"]", i);
        }
        if (add_merge(h, i, a, al, b, bl, 0, &cat, &catcap, err, errsz)) { free(cat); FAILED(); }
    }
    free(cat);

    /* added tokens */
    h->add = gt_xcalloc(nadd + 1, sizeof *h->add);
    for (int id = 0; id < nt; id++) { h->tok[id] = h->mtok[id]; h->toklen[id] = h->mtoklen[id]; }
    for (size_t i = 0; i < nadd; i++) {
        yajl_val a = addl->u.array.values[i];
        added *t = &h->add[h->nadd++];
        const char *c = gt_json_str(a, "content");
        t->n = strlen(c);
        t->s = dupn(c, t->n);
        t->id = (int32_t)YAJL_GET_INTEGER(gt_json_get(a, "id"));
        t->single_word = jflag(a, "single_word", 0);
        t->lstrip = jflag(a, "lstrip", 0);
        t->rstrip = jflag(a, "rstrip", 0);
        t->special = jflag(a, "special", 0);
        t->normalized = jflag(a, "normalized", !t->special);
        h->tok[t->id] = t->s;
        h->toklen[t->id] = (uint32_t)t->n;
        h->special[t->id] = (uint8_t)t->special;
    }
    for (int i = 0; i < h->nadd; i++) {
        added *t = &h->add[i];
        if (t->normalized) normalize_str(h, t->s, t->n, &t->pat, &t->patn);
        else { t->pat = t->s; t->patn = t->n; }
    }
    build_matcher(h, &h->raw, 0);
    build_matcher(h, &h->norm, 1);

    find_bos_eos(h, gt_json_get(root, "post_processor"));
    static const char *bosn[] = { "<s>", "<|begin_of_text|>", "<|startoftext|>", "<|endoftext|>", NULL };
    static const char *eosn[] = { "</s>", "<|end_of_text|>", "<|endoftext|>", "<|im_end|>", "<eos>", NULL };
    if (h->bos < 0) h->guessed |= 1;
    if (h->eos < 0) h->guessed |= 2;
    for (int i = 0; h->bos < 0 && bosn[i]; i++) h->bos = piece_id(h, bosn[i], strlen(bosn[i]));
    for (int i = 0; h->eos < 0 && eosn[i]; i++) h->eos = piece_id(h, eosn[i], strlen(eosn[i]));
    if (h->bos >= nt) h->bos = -1;
    if (h->eos >= nt) h->eos = -1;
    h->fp = gt_hash64(data, n, 0x6866746f6b656e73ULL);   /* "hftokens" */
    yajl_tree_free(root);
    return h;
fail:
    yajl_tree_free(root);
    gt_hf_free(h);
    return NULL;
#undef FAIL
#undef FAILED
}

/* Append a pre-tokenizer step. */
static void push_pop(gt_hf *h, pop op)
{
    h->pops = gt_xrealloc(h->pops, (size_t)(h->npops + 1) * sizeof *h->pops);
    h->pops[h->npops++] = op;
}

gt_hf *gt_hf_new_vocab(const gt_vocab *v, const gt_vocab_rules *r, char *err, size_t errsz)
{
    init_bytemap();
    gt_hf *h = gt_xcalloc(1, sizeof *h);
    h->bos = r->bos;
    h->eos = r->eos;
    h->unk = -1;                /* a byte without a token is dropped, as in llama.cpp */
    int nt = (int)v->n;
    alloc_ids(h, nt, v->n);
    char buf[32], *cat = NULL;
    size_t catcap = 0;
    for (int id = 0; id < nt; id++) {
        gt_vstr t = gt_vocab_text(v, (size_t)id, buf);
        int32_t dup = ht_find(&h->vocab, t.p, t.n);
        if (dup >= 0) {
            snprintf(err, errsz, "duplicate token in vocabulary: \"%.40s\" has ids %d and %d", h->mtok[dup], dup, id);
            goto fail;
        }
        h->mtok[id] = dupn(t.p, t.n);
        h->mtoklen[id] = (uint32_t)t.n;
        ht_add(&h->vocab, id);
        int ty = gt_vocab_type(v, (size_t)id);
        h->special[id] = ty == GT_TT_CONTROL || ty == GT_TT_UNKNOWN;    /* not decoded */
    }
    /* the pre-tokenizer: each expression cuts the pieces (matches isolated), then bytes */
    for (int i = 0; i < r->pre->nre; i++) {
        pop op = { .kind = P_SPLIT, .behavior = B_ISOLATED };
        op.re = compile(r->pre->re[i], strlen(r->pre->re[i]), 0, err, errsz, "pre-tokenizer");
        if (!op.re) goto fail;
        push_pop(h, op);
    }
    push_pop(h, (pop){ .kind = P_BYTELEVEL });
    h->bytelevel = 1;
    h->dops = gt_xcalloc(1, sizeof *h->dops);
    h->dops[h->ndops++] = (dop){ .kind = D_BYTELEVEL };
    h->has_decoder = 1;
    h->ignore_merges = r->pre->ignore_merges;
    model_space(h);
    alloc_merges(h, v->nmerges);
    for (size_t i = 0; i < v->nmerges; i++) {
        gt_vstr m = v->merges[i];
        const char *sp = m.n > 1 ? memchr(m.p + 1, ' ', m.n - 1) : NULL;
        if (!sp) {
            snprintf(err, errsz, "merge %zu \"%.*s\" is not two tokens separated by a space", i,
                     (int)(m.n < 40 ? m.n : 40), m.p);
            goto fail;
        }
        size_t al = (size_t)(sp - m.p);
        if (add_merge(h, i, m.p, al, sp + 1, m.n - al - 1, 1, &cat, &catcap, err, errsz)) goto fail;
    }
    free(cat);
    cat = NULL;
    h->add = gt_xcalloc(1, sizeof *h->add);
    for (int id = 0; id < nt; id++) { h->tok[id] = h->mtok[id]; h->toklen[id] = h->mtoklen[id]; }
    build_matcher(h, &h->raw, 0);
    build_matcher(h, &h->norm, 1);
    h->fp = r->fp;
    return h;
fail:
    free(cat);
    gt_hf_free(h);
    return NULL;
}

void gt_hf_free(gt_hf *h)
{
    if (!h) return;
    for (int id = 0; id < h->ntok; id++) {
        if (h->mstr && h->mstr[id] && h->mstr[id] != h->mtok[id]) free(h->mstr[id]);
        if (h->mtok) free(h->mtok[id]);
    }
    free(h->tok); free(h->toklen); free(h->special); free(h->mtok); free(h->mtoklen); free(h->mstr); free(h->mslen);
    free(h->vocab.s); free(h->ms.s); free(h->mg);
    for (int i = 0; i < h->nnops; i++) { free(h->nops[i].s); free(h->nops[i].content); pcre2_code_free(h->nops[i].re); }
    free(h->nops);
    for (int i = 0; i < h->npops; i++) pcre2_code_free(h->pops[i].re);
    free(h->pops);
    for (int i = 0; i < h->ndops; i++) { free(h->dops[i].pat); free(h->dops[i].content); }
    free(h->dops);
    for (int i = 0; i < h->nadd; i++) { if (h->add[i].pat != h->add[i].s) free(h->add[i].pat); free(h->add[i].s); }
    free(h->add);
    free(h->raw.idx); free(h->norm.idx);
    free(h);
}

int gt_hf_vocab_size(const gt_hf *h) { return h->ntok; }
int gt_hf_bos(const gt_hf *h) { return h->bos; }
int gt_hf_guessed(const gt_hf *h) { return h->guessed; }
int gt_hf_piece_id(const gt_hf *h, const char *s, size_t n)
{
    int id = piece_id(h, s, n);
    return id < gt_hf_vocab_size(h) ? id : -1;
}
int gt_hf_eos(const gt_hf *h) { return h->eos; }
int gt_hf_unk(const gt_hf *h) { return h->unk; }
uint64_t gt_hf_fingerprint(const gt_hf *h) { return h->fp; }

/* ---------- encoding workspace ---------- */

typedef struct { char *s; uint32_t *m; size_t n, cap; } sbuf;
typedef struct { uint32_t off, len; } span;
typedef struct { span *v; size_t n, cap; } spans;
typedef struct { uint32_t off, len; int match; } event;
typedef struct { int32_t id, prev, next; uint32_t start, len; int dead; } hsym;
typedef struct { uint32_t rank, pos; int32_t id; } hmerge;

#define WC_SLOTS (1u << 16)
#define WC_MAXKEY 64
#define WC_ARENA ((size_t)8 << 20)
typedef struct { uint64_t hash; uint32_t off; uint16_t klen, nids; } wcent;

struct gt_hfctx {
    const gt_hf *h;
    sbuf in, nb, nt, pa, pb;
    spans s1, s2;
    event *ev; size_t evn, evcap;
    hsym *sy; size_t sycap;
    hmerge *hp; size_t hpn, hpcap;
    int32_t *ids; uint32_t *offs; size_t nids, idcap;
    int32_t *wid; uint32_t *wlen; size_t wn, wcap;
    pcre2_match_data *md;
    wcent *wc; size_t wcused;
    unsigned char *warena; size_t walen;
};

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->n + extra <= b->cap) return;
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->n + extra) nc *= 2;
    b->s = gt_xrealloc(b->s, nc);
    b->m = gt_xrealloc(b->m, nc * sizeof *b->m);
    b->cap = nc;
}

static inline void sb_put(sbuf *b, const char *s, const uint32_t *m, size_t n)
{
    if (!n) return;             /* nothing to copy (S, M and the buffer may be NULL) */
    sb_reserve(b, n);
    memcpy(b->s + b->n, s, n);
    memcpy(b->m + b->n, m, n * sizeof *m);
    b->n += n;
}

static inline void sb_const(sbuf *b, const char *s, size_t n, uint32_t orig)
{
    if (!n) return;
    sb_reserve(b, n);
    memcpy(b->s + b->n, s, n);
    for (size_t i = 0; i < n; i++) b->m[b->n + i] = orig;
    b->n += n;
}

static inline void sp_push(spans *a, uint32_t off, uint32_t len)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = gt_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = (span){ off, len };
}

static inline void ev_push(gt_hfctx *c, uint32_t off, uint32_t len, int match)
{
    if (c->evn == c->evcap) {
        c->evcap = c->evcap ? c->evcap * 2 : 64;
        c->ev = gt_xrealloc(c->ev, c->evcap * sizeof *c->ev);
    }
    c->ev[c->evn++] = (event){ off, len, match };
}

static inline void emit(gt_hfctx *c, int32_t id, uint32_t off)
{
    if (c->nids == c->idcap) {
        c->idcap = c->idcap ? c->idcap * 2 : 1024;
        c->ids = gt_xrealloc(c->ids, c->idcap * sizeof *c->ids);
        c->offs = gt_xrealloc(c->offs, c->idcap * sizeof *c->offs);
    }
    c->ids[c->nids] = id;
    c->offs[c->nids++] = off;
}

gt_hfctx *gt_hfctx_new(const gt_hf *h)
{
    gt_hfctx *c = gt_xcalloc(1, sizeof *c);
    c->h = h;
    c->md = pcre2_match_data_create(4, NULL);
    if (!c->md) gt_die(EX_OSERR, "out of memory");
    c->wc = gt_xcalloc(WC_SLOTS, sizeof *c->wc);
    c->warena = gt_xmalloc(WC_ARENA);
    return c;
}

void gt_hfctx_free(gt_hfctx *c)
{
    if (!c) return;
    sbuf *bs[5] = { &c->in, &c->nb, &c->nt, &c->pa, &c->pb };
    for (int i = 0; i < 5; i++) { free(bs[i]->s); free(bs[i]->m); }
    free(c->s1.v); free(c->s2.v); free(c->ev); free(c->sy); free(c->hp);
    free(c->ids); free(c->offs); free(c->wid); free(c->wlen);
    pcre2_match_data_free(c->md);
    free(c->wc); free(c->warena);
    free(c);
}

/* ---------- pattern matching ---------- */

/* Cut S[0..N) at the matches of RE into c->ev (off, len, is_match), as
 * tokenizers' Pattern::find_matches over the onig crate's find_iter (an empty
 * match right where the previous match ended is skipped). */
static void find_matches(gt_hfctx *c, const pcre2_code *re, const char *s, size_t n)
{
    c->evn = 0;
    if (n == 0) { ev_push(c, 0, 0, 0); return; }
    size_t pos = 0, prev = 0;
    long last_match_end = -1;
    while (pos <= n) {
        int rc = pcre2_match(re, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK, c->md, NULL);
        if (rc < 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
        size_t ms = ov[0], me = ov[1];
        if (ms == me && last_match_end == (long)me) {
            if (pos >= n) break;
            int l = gt_utf8_len((const unsigned char *)s + pos, n - pos);
            pos += l ? (size_t)l : 1;
            continue;
        }
        pos = me;
        last_match_end = (long)me;
        if (prev != ms) ev_push(c, (uint32_t)prev, (uint32_t)(ms - prev), 0);
        ev_push(c, (uint32_t)ms, (uint32_t)(me - ms), 1);
        prev = me;
    }
    if (prev != n) ev_push(c, (uint32_t)prev, (uint32_t)(n - prev), 0);
}

/* Split S[0..N) (at buffer offset BASE) with RE and BEHAVIOR; push the
 * non-empty pieces to OUT. */
static void split_by(gt_hfctx *c, const pcre2_code *re, int behavior, int invert, const char *s, size_t n,
                     uint32_t base, spans *out)
{
    find_matches(c, re, s, n);
    event *e = c->ev;
    size_t ne = c->evn;
    if (invert)
        for (size_t i = 0; i < ne; i++) e[i].match = !e[i].match;
    /* apply the behaviour in place into e[0..k) */
    size_t k = 0;
    int prevm = 0;
    switch (behavior) {
    case B_ISOLATED:
        k = ne;
        break;
    case B_REMOVED:
        for (size_t i = 0; i < ne; i++)
            if (!e[i].match) e[k++] = e[i];
        break;
    case B_PREV:
        for (size_t i = 0; i < ne; i++) {
            if (e[i].match && !prevm && k > 0) e[k - 1].len = e[i].off + e[i].len - e[k - 1].off;
            else e[k++] = e[i];
            prevm = e[i].match;
        }
        break;
    case B_NEXT: {
        /* from the end: a match that does not follow a match joins the piece after it */
        size_t w = ne;
        for (size_t i = ne; i-- > 0;) {
            if (e[i].match && !prevm && w < ne) {
                uint32_t end = e[w].off + e[w].len;
                e[w].off = e[i].off;
                e[w].len = end - e[i].off;
            } else {
                e[--w] = e[i];
            }
            prevm = e[i].match;
        }
        memmove(e, e + w, (ne - w) * sizeof *e);
        k = ne - w;
        break;
    }
    case B_CONTIG:
        for (size_t i = 0; i < ne; i++) {
            if (e[i].match == prevm && k > 0) e[k - 1].len = e[i].off + e[i].len - e[k - 1].off;
            else e[k++] = e[i];
            prevm = e[i].match;
        }
        break;
    }
    for (size_t i = 0; i < k; i++)
        if (e[i].len) sp_push(out, base + e[i].off, e[i].len);
}

/* ---------- normaliser ---------- */

/* Apply the normaliser to c->nb in place (through c->nt). */
static void normalize_buf(gt_hfctx *c)
{
    const gt_hf *h = c->h;
    for (int i = 0; i < h->nnops; i++) {
        const nop *op = &h->nops[i];
        sbuf *a = &c->nb, *b = &c->nt;
        if (a->n == 0) return;
        b->n = 0;
        if (op->kind == N_PREPEND) {
            sb_const(b, op->s, op->sn, a->m[0]);
            sb_put(b, a->s, a->m, a->n);
        } else {
            find_matches(c, op->re, a->s, a->n);
            for (size_t k = 0; k < c->evn; k++) {
                const event *e = &c->ev[k];
                if (!e->match) sb_put(b, a->s + e->off, a->m + e->off, e->len);
                else if (e->len) sb_const(b, op->content, op->cn, a->m[e->off]);
            }
        }
        sbuf t = *a; *a = *b; *b = t;
    }
}

/* Normalise a string (for added-token patterns) at load time. */
static void normalize_str(const gt_hf *h, const char *s, size_t n, char **out, size_t *outn)
{
    gt_hfctx *c = gt_hfctx_new(h);
    c->nb.n = 0;
    sb_const(&c->nb, s, n, 0);
    normalize_buf(c);
    *out = dupn(c->nb.s ? c->nb.s : "", c->nb.n);
    *outn = c->nb.n;
    gt_hfctx_free(c);
}

/* ---------- added tokens ---------- */

static int word_char_before(const char *s, size_t i)
{
    if (i == 0) return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80) j--;
    unsigned char ch = (unsigned char)s[j];
    return ch >= 0x80 || ch == '_' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z');
}

static int word_char_at(const char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    unsigned char ch = (unsigned char)s[i];
    return ch >= 0x80 || ch == '_' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z');
}

/* Find the added tokens of M in S[0..N) (map MAP). For each piece between them
 * call FN(c, s+off, map+off, len); for each token emit its id. */
typedef void (*piece_fn)(gt_hfctx *c, const char *s, const uint32_t *m, size_t n);

static void split_added(gt_hfctx *c, const matcher *mt, const char *s, const uint32_t *m, size_t n, piece_fn fn)
{
    const gt_hf *h = c->h;
    if (mt->n == 0) { if (n) fn(c, s, m, n); return; }
    size_t start_off = 0, i = 0;
    while (i < n) {
        if (!mt->first[(unsigned char)s[i]]) { i++; continue; }
        const added *t = NULL;
        for (int k = 0; k < mt->n; k++) {
            const added *a = &h->add[mt->idx[k]];
            if (a->patn <= n - i && memcmp(a->pat, s + i, a->patn) == 0) { t = a; break; }
        }
        if (!t) { i++; continue; }
        size_t st = i, sp = i + t->patn;
        i = sp;                                  /* the match is consumed even if skipped */
        if (t->single_word && (word_char_before(s, st) || word_char_at(s, n, sp))) continue;
        if (t->lstrip) {
            size_t ns = st;
            while (ns > 0) {
                size_t j = ns - 1;
                while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80) j--;
                int l;
                if (!is_ws(gt_utf8_decode((const unsigned char *)s + j, &l))) break;
                ns = j;
            }
            st = ns > start_off ? ns : start_off;
        }
        if (t->rstrip) {
            while (sp < n) {
                int l;
                if (!is_ws(gt_utf8_decode((const unsigned char *)s + sp, &l))) break;
                sp += (size_t)l;
            }
            i = sp;
        }
        if (start_off < st) fn(c, s + start_off, m + start_off, st - start_off);
        emit(c, t->id, m[st < n ? st : n - 1]);
        start_off = sp;
    }
    if (start_off < n) fn(c, s + start_off, m + start_off, n - start_off);
}

/* ---------- BPE on one word ---------- */

static inline void w_push(gt_hfctx *c, int32_t id, uint32_t len)
{
    if (c->wn == c->wcap) {
        c->wcap = c->wcap ? c->wcap * 2 : 256;
        c->wid = gt_xrealloc(c->wid, c->wcap * sizeof *c->wid);
        c->wlen = gt_xrealloc(c->wlen, c->wcap * sizeof *c->wlen);
    }
    c->wid[c->wn] = id;
    c->wlen[c->wn++] = len;
}

static inline int hp_less(const hmerge *a, const hmerge *b)
{
    return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static void hp_push(gt_hfctx *c, hmerge it)
{
    if (c->hpn == c->hpcap) {
        c->hpcap = c->hpcap ? c->hpcap * 2 : 256;
        c->hp = gt_xrealloc(c->hp, c->hpcap * sizeof *c->hp);
    }
    size_t i = c->hpn++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!hp_less(&it, &c->hp[p])) break;
        c->hp[i] = c->hp[p];
        i = p;
    }
    c->hp[i] = it;
}

static hmerge hp_pop(gt_hfctx *c)
{
    hmerge top = c->hp[0], last = c->hp[--c->hpn];
    size_t n = c->hpn, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n) break;
        size_t best = l;
        if (l + 1 < n && hp_less(&c->hp[l + 1], &c->hp[l])) best = l + 1;
        if (!hp_less(&c->hp[best], &last)) break;
        c->hp[i] = c->hp[best];
        i = best;
    }
    if (n) c->hp[i] = last;
    return top;
}

/* Word W[0..N) in model space to (id, byte length) pairs in c->wid/c->wlen. */
static void bpe_word(gt_hfctx *c, const char *w, size_t n)
{
    const gt_hf *h = c->h;
    c->wn = 0;
    if (h->ignore_merges) {
        int32_t id = ht_find(&h->ms, w, n);
        if (id >= 0) { w_push(c, id, (uint32_t)n); return; }
    }
    if (n + 8 > c->sycap) {
        c->sycap = n + 64;
        free(c->sy);
        c->sy = gt_xmalloc(c->sycap * sizeof *c->sy);
    }
    int ns = 0;
    int32_t unk_id = -1;
    uint32_t unk_len = 0, unk_start = 0;
    int have_unk = 0;
#define ADD(ID, START, LEN) do { hsym *y_ = &c->sy[ns]; y_->id = (ID); y_->start = (START); y_->len = (LEN); \
        y_->prev = ns - 1; y_->next = ns + 1; y_->dead = 0; ns++; } while (0)
    for (size_t i = 0; i < n;) {
        int32_t id;
        size_t l;
        char cb[4];
        const char *cs;
        size_t cl;
        if (h->bytelevel) {
            l = 1;
            id = h->byte_id[(unsigned char)w[i]];
            cl = (size_t)gt_utf8_encode(byte_cp[(unsigned char)w[i]], cb);
            cs = cb;
        } else {
            int ul = gt_utf8_len((const unsigned char *)w + i, n - i);
            l = ul ? (size_t)ul : 1;
            id = ht_find(&h->ms, w + i, l);
            cs = w + i;
            cl = l;
        }
        if (id >= 0) {
            if (have_unk) { ADD(unk_id, unk_start, unk_len); have_unk = 0; }
            ADD(id, (uint32_t)i, (uint32_t)l);
        } else {
            int done = 0;
            if (h->byte_fallback) {
                size_t k;
                for (k = 0; k < cl && h->bf_id[(unsigned char)cs[k]] >= 0; k++) {}
                if (k == cl) {
                    /* HF adds these without flushing a pending unk */
                    if (ns + (int)cl + 8 > (int)c->sycap) {
                        c->sycap = c->sycap * 2 + cl;
                        c->sy = gt_xrealloc(c->sy, c->sycap * sizeof *c->sy);
                    }
                    /* (byte-level: the <0xNN> of the mapped character's UTF-8; all but the first cover no input byte) */
                    for (k = 0; k < cl; k++) ADD(h->bf_id[(unsigned char)cs[k]], (uint32_t)(i + (k < l ? k : l)), k < l ? 1 : 0);
                    done = 1;
                }
            }
            if (!done) {
                if (!have_unk) {
                    if (h->unk >= 0) { have_unk = 1; unk_id = h->unk; unk_start = (uint32_t)i; unk_len = (uint32_t)l; }
                } else if (h->fuse_unk) {
                    unk_len += (uint32_t)l;
                } else {
                    ADD(unk_id, unk_start, unk_len);
                    unk_start = (uint32_t)i; unk_len = (uint32_t)l;
                }
            }
        }
        i += l;
        if (ns + 8 > (int)c->sycap) {
            c->sycap *= 2;
            c->sy = gt_xrealloc(c->sy, c->sycap * sizeof *c->sy);
        }
    }
    if (have_unk) ADD(unk_id, unk_start, unk_len);
#undef ADD
    if (ns == 0) return;
    c->sy[ns - 1].next = -1;
    c->hpn = 0;
    for (int k = 0; k + 1 < ns; k++) {
        const mslot *e = mg_find(h, c->sy[k].id, c->sy[k + 1].id);
        if (e) hp_push(c, (hmerge){ e->rank, (uint32_t)k, e->id });
    }
    while (c->hpn) {
        hmerge top = hp_pop(c);
        hsym *a = &c->sy[top.pos];
        if (a->dead || a->next < 0) continue;
        hsym *b = &c->sy[a->next];
        const mslot *e = mg_find(h, a->id, b->id);
        if (!e || e->id != top.id) continue;
        a->id = top.id;
        a->len += b->len;
        int bn = b->next;
        b->dead = 1;
        a->next = bn;
        if (bn >= 0) c->sy[bn].prev = (int32_t)top.pos;
        if (a->prev >= 0) {
            const mslot *p = mg_find(h, c->sy[a->prev].id, a->id);
            if (p) hp_push(c, (hmerge){ p->rank, (uint32_t)a->prev, p->id });
        }
        if (bn >= 0) {
            const mslot *q = mg_find(h, a->id, c->sy[bn].id);
            if (q) hp_push(c, (hmerge){ q->rank, top.pos, q->id });
        }
    }
    for (int k = 0; k >= 0; k = c->sy[k].next) w_push(c, c->sy[k].id, c->sy[k].len);
}

static void do_chunk(gt_hfctx *c, const char *w, const uint32_t *m, size_t n);

/* A word: cut into chunks when the vocabulary allows (see split_ok). */
static void do_word(gt_hfctx *c, const char *w, const uint32_t *m, size_t n)
{
    if (!c->h->split_ok) { do_chunk(c, w, m, n); return; }
    size_t start = 0;
    for (size_t i = 3; i + 3 <= n; i++) {
        if ((unsigned char)w[i] == 0xe2 && (unsigned char)w[i + 1] == 0x96 && (unsigned char)w[i + 2] == 0x81 &&
            memcmp(w + i - 3, "\xe2\x96\x81", 3) != 0) {
            do_chunk(c, w + start, m + start, i - start);
            start = i;
            i += 2;
        }
    }
    do_chunk(c, w + start, m + start, n - start);
}

/* A chunk through the cache; emits the tokens with their original offsets. */
static void do_chunk(gt_hfctx *c, const char *w, const uint32_t *m, size_t n)
{
    if (n == 0) return;
    const int32_t *ids;
    const unsigned char *lens;
    size_t nids;
    if (n <= WC_MAXKEY) {
        uint64_t hh = gt_hash64(w, n, 77) | 1;
        uint32_t i = (uint32_t)hh & (WC_SLOTS - 1);
        for (;;) {
            wcent *e = &c->wc[i];
            if (e->hash == 0) break;
            if (e->hash == hh && e->klen == n && memcmp(c->warena + e->off, w, n) == 0) {
                const unsigned char *q = c->warena + e->off + ((n + 3) & ~(size_t)3);
                ids = (const int32_t *)(const void *)q;
                lens = q + e->nids * 4;
                size_t pos = 0;
                for (size_t k = 0; k < e->nids; k++) {
                    emit(c, ids[k], m[pos < n ? pos : n - 1]);
                    pos += lens[k];
                }
                return;
            }
            i = (i + 1) & (WC_SLOTS - 1);
        }
        bpe_word(c, w, n);
        nids = c->wn;
        size_t need = ((n + 3) & ~(size_t)3) + nids * 5 + 4;
        if (nids <= 0xffff) {
            if (c->wcused * 2 >= WC_SLOTS || c->walen + need > WC_ARENA) {
                memset(c->wc, 0, WC_SLOTS * sizeof *c->wc);
                c->wcused = 0;
                c->walen = 0;
                i = (uint32_t)hh & (WC_SLOTS - 1);
            }
            wcent *e = &c->wc[i];
            e->hash = hh;
            e->off = (uint32_t)c->walen;
            e->klen = (uint16_t)n;
            e->nids = (uint16_t)nids;
            unsigned char *q = c->warena + c->walen;
            memcpy(q, w, n);
            q += (n + 3) & ~(size_t)3;
            memcpy(q, c->wid, nids * 4);
            for (size_t k = 0; k < nids; k++) q[nids * 4 + k] = (unsigned char)c->wlen[k];
            c->walen += (need + 3) & ~(size_t)3;
            c->wcused++;
        }
    } else {
        bpe_word(c, w, n);
        nids = c->wn;
    }
    size_t pos = 0;
    for (size_t k = 0; k < nids; k++) {
        emit(c, c->wid[k], m[pos < n ? pos : n - 1]);
        pos += c->wlen[k];
    }
}

/* ---------- pre-tokenizer ---------- */

static void pretok_piece(gt_hfctx *c, const char *s, const uint32_t *m, size_t n)
{
    const gt_hf *h = c->h;
    sbuf *cur = &c->pa, *oth = &c->pb;
    spans *sp = &c->s1, *so = &c->s2;
    cur->n = 0;
    sp->n = 0;
    sb_put(cur, s, m, n);
    sp_push(sp, 0, (uint32_t)n);
    for (int i = 0; i < h->npops; i++) {
        const pop *op = &h->pops[i];
        so->n = 0;
        if (op->kind == P_SPLIT) {
            for (size_t k = 0; k < sp->n; k++)
                split_by(c, op->re, op->behavior, op->invert, cur->s + sp->v[k].off, sp->v[k].len, sp->v[k].off, so);
        } else if (op->kind == P_BYTELEVEL) {
            if (op->add_prefix) {
                oth->n = 0;
                spans *tmp = so;
                for (size_t k = 0; k < sp->n; k++) {
                    const span *x = &sp->v[k];
                    uint32_t at = (uint32_t)oth->n;
                    if (cur->s[x->off] != ' ') sb_const(oth, " ", 1, cur->m[x->off]);
                    sb_put(oth, cur->s + x->off, cur->m + x->off, x->len);
                    sp_push(tmp, at, (uint32_t)oth->n - at);
                }
                sbuf *t = cur; cur = oth; oth = t;
                spans *u = sp; sp = so; so = u;
                so->n = 0;
            }
            if (op->use_regex) {
                for (size_t k = 0; k < sp->n; k++)
                    split_by(c, op->re, B_ISOLATED, 0, cur->s + sp->v[k].off, sp->v[k].len, sp->v[k].off, so);
            } else {
                for (size_t k = 0; k < sp->n; k++) sp_push(so, sp->v[k].off, sp->v[k].len);
            }
        } else {   /* Metaspace */
            oth->n = 0;
            spans *mid = so;
            for (size_t k = 0; k < sp->n; k++) {
                const span *x = &sp->v[k];
                uint32_t at = (uint32_t)oth->n;
                const char *q = cur->s + x->off;
                const uint32_t *qm = cur->m + x->off;
                /* after ' ' -> replacement, does the piece start with the replacement? */
                int starts = q[0] == ' ' || (x->len >= op->repn && memcmp(q, op->rep, op->repn) == 0);
                if (!starts && (op->scheme == S_ALWAYS || (op->scheme == S_FIRST && qm[0] == 0)))
                    sb_const(oth, op->rep, op->repn, qm[0]);
                for (uint32_t j = 0; j < x->len; j++) {
                    if (q[j] == ' ') sb_const(oth, op->rep, op->repn, qm[j]);
                    else sb_put(oth, q + j, qm + j, 1);
                }
                sp_push(mid, at, (uint32_t)oth->n - at);
            }
            sbuf *t = cur; cur = oth; oth = t;
            if (op->split) {
                spans *u = sp; sp = so; so = u;
                so->n = 0;
                for (size_t k = 0; k < sp->n; k++)
                    split_by(c, op->re, B_NEXT, 0, cur->s + sp->v[k].off, sp->v[k].len, sp->v[k].off, so);
            }
        }
        spans *u = sp; sp = so; so = u;
    }
    for (size_t k = 0; k < sp->n; k++) do_word(c, cur->s + sp->v[k].off, cur->m + sp->v[k].off, sp->v[k].len);
}

static void norm_piece(gt_hfctx *c, const char *s, const uint32_t *m, size_t n)
{
    c->nb.n = 0;
    sb_put(&c->nb, s, m, n);
    normalize_buf(c);
    if (c->nb.n == 0) return;
    split_added(c, &c->h->norm, c->nb.s, c->nb.m, c->nb.n, pretok_piece);
}

/* ---------- public encoding ---------- */

static void encode_all(gt_hfctx *c, const char *text, size_t n)
{
    c->nids = 0;
    c->in.n = 0;
    sb_reserve(&c->in, n * 3 + 8);
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) { c->in.s[c->in.n] = (char)p[i]; c->in.m[c->in.n++] = (uint32_t)i; i++; continue; }
        int l = gt_utf8_len(p + i, n - i);
        if (l == 0) {
            sb_const(&c->in, "\xef\xbf\xbd", 3, (uint32_t)i);
            i++;
        } else {
            for (int j = 0; j < l; j++) { c->in.s[c->in.n] = (char)p[i + (size_t)j]; c->in.m[c->in.n++] = (uint32_t)i; }
            i += (size_t)l;
        }
    }
    if (c->in.n == 0) return;
    split_added(c, &c->h->raw, c->in.s, c->in.m, c->in.n, norm_piece);
}

size_t gt_hf_encode(gt_hfctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks)
{
    encode_all(c, text, n);
    size_t first = out->n;
    int mk = 0;
    for (size_t k = 0; k < c->nids; k++) {
        while (mk < nmarks && marks[mk] <= c->offs[k]) marks[mk++] = k;
        gt_ids_push(out, c->ids[k]);
    }
    while (mk < nmarks) marks[mk++] = c->nids;
    return out->n - first;
}

size_t gt_hf_token_offset(gt_hfctx *c, const char *text, size_t n, size_t k)
{
    encode_all(c, text, n);
    return k < c->nids ? c->offs[k] : n;
}

/* ---------- decoding ---------- */

typedef struct { char *s; size_t n, cap; size_t *off, *len; size_t cnt, ccap; } tlist;

static void tl_bytes(tlist *t, const char *s, size_t n)
{
    if (n == 0) return;
    if (t->n + n + 1 > t->cap) {
        size_t nc = t->cap ? t->cap : 256;
        while (nc < t->n + n + 1) nc *= 2;
        t->s = gt_xrealloc(t->s, nc);
        t->cap = nc;
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->len[t->cnt - 1] += n;
}

static void tl_new(tlist *t)
{
    if (!t->s) {                /* a list of empty tokens still has text to point into */
        t->cap = 256;
        t->s = gt_xmalloc(t->cap);
    }
    if (t->cnt == t->ccap) {
        t->ccap = t->ccap ? t->ccap * 2 : 64;
        t->off = gt_xrealloc(t->off, t->ccap * sizeof *t->off);
        t->len = gt_xrealloc(t->len, t->ccap * sizeof *t->len);
    }
    t->off[t->cnt] = t->n;
    t->len[t->cnt++] = 0;
}

/* Append S as UTF-8 with each maximal invalid subpart replaced by U+FFFD
 * (String::from_utf8_lossy). gt_utf8_len only says whether a whole character
 * starts at a byte; a subpart is the longest start of a character that could
 * still have been valid ("\xe2\x82": one U+FFFD here, two in gt_tok_decode's
 * sentencepiece rule), a rule only this decoder needs, so it is measured here. */
static void tl_lossy(tlist *t, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        int l = gt_utf8_len(s + i, n - i);
        if (l) { tl_bytes(t, (const char *)s + i, (size_t)l); i += (size_t)l; continue; }
        unsigned c = s[i];
        size_t k = 1;
        unsigned lo = 0x80, hi = 0xbf;
        int need = 0;
        if (c >= 0xc2 && c <= 0xdf) need = 1;
        else if (c >= 0xe0 && c <= 0xef) { need = 2; if (c == 0xe0) lo = 0xa0; if (c == 0xed) hi = 0x9f; }
        else if (c >= 0xf0 && c <= 0xf4) { need = 3; if (c == 0xf0) lo = 0x90; if (c == 0xf4) hi = 0x8f; }
        for (int j = 0; j < need && i + k < n; j++) {
            unsigned d = s[i + k];
            if (d < lo || d > hi) break;
            lo = 0x80; hi = 0xbf;
            k++;
        }
        tl_bytes(t, "\xef\xbf\xbd", 3);
        i += k;
    }
}

static int bf_byte(const char *s, size_t n)
{
    if (n != 6 || memcmp(s, "<0x", 3) != 0 || s[5] != '>') return -1;
    int v = 0;
    for (int i = 3; i < 5; i++) {
        int c = (unsigned char)s[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 32) >= 'a' && (c | 32) <= 'f') d = (c | 32) - 'a' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

static void apply_decoder(const dop *op, const tlist *a, tlist *b)
{
    b->n = 0;
    b->cnt = 0;
    switch (op->kind) {
    case D_REPLACE:
        for (size_t i = 0; i < a->cnt; i++) {
            const char *s = a->s + a->off[i];
            size_t n = a->len[i];
            tl_new(b);
            for (size_t k = 0; k < n;) {
                if (n - k >= op->pn && memcmp(s + k, op->pat, op->pn) == 0) { tl_bytes(b, op->content, op->cn); k += op->pn; }
                else { tl_bytes(b, s + k, 1); k++; }
            }
        }
        break;
    case D_BYTEFALLBACK: {
        unsigned char *bytes = gt_xmalloc(a->cnt + 1);
        size_t nb = 0;
        for (size_t i = 0; i <= a->cnt; i++) {
            int v = i < a->cnt ? bf_byte(a->s + a->off[i], a->len[i]) : -1;
            if (v >= 0) { bytes[nb++] = (unsigned char)v; continue; }
            if (nb) {
                size_t k = 0;
                while (k < nb) { int l = gt_utf8_len(bytes + k, nb - k); if (!l) break; k += (size_t)l; }
                if (k == nb) { tl_new(b); tl_bytes(b, (const char *)bytes, nb); }
                else for (size_t j = 0; j < nb; j++) { tl_new(b); tl_bytes(b, "\xef\xbf\xbd", 3); }
                nb = 0;
            }
            if (i < a->cnt) { tl_new(b); tl_bytes(b, a->s + a->off[i], a->len[i]); }
        }
        free(bytes);
        break;
    }
    case D_FUSE:
        tl_new(b);
        for (size_t i = 0; i < a->cnt; i++) tl_bytes(b, a->s + a->off[i], a->len[i]);
        break;
    case D_STRIP:
        for (size_t i = 0; i < a->cnt; i++) {
            const unsigned char *s = (const unsigned char *)a->s + a->off[i];
            size_t n = a->len[i], nch = 0;
            /* characters */
            for (size_t k = 0; k < n;) { int l = gt_utf8_len(s + k, n - k); k += l ? (size_t)l : 1; nch++; }
            size_t scut = 0, ecut = 0, k = 0;
            while (k < n && (int)scut < op->start) {
                int l; uint32_t cp = gt_utf8_decode(s + k, &l);
                if (cp != op->ch) break;
                scut++; k += (size_t)l;
            }
            /* from the end */
            size_t e = n;
            while (e > 0 && (int)ecut < op->stop) {
                size_t j = e - 1;
                while (j > 0 && (s[j] & 0xc0) == 0x80) j--;
                int l; uint32_t cp = gt_utf8_decode(s + j, &l);
                if (cp != op->ch) break;
                ecut++; e = j;
            }
            /* take(token.len() - start_cut - stop_cut) characters after the cut */
            size_t take = n >= scut + ecut ? n - scut - ecut : 0, end = k, got = 0;
            while (end < n && got < take) { int l = gt_utf8_len(s + end, n - end); end += l ? (size_t)l : 1; got++; }
            tl_new(b);
            tl_bytes(b, (const char *)s + k, end - k);
            (void)nch;
        }
        break;
    case D_BYTELEVEL: {
        unsigned char *bytes = gt_xmalloc(a->n + 1);
        size_t nb = 0;
        for (size_t i = 0; i < a->cnt; i++) {
            const unsigned char *s = (const unsigned char *)a->s + a->off[i];
            size_t n = a->len[i], save = nb;
            int ok = 1;
            for (size_t k = 0; k < n;) {
                int l = gt_utf8_len(s + k, n - k);
                if (!l) { ok = 0; break; }
                uint32_t cp = gt_utf8_decode(s + k, &l);
                if (cp >= 324 || cp_byte[cp] < 0) { ok = 0; break; }
                bytes[nb++] = (unsigned char)cp_byte[cp];
                k += (size_t)l;
            }
            if (!ok) { nb = save; memcpy(bytes + nb, s, n); nb += n; }
        }
        tl_new(b);
        tl_lossy(b, bytes, nb);
        free(bytes);
        break;
    }
    case D_METASPACE:
        for (size_t i = 0; i < a->cnt; i++) {
            const unsigned char *s = (const unsigned char *)a->s + a->off[i];
            size_t n = a->len[i];
            tl_new(b);
            for (size_t k = 0; k < n;) {
                int l = gt_utf8_len(s + k, n - k);
                if (!l) { tl_bytes(b, (const char *)s + k, 1); k++; continue; }
                uint32_t cp = gt_utf8_decode(s + k, &l);
                if (cp == op->ch) { if (!(i == 0 && op->scheme != S_NEVER)) tl_bytes(b, " ", 1); }
                else tl_bytes(b, (const char *)s + k, (size_t)l);
                k += (size_t)l;
            }
        }
        break;
    }
}

size_t gt_hf_decode(const gt_hf *h, const int32_t *ids, size_t n, char **buf, size_t *len, size_t *cap, size_t *bad)
{
    tlist a = { 0 }, b = { 0 };
    for (size_t i = 0; i < n; i++) {
        int32_t id = ids[i];
        if (id < 0 || id >= h->ntok || !h->tok[id]) { if (bad) (*bad)++; continue; }
        if (h->special[id]) continue;
        tl_new(&a);
        tl_bytes(&a, h->tok[id], h->toklen[id]);
    }
    for (int i = 0; i < h->ndops; i++) {
        apply_decoder(&h->dops[i], &a, &b);
        tlist t = a; a = b; b = t;
    }
    gt_buf o = { *buf, *len, *cap };    /* the caller's buffer, appended to */
    gt_buf_reserve(&o, a.n + a.cnt + 1);
    for (size_t i = 0; i < a.cnt; i++) {
        if (i && !h->has_decoder) gt_buf_putc(&o, ' ');
        gt_buf_add(&o, a.s + a.off[i], a.len[i]);
    }
    gt_buf_nul(&o);
    *buf = o.p; *len = o.n; *cap = o.cap;
    free(a.s); free(a.off); free(a.len); free(b.s); free(b.off); free(b.len);
    return o.n;
}
