/* llama_vocab.c - llama.cpp's rules for a vocabulary given as arrays (see
 * llama_vocab.h): defaults, pre-tokenizers by name, special tokens and the
 * cutting of a text at them, the fingerprint. The regular expressions are
 * llama.cpp's (llama-vocab.cpp, the adapted forms it runs), written for
 * PCRE2 with Unicode properties: llama.cpp matches most of them on a
 * "collapsed" text where each non-ASCII character stands for its Unicode
 * category, which makes every non-ASCII letter both "upper" ([^a-z]) and
 * "lower" ([^A-Z]) in the tekken and gpt-4o expressions; the lookahead forms
 * below mean the same on the real text. */
#include "tok/llama_vocab.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- pre-tokenizers ---------- */

#define RE_GPT2 "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"
#define RE_CONTRACT "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
#define RE_TAIL "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
#define RE_LLAMA3 RE_CONTRACT "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}" RE_TAIL
#define RE_QWEN2 RE_CONTRACT "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}" RE_TAIL
#define RE_UP "((?=[\\p{L}])([^a-z]))"          /* a letter, not an ASCII lowercase one */
#define RE_LO "((?=[\\p{L}])([^A-Z]))"          /* a letter, not an ASCII uppercase one */
#define RE_WORD_AFTER "[^\\r\\n\\p{L}\\p{N}]?"
#define RE_TAIL_SLASH "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
#define RE_TEKKEN RE_WORD_AFTER RE_UP "*" RE_LO "+|" RE_WORD_AFTER RE_UP "+" RE_LO "*|\\p{N}" RE_TAIL_SLASH
#define RE_GPT4O RE_WORD_AFTER RE_UP "*" RE_LO "+" RE_CONTRACT "?|" RE_WORD_AFTER RE_UP "+" RE_LO "*" RE_CONTRACT \
    "?|\\p{N}{1,3}" RE_TAIL_SLASH

/* The names of each pre-tokenizer, ", "-separated. */
#define N_DEFAULT "default"
#define N_LLAMA3 "llama3, llama-v3, llama-bpe, falcon3, falcon-h1, pixtral, midm-2.0, lfm2"
#define N_DBRX "dbrx, smaug-bpe"
#define N_GLM4 "glm4, chatglm-bpe"
#define N_SMOLLM "smollm, starcoder, refact, command-r, codeshell, exaone, minerva-7b"
#define N_GPT2 "gpt-2, phi-2, gigachat, a.x-4.0, mellum, exaone4, mpt, olmo, jais, trillion, granite-docling"
#define N_QWEN2 "qwen2, deepseek-r1-qwen, megrez, stablelm2, hunyuan"
#define N_TEKKEN "tekken"
#define N_GPT4O "gpt-4o, llama4"
#define N_FALCON "falcon"

typedef struct {
    const char *names;
    gt_vocab_pre pre;
} pre_entry;

static const pre_entry pres[] = {
    { N_DEFAULT, { { "[\\p{P}\\$\\+<=>\\^~\\|]+", RE_GPT2, "\\p{N}+", "[0-9][0-9][0-9]" }, 4, 0, 0, 0 } },
    { N_LLAMA3, { { RE_LLAMA3 }, 1, 1, 1, 0 } },
    { N_DBRX, { { RE_LLAMA3 }, 1, 0, 0, 0 } },
    { N_GLM4, { { RE_LLAMA3 }, 1, 0, 0, 1 } },
    { N_SMOLLM, { { "\\p{N}", RE_GPT2 }, 2, 0, 0, 0 } },
    { N_GPT2, { { RE_GPT2 }, 1, 0, 0, 0 } },
    { N_QWEN2, { { RE_QWEN2 }, 1, 0, 0, 0 } },
    { N_TEKKEN, { { RE_TEKKEN }, 1, 1, 1, 0 } },
    { N_GPT4O, { { RE_GPT4O }, 1, 0, 0, 0 } },
    { N_FALCON, { { "[\\p{P}\\$\\+<=>\\^~\\|`]+", RE_GPT2, "[0-9][0-9][0-9]" }, 3, 0, 0, 0 } },
};

const gt_vocab_pre *gt_vocab_pre_find(const char *name)
{
    size_t n = strlen(name);
    if (n == 0) return NULL;
    for (size_t i = 0; i < sizeof pres / sizeof *pres; i++) {
        for (const char *p = pres[i].names; *p;) {
            size_t l = strcspn(p, ",");
            if (l == n && memcmp(p, name, n) == 0) return &pres[i].pre;
            p += l;
            while (*p == ',' || *p == ' ') p++;
        }
    }
    return NULL;
}

const char *gt_vocab_pre_names(void)
{
    return N_DEFAULT ", " N_LLAMA3 ", " N_DBRX ", " N_GLM4 ", " N_SMOLLM ", " N_GPT2 ", " N_QWEN2 ", " N_TEKKEN ", " N_GPT4O
           ", " N_FALCON;
}

/* ---------- token texts and types ---------- */

gt_vstr gt_vocab_text(const gt_vocab *v, size_t i, char buf[32])
{
    gt_vstr s = v->tokens[i];
    if (s.n == 0) {
        int w = snprintf(buf, 32, "[EMPTY_%zu]", i);
        s.p = buf;
        s.n = (size_t)w;
    }
    return s;
}

/* Texts llama.cpp takes for end-of-turn, end-of-generation and
 * fill-in-the-middle tokens: it makes them control tokens whatever their type. */
static const char *const control_texts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>",
    "<\xef\xbd\x9c" "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>", "<end_of_utterance>", "<|eom_id|>",
    "<|return|>", "<|call|>",
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<\xef\xbd\x9c" "fim\xe2\x96\x81" "begin\xef\xbd\x9c>", "<PRE>",
    "\xe2\x96\x81<PRE>",
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<\xef\xbd\x9c" "fim\xe2\x96\x81hole\xef\xbd\x9c>", "<SUF>",
    "\xe2\x96\x81<SUF>",
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<\xef\xbd\x9c" "fim\xe2\x96\x81" "end\xef\xbd\x9c>", "<MID>",
    "\xe2\x96\x81<MID>",
    "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>",
    "<reponame>", "<|file_sep|>",
};
/* gpt-oss's, which llama.cpp always renders: user-defined. */
static const char *const user_texts[] = { "<|channel|>", "<|message|>", "<|start|>", "<|constrain|>" };

static int in_list(const char *const *list, size_t n, gt_vstr s)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == s.n && memcmp(list[i], s.p, s.n) == 0) return 1;
    return 0;
}

int gt_vocab_type(const gt_vocab *v, size_t i)
{
    int t = v->types ? v->types[i] : GT_TT_NORMAL;
    if (t < GT_TT_UNDEFINED || t > GT_TT_BYTE) t = GT_TT_UNDEFINED;
    gt_vstr s = v->tokens[i];
    if (s.n < 5 || s.n > 40 || (s.p[0] != '<' && s.p[0] != '_' && s.p[0] != '\xe2')) return t;
    if (in_list(user_texts, sizeof user_texts / sizeof *user_texts, s)) return GT_TT_USER_DEFINED;
    if (t != GT_TT_CONTROL && in_list(control_texts, sizeof control_texts / sizeof *control_texts, s))
        return GT_TT_CONTROL;
    return t;
}

/* ---------- rules ---------- */

static int id_in(int64_t id, size_t n) { return id >= 0 && (uint64_t)id < n; }

static uint64_t fingerprint(const gt_vocab *v, const gt_vocab_rules *r)
{
    uint64_t h = gt_hash64("gentitle-llama-vocab", 20, (uint64_t)v->kind);
    char buf[32];
    for (size_t i = 0; i < v->n; i++) {
        gt_vstr s = gt_vocab_text(v, i, buf);
        float sc = v->scores ? v->scores[i] : 0.0f;
        uint32_t sb;
        memcpy(&sb, &sc, 4);
        h = gt_hash64(s.p, s.n, h ^ ((uint64_t)sb << 8) ^ (uint64_t)gt_vocab_type(v, i));
    }
    for (size_t i = 0; i < v->nmerges; i++) h = gt_hash64(v->merges[i].p, v->merges[i].n, h);
    if (r->pre) {
        for (int i = 0; i < r->pre->nre; i++) h = gt_hash64(r->pre->re[i], strlen(r->pre->re[i]), h);
        h ^= (uint64_t)r->pre->ignore_merges << 1;
    }
    int32_t st[9] = { r->bos, r->eos, r->unk, r->pad, r->add_bos, r->add_eos, r->add_space_prefix,
                      (int32_t)v->n, (int32_t)v->nmerges };
    unsigned char b[36];
    for (int k = 0; k < 9; k++)
        for (int j = 0; j < 4; j++) b[k * 4 + j] = (unsigned char)((uint32_t)st[k] >> (8 * j));
    return gt_hash64(b, sizeof b, h);
}

int gt_vocab_rules_of(const gt_vocab *v, gt_vocab_rules *r, char *err, size_t errsz)
{
    memset(r, 0, sizeof *r);
    if (v->n == 0) return gt_fail(err, errsz, "no tokens");
    if (v->n > (size_t)1 << 30) return gt_fail(err, errsz, "%zu tokens is too many", v->n);
    if (v->kind == GT_VOCAB_SPM) {
        r->bos = 1; r->eos = 2; r->unk = 0; r->pad = -1;
        r->add_bos = 1; r->add_eos = 0; r->add_space_prefix = 1;
    } else if (v->kind == GT_VOCAB_BPE) {
        const char *name = v->pre ? v->pre : "default";
        r->pre = gt_vocab_pre_find(name);
        if (!r->pre) return gt_fail(err, errsz, "unknown pre-tokenizer '%s' (known: %s)", name, gt_vocab_pre_names());
        r->bos = r->pre->no_bos ? -1 : 11; r->eos = 11; r->unk = -1; r->pad = -1;
        r->add_bos = r->pre->add_bos; r->add_eos = 0; r->add_space_prefix = 0;
        if (v->nmerges > (size_t)1 << 30) return gt_fail(err, errsz, "%zu merges is too many", v->nmerges);
    } else {
        return gt_fail(err, errsz, "unknown vocabulary kind %d", v->kind);
    }
    /* defaults out of range are dropped; the file's ids out of range keep the default */
    int *ids[4] = { &r->bos, &r->eos, &r->unk, &r->pad };
    const int64_t given[4] = { v->bos, v->eos, v->unk, v->pad };
    for (int k = 0; k < 4; k++) {
        if (!id_in(*ids[k], v->n)) *ids[k] = -1;
        if (given[k] != GT_VOCAB_UNSET && id_in(given[k], v->n)) *ids[k] = (int)given[k];
    }
    if (v->add_bos != GT_VOCAB_UNSET) r->add_bos = v->add_bos != 0;
    if (v->add_eos != GT_VOCAB_UNSET) r->add_eos = v->add_eos != 0;
    if (v->add_space_prefix != GT_VOCAB_UNSET && v->kind == GT_VOCAB_SPM) r->add_space_prefix = v->add_space_prefix != 0;
    if (r->add_bos && r->bos < 0) return gt_fail(err, errsz, "add_bos_token is true but there is no BOS id");
    if (r->add_eos && r->eos < 0) return gt_fail(err, errsz, "add_eos_token is true but there is no EOS id");
    r->fp = fingerprint(v, r);
    return 0;
}

/* ---------- special tokens ---------- */

typedef struct { const char *p; uint32_t n; int32_t id; } stok;

struct gt_special {
    stok *t;                    /* longest first, then lowest id */
    size_t n;
    char *strs;
    uint32_t *by;               /* indexes into t, grouped by first byte */
    uint32_t from[257];         /* by[from[c] .. from[c + 1]): those starting with byte c */
};

static int cmp_stok(const void *a, const void *b)
{
    const stok *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return (x->id > y->id) - (x->id < y->id);
}

gt_special *gt_special_new(const gt_vocab *v)
{
    size_t n = 0, bytes = 0;
    char buf[32];
    for (size_t i = 0; i < v->n; i++) {
        int t = gt_vocab_type(v, i);
        if (t == GT_TT_CONTROL || t == GT_TT_USER_DEFINED || t == GT_TT_UNKNOWN) {
            n++;
            bytes += gt_vocab_text(v, i, buf).n;
        }
    }
    if (n == 0) return NULL;
    gt_special *s = gt_xcalloc(1, sizeof *s);
    s->t = gt_xmalloc(n * sizeof *s->t);
    s->strs = gt_xmalloc(bytes + 1);
    size_t o = 0;
    for (size_t i = 0; i < v->n; i++) {
        int t = gt_vocab_type(v, i);
        if (!(t == GT_TT_CONTROL || t == GT_TT_USER_DEFINED || t == GT_TT_UNKNOWN)) continue;
        gt_vstr x = gt_vocab_text(v, i, buf);
        memcpy(s->strs + o, x.p, x.n);
        s->t[s->n++] = (stok){ s->strs + o, (uint32_t)x.n, (int32_t)i };
        o += x.n;
    }
    qsort(s->t, s->n, sizeof *s->t, cmp_stok);
    /* group by first byte, keeping the order above within each group */
    s->by = gt_xmalloc(n * sizeof *s->by);
    uint32_t cnt[256] = { 0 };
    for (size_t k = 0; k < n; k++) cnt[(unsigned char)s->t[k].p[0]]++;
    s->from[0] = 0;
    for (int c = 0; c < 256; c++) s->from[c + 1] = s->from[c] + cnt[c];
    uint32_t at[256];
    memcpy(at, s->from, sizeof at);
    for (size_t k = 0; k < n; k++) s->by[at[(unsigned char)s->t[k].p[0]]++] = (uint32_t)k;
    return s;
}

void gt_special_free(gt_special *s)
{
    if (!s) return;
    free(s->t);
    free(s->strs);
    free(s->by);
    free(s);
}

void gt_frags_free(gt_frags *f)
{
    free(f->v);
    free(f->w);
    free(f->hit);
    memset(f, 0, sizeof *f);
}

static void frag_push(gt_frag **v, size_t *n, size_t *cap, size_t off, size_t len, int32_t id)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = gt_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = (gt_frag){ (uint32_t)off, (uint32_t)len, id };
}

/* Cut every text fragment of F at the occurrences of T, leftmost first. */
static void cut_at(gt_frags *f, const char *text, const stok *t)
{
    size_t nw = 0, capw = f->cap;
    f->w = gt_xrealloc(f->w, capw * sizeof *f->w);
    for (size_t i = 0; i < f->n; i++) {
        gt_frag x = f->v[i];
        if (x.id >= 0) { frag_push(&f->w, &nw, &capw, x.off, x.len, x.id); continue; }
        size_t pos = x.off, end = (size_t)x.off + x.len;
        const char *m;
        while (end - pos >= t->n && (m = memmem(text + pos, end - pos, t->p, t->n)) != NULL) {
            size_t at = (size_t)(m - text);
            if (at > pos) frag_push(&f->w, &nw, &capw, pos, at - pos, -1);
            frag_push(&f->w, &nw, &capw, at, t->n, t->id);
            pos = at + t->n;
        }
        if (pos < end) frag_push(&f->w, &nw, &capw, pos, end - pos, -1);
    }
    gt_frag *tmp = f->v;
    f->v = f->w;
    f->w = tmp;
    f->n = nw;
    f->cap = capw;
    f->w = gt_xrealloc(f->w, capw * sizeof *f->w);
}

size_t gt_special_split(const gt_special *s, const char *text, size_t n, gt_frags *f)
{
    f->n = 0;
    if (n == 0) return 0;
    if (!f->v) { f->cap = 16; f->v = gt_xmalloc(f->cap * sizeof *f->v); }
    f->v[f->n++] = (gt_frag){ 0, (uint32_t)n, -1 };
    if (!s) return 1;
    /* which special tokens occur at all: most texts hold none */
    if (f->nhit < s->n) {
        free(f->hit);
        f->hit = gt_xcalloc(s->n, 1);
        f->nhit = s->n;
    }
    size_t hits = 0;
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = s->from[p[i]], b = s->from[p[i] + 1];
        for (uint32_t j = a; j < b; j++) {
            uint32_t k = s->by[j];
            const stok *t = &s->t[k];
            if (!f->hit[k] && t->n <= n - i && memcmp(t->p, text + i, t->n) == 0) { f->hit[k] = 1; hits++; }
        }
    }
    for (size_t k = 0; k < s->n && hits; k++) {
        if (!f->hit[k]) continue;
        f->hit[k] = 0;
        hits--;
        cut_at(f, text, &s->t[k]);
    }
    return f->n;
}
