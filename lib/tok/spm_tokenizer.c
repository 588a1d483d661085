/* spm_tokenizer.c - SentencePiece BPE encoding and decoding (see spm_tokenizer.h).
 *
 * Encoding follows sentencepiece 0.1.x exactly:
 *  - normalizer.cc with an identity normaliser: invalid UTF-8 bytes become
 *    U+FFFD (one byte consumed each), optional removal of extra spaces, the
 *    dummy prefix, ' ' escaped as U+2581;
 *  - bpe_model.cc: symbols are characters (user-defined pieces matched longest
 *    first and frozen), every adjacent pair whose concatenation is a piece goes
 *    on an agenda ordered by score (highest first, ties: leftmost), merged until
 *    the agenda is empty; merged UNUSED pieces are split back (resegment);
 *  - sentencepiece_processor.cc: unknown pieces become <0xNN> byte pieces with
 *    byte fallback, otherwise one unk id per run of unknown pieces.
 * Speed: when no piece holds U+2581 after another character (true of LLaMA's),
 * no merge can cross the point before a U+2581 that follows another character,
 * so the text is cut there into words that are encoded independently (the
 * result is the same) and short words are cached per context. */
#include "core/buf.h"
#include "core/utf8.h"
#include "core/util.h"
#include "tok/spm_tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_SYM "\xe2\x96\x81"

typedef struct { uint32_t hash; int32_t id; } slot;

typedef struct {
    slot *s;
    uint32_t mask;
} ptable;

struct gt_spm {
    gt_spm_model m;
    ptable pieces;          /* NORMAL, USER_DEFINED, UNUSED */
    ptable reserved;        /* CONTROL, UNKNOWN, BYTE */
    float *score;
    uint8_t *type;
    uint32_t *plen;         /* bytes a token covers in the normalised text */
    int32_t byte_id[256];
    int unk;                /* unk id (type UNKNOWN) */
    int has_user, has_unused, overlap;
    int split_ok;
    int32_t *user;          /* user-defined ids, longest first */
    int nuser;
    int llama;              /* a llama.cpp vocabulary (gt_spm_new_vocab): every token can be merged
                               to and is taken as it is, a character without a token becomes byte
                               tokens; no unknown ids, no resegmenting of unused pieces */
    uint64_t fp;
};

/* ---------- hashing and piece tables ---------- */

static inline uint64_t rd64u(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static inline uint64_t hbytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL);
    while (n >= 8) {
        h = (h ^ rd64u(p)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        p += 8; n -= 8;
    }
    uint64_t t = 0;
    switch (n) {
    case 7: t |= (uint64_t)p[6] << 48; /* fall through */
    case 6: t |= (uint64_t)p[5] << 40; /* fall through */
    case 5: t |= (uint64_t)p[4] << 32; /* fall through */
    case 4: t |= (uint64_t)p[3] << 24; /* fall through */
    case 3: t |= (uint64_t)p[2] << 16; /* fall through */
    case 2: t |= (uint64_t)p[1] << 8;  /* fall through */
    case 1: t |= (uint64_t)p[0]; /* fall through */
    default: break;
    }
    h = (h ^ t) * 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

static void pt_init(ptable *t, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 + 1) cap <<= 1;
    t->s = gt_xmalloc(cap * sizeof *t->s);
    for (size_t i = 0; i < cap; i++) t->s[i].id = -1;
    t->mask = (uint32_t)(cap - 1);
}

static inline int32_t pt_find(const gt_spm *tk, const ptable *t, const char *s, size_t n)
{
    uint64_t h64 = hbytes(s, n);
    uint32_t h = (uint32_t)(h64 >> 32), i = (uint32_t)h64 & t->mask;
    for (;;) {
        const slot *e = &t->s[i];
        if (e->id < 0) return -1;
        if (e->hash == h) {
            const gt_spm_piece *p = &tk->m.pieces[e->id];
            if (p->len == n && memcmp(p->piece, s, n) == 0) return e->id;
        }
        i = (i + 1) & t->mask;
    }
}

/* Insert ID unless its string is present: 0 ok, -1 duplicate. */
static int pt_add(gt_spm *tk, ptable *t, int32_t id)
{
    const gt_spm_piece *p = &tk->m.pieces[id];
    if (pt_find(tk, t, p->piece, p->len) >= 0) return -1;
    uint64_t h64 = hbytes(p->piece, p->len);
    uint32_t i = (uint32_t)h64 & t->mask;
    while (t->s[i].id >= 0) i = (i + 1) & t->mask;
    t->s[i].hash = (uint32_t)(h64 >> 32);
    t->s[i].id = id;
    return 0;
}

/* PieceToId: reserved pieces first, then normal ones, else unk. */
static inline int32_t piece_to_id(const gt_spm *tk, const char *s, size_t n)
{
    int32_t id = pt_find(tk, &tk->reserved, s, n);
    if (id >= 0) return id;
    id = pt_find(tk, &tk->pieces, s, n);
    return id >= 0 ? id : tk->unk;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "<0xNN>" to NN, else -1 (sentencepiece's PieceToByte). */
static int piece_byte(const char *s, size_t n)
{
    if (n != 6 || memcmp(s, "<0x", 3) != 0 || s[5] != '>') return -1;
    int a = hexval((unsigned char)s[3]), b = hexval((unsigned char)s[4]);
    return a < 0 || b < 0 ? -1 : a * 16 + b;
}

/* ---------- loading ---------- */

static int cmp_len_desc(const void *a, const void *b, void *arg)
{
    const gt_spm_model *m = arg;
    uint32_t la = m->pieces[*(const int32_t *)a].len, lb = m->pieces[*(const int32_t *)b].len;
    return la < lb ? 1 : la > lb ? -1 : 0;
}

/* Does a merge never cross the point before a U+2581 that follows another
 * character, because no mergeable piece holds one there? */
static int split_safe(const gt_spm_piece *pc)
{
    for (uint32_t k = 3; k + 3 <= pc->len; k++)
        if (memcmp(pc->piece + k, SPACE_SYM, 3) == 0 && memcmp(pc->piece + k - 3, SPACE_SYM, 3) != 0) return 0;
    return 1;
}

gt_spm *gt_spm_load_mem(const void *data, size_t n, char *err, size_t errsz)
{
    const unsigned char *p = data;
    gt_spm *tk = gt_xcalloc(1, sizeof *tk);
    gt_spm_model *m = &tk->m;
    char why[200];
    if (gt_spm_model_parse(m, p, n, why, sizeof why) != 0) {
        snprintf(err, errsz, "%s", why);
        free(tk);
        return NULL;
    }
#define FAIL(...) do { snprintf(err, errsz, __VA_ARGS__); gt_spm_free(tk); return NULL; } while (0)
    if (m->model_type != GT_SPM_BPE)
        FAIL("unsupported SentencePiece model type %d (only BPE, type 2, is supported)", m->model_type);
    if (m->charsmap_len > 0)
        FAIL("the model's normaliser \"%s\" needs a precompiled character map, which is not supported (only identity normalisation)",
             m->norm_name);
    int np = m->npieces;
    int nres = 0;                   /* CONTROL, UNKNOWN and BYTE pieces: a few hundred at most */
    for (int id = 0; id < np; id++) {
        int t = m->pieces[id].type;
        nres += !(t == GT_SPM_NORMAL || t == GT_SPM_USER_DEFINED || t == GT_SPM_UNUSED);
    }
    pt_init(&tk->pieces, (size_t)(np - nres));
    pt_init(&tk->reserved, (size_t)nres);
    tk->score = gt_xmalloc((size_t)np * sizeof *tk->score);
    tk->type = gt_xmalloc((size_t)np);
    tk->plen = gt_xmalloc((size_t)np * sizeof *tk->plen);
    tk->user = gt_xmalloc((size_t)np * sizeof *tk->user);
    for (int b = 0; b < 256; b++) tk->byte_id[b] = -1;
    tk->unk = -1;
    tk->split_ok = !m->treat_ws_as_suffix;
    int nbytes = 0;
    for (int id = 0; id < np; id++) {
        const gt_spm_piece *pc = &m->pieces[id];
        int t = pc->type;
        if (t < GT_SPM_NORMAL || t > GT_SPM_BYTE) FAIL("piece %d has an unknown type %d", id, t);
        if (pc->len == 0) FAIL("piece %d is empty", id);
        tk->score[id] = pc->score;
        tk->type[id] = (uint8_t)t;
        tk->plen[id] = pc->len;
        int normal = t == GT_SPM_NORMAL || t == GT_SPM_USER_DEFINED || t == GT_SPM_UNUSED;
        if (pt_add(tk, normal ? &tk->pieces : &tk->reserved, id) != 0)
            FAIL("piece %d \"%s\" is defined twice", id, pc->piece);
        if (t == GT_SPM_USER_DEFINED) { tk->user[tk->nuser++] = id; tk->has_user = 1; }
        if (t == GT_SPM_UNUSED) tk->has_unused = 1;
        if (t == GT_SPM_UNKNOWN) {
            if (tk->unk >= 0) FAIL("two unknown pieces (%d and %d)", tk->unk, id);
            tk->unk = id;
        }
        if (t == GT_SPM_BYTE) {
            if (!m->byte_fallback) FAIL("byte piece %d in a model without byte_fallback", id);
            int b = piece_byte(pc->piece, pc->len);
            if (b < 0) FAIL("byte piece %d \"%s\" is not <0xNN>", id, pc->piece);
            if (tk->byte_id[b] < 0) nbytes++;
            tk->byte_id[b] = id;
            tk->plen[id] = 1;
        }
        if (normal && tk->split_ok && !split_safe(pc)) tk->split_ok = 0;
    }
    if (tk->unk < 0) FAIL("the model has no unknown piece");
    if (m->byte_fallback && nbytes != 256) FAIL("byte_fallback model with %d of the 256 byte pieces", nbytes);
    for (int id = 0; id < np && !tk->overlap; id++)
        if (tk->type[id] == GT_SPM_NORMAL || tk->type[id] == GT_SPM_USER_DEFINED || tk->type[id] == GT_SPM_UNUSED)
            if (pt_find(tk, &tk->reserved, m->pieces[id].piece, m->pieces[id].len) >= 0) tk->overlap = 1;
    if (tk->nuser > 1) qsort_r(tk->user, (size_t)tk->nuser, sizeof *tk->user, cmp_len_desc, m);
#undef FAIL

    /* Fingerprint: every piece (bytes, score bits, type) and the settings. */
    uint64_t h = gt_hash64("gentitle-spm-bpe", 16, 1);
    for (int id = 0; id < np; id++) {
        const gt_spm_piece *pc = &m->pieces[id];
        uint32_t sb;
        memcpy(&sb, &pc->score, 4);
        h = gt_hash64(pc->piece, pc->len, h ^ ((uint64_t)sb << 8) ^ (uint64_t)pc->type);
    }
    int32_t st[12] = { m->model_type, m->byte_fallback, m->treat_ws_as_suffix, m->unk_id, m->bos_id,
                       m->eos_id, m->pad_id, m->add_dummy_prefix, m->remove_extra_ws, m->escape_ws, np, 0 };
    unsigned char sb[48];
    for (int k = 0; k < 12; k++)
        for (int j = 0; j < 4; j++) sb[k * 4 + j] = (unsigned char)((uint32_t)st[k] >> (8 * j));
    tk->fp = gt_hash64(sb, sizeof sb, h);
    return tk;
}

gt_spm *gt_spm_new_vocab(const gt_vocab *v, const gt_vocab_rules *r, char *err, size_t errsz)
{
    gt_spm *tk = gt_xcalloc(1, sizeof *tk);
    gt_spm_model *m = &tk->m;
    size_t n = v->n, bytes = 0;
    char buf[32];
    for (size_t i = 0; i < n; i++) bytes += gt_vocab_text(v, i, buf).n + 1;
    m->pieces = gt_xcalloc(n, sizeof *m->pieces);
    m->strs = gt_xmalloc(bytes);
    m->npieces = (int)n;
    m->model_type = GT_SPM_BPE;
    m->byte_fallback = 1;
    m->unk_id = r->unk; m->bos_id = r->bos; m->eos_id = r->eos; m->pad_id = r->pad;
    snprintf(m->norm_name, sizeof m->norm_name, "identity");
    m->add_dummy_prefix = r->add_space_prefix;
    m->remove_extra_ws = 0;
    m->escape_ws = 1;
    tk->llama = 1;
    tk->unk = r->unk;
    tk->split_ok = 1;
    pt_init(&tk->pieces, n);
    pt_init(&tk->reserved, 0);
    tk->score = gt_xmalloc(n * sizeof *tk->score);
    tk->type = gt_xmalloc(n);
    tk->plen = gt_xmalloc(n * sizeof *tk->plen);
    tk->user = gt_xmalloc(sizeof *tk->user);
    size_t so = 0;
    for (size_t i = 0; i < n; i++) {
        gt_vstr s = gt_vocab_text(v, i, buf);
        gt_spm_piece *pc = &m->pieces[i];
        memcpy(m->strs + so, s.p, s.n);
        m->strs[so + s.n] = 0;
        pc->piece = m->strs + so;
        pc->len = (uint32_t)s.n;
        pc->score = v->scores ? v->scores[i] : 0.0f;
        pc->type = gt_vocab_type(v, i);
        so += s.n + 1;
        tk->score[i] = pc->score;
        tk->type[i] = (uint8_t)pc->type;
        tk->plen[i] = pc->type == GT_SPM_BYTE ? 1 : pc->len;
        if (pt_add(tk, &tk->pieces, (int32_t)i) != 0) {
            snprintf(err, errsz, "duplicate token in vocabulary: \"%.40s\" has ids %d and %zu", pc->piece,
                     pt_find(tk, &tk->pieces, pc->piece, pc->len), i);
            gt_spm_free(tk);
            return NULL;
        }
        if (tk->split_ok && !split_safe(pc)) tk->split_ok = 0;
    }
    /* a character without a token: its bytes' <0xNN> tokens, else one-byte tokens */
    for (int b = 0; b < 256; b++) {
        char nm[8], one = (char)b;
        snprintf(nm, sizeof nm, "<0x%02X>", b);
        tk->byte_id[b] = pt_find(tk, &tk->pieces, nm, 6);
        if (tk->byte_id[b] < 0) tk->byte_id[b] = pt_find(tk, &tk->pieces, &one, 1);
    }
    tk->fp = r->fp;
    return tk;
}

void gt_spm_free(gt_spm *t)
{
    if (!t) return;
    gt_spm_model_free(&t->m);
    free(t->pieces.s);
    free(t->reserved.s);
    free(t->score);
    free(t->type);
    free(t->plen);
    free(t->user);
    free(t);
}

int gt_spm_vocab_size(const gt_spm *t) { return t->m.npieces; }
static int valid_special(const gt_spm *t, int id) { return id >= 0 && id < t->m.npieces ? id : -1; }
int gt_spm_bos(const gt_spm *t) { return valid_special(t, t->m.bos_id); }
int gt_spm_eos(const gt_spm *t) { return valid_special(t, t->m.eos_id); }
int gt_spm_unk(const gt_spm *t) { return t->unk; }
uint64_t gt_spm_fingerprint(const gt_spm *t) { return t->fp; }
const gt_spm_model *gt_spm_model_of(const gt_spm *t) { return &t->m; }

/* ---------- encoding workspace ---------- */

typedef struct { int prev, next; uint32_t start, len; int32_t id; int freeze; } sym;
typedef struct { float score; int left, right; uint32_t size; int32_t id; } agenda_item;
typedef struct { uint32_t start, len, leftlen; } revm;

#define CACHE_SLOTS (1u << 18)
#define CACHE_MAXKEY 64
#define CACHE_ARENA ((size_t)16 << 20)

typedef struct { uint64_t hash; uint32_t off; uint16_t klen, nids; } centry;

struct gt_spmctx {
    const gt_spm *t;
    char *norm; size_t ncap;
    uint32_t *n2o; size_t n2ocap;
    sym *sy; size_t sycap;
    agenda_item *ag; size_t agn, agcap;
    revm *rv; size_t rvn, rvcap;
    int32_t *tmp; size_t tmpn, tmpcap;
    centry *cache; size_t cused;
    uint32_t cslots;                /* word cache slots, a power of two */
    size_t carena;                  /* bytes of its id arena */
    unsigned char *arena; size_t alen;
    /* output state */
    int prev_unk;
};

gt_spmctx *gt_spmctx_new(const gt_spm *t, int small)
{
    gt_spmctx *c = gt_xcalloc(1, sizeof *c);
    c->t = t;
    c->cslots = small ? 1u << 12 : CACHE_SLOTS;
    c->carena = small ? (size_t)256 << 10 : CACHE_ARENA;
    c->cache = gt_xcalloc(c->cslots, sizeof *c->cache);
    c->arena = gt_xmalloc(c->carena);
    return c;
}

void gt_spmctx_free(gt_spmctx *c)
{
    if (!c) return;
    free(c->norm); free(c->n2o); free(c->sy); free(c->ag); free(c->rv); free(c->tmp);
    free(c->cache); free(c->arena);
    free(c);
}

/* ---------- normaliser (identity) ---------- */


/* Normalise S into c->norm; with WANT_MAP also c->n2o (the original offset of
 * each normalised byte, and the consumed length at [len]). Returns the length. */
static size_t normalize(gt_spmctx *c, const char *s, size_t n, int want_map)
{
    const gt_spm_model *m = &c->t->m;
    size_t need = n * 3 + 8;
    if (need > c->ncap) { c->ncap = need; free(c->norm); c->norm = gt_xmalloc(need); }
    if (want_map && need + 1 > c->n2ocap) { c->n2ocap = need + 1; free(c->n2o); c->n2o = gt_xmalloc(c->n2ocap * sizeof *c->n2o); }
    char *o = c->norm;
    uint32_t *map = want_map ? c->n2o : NULL;
    size_t k = 0, i = 0;
    const unsigned char *p = (const unsigned char *)s;
    if (m->remove_extra_ws) while (i < n && p[i] == ' ') i++;
    if (i == n) { if (map) map[0] = (uint32_t)n; return 0; }
    const char *ws = m->escape_ws ? SPACE_SYM : " ";
    size_t wsn = m->escape_ws ? 3 : 1;
    if (!m->treat_ws_as_suffix && m->add_dummy_prefix) {
        memcpy(o, ws, wsn);
        if (map) for (size_t j = 0; j < wsn; j++) map[k + j] = 0;
        k += wsn;
    }
    int prev_space = m->remove_extra_ws;
    while (i < n) {
        unsigned ch = p[i];
        if (ch < 0x80) {
            if (ch == ' ') {
                if (!prev_space) {
                    memcpy(o + k, ws, wsn);
                    if (map) for (size_t j = 0; j < wsn; j++) map[k + j] = (uint32_t)i;
                    k += wsn;
                }
                prev_space = m->remove_extra_ws;   /* a space ends the piece */
            } else {
                o[k] = (char)ch;
                if (map) map[k] = (uint32_t)i;
                k++;
                prev_space = 0;
            }
            i++;
            continue;
        }
        int l = gt_utf8_len(p + i, n - i);
        if (l == 0) {
            memcpy(o + k, "\xef\xbf\xbd", 3);
            if (map) for (int j = 0; j < 3; j++) map[k + j] = (uint32_t)i;
            k += 3;
            i += 1;
        } else {
            memcpy(o + k, p + i, (size_t)l);
            if (map) for (int j = 0; j < l; j++) map[k + j] = (uint32_t)i;
            k += (size_t)l;
            i += (size_t)l;
        }
        prev_space = 0;
    }
    size_t consumed = n;
    if (m->remove_extra_ws) {
        while (k >= wsn && memcmp(o + k - wsn, ws, wsn) == 0) {
            k -= wsn;
            if (map) consumed = map[k];
        }
    }
    if (m->treat_ws_as_suffix && m->add_dummy_prefix) {
        memcpy(o + k, ws, wsn);
        if (map) for (size_t j = 0; j < wsn; j++) map[k + j] = (uint32_t)consumed;
        k += wsn;
    }
    if (map) map[k] = (uint32_t)consumed;
    return k;
}

/* ---------- BPE over one chunk of normalised text ---------- */

static inline int ag_better(const agenda_item *a, const agenda_item *b)
{
    return a->score > b->score || (a->score == b->score && a->left < b->left);
}

static void ag_push(gt_spmctx *c, agenda_item it)
{
    if (c->agn == c->agcap) {
        c->agcap = c->agcap ? c->agcap * 2 : 256;
        c->ag = gt_xrealloc(c->ag, c->agcap * sizeof *c->ag);
    }
    size_t i = c->agn++;
    while (i > 0) {
        size_t par = (i - 1) / 2;
        if (!ag_better(&it, &c->ag[par])) break;
        c->ag[i] = c->ag[par];
        i = par;
    }
    c->ag[i] = it;
}

static agenda_item ag_pop(gt_spmctx *c)
{
    agenda_item top = c->ag[0];
    agenda_item last = c->ag[--c->agn];
    size_t n = c->agn, i = 0;
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n) break;
        size_t r = l + 1, best = l;
        if (r < n && ag_better(&c->ag[r], &c->ag[l])) best = r;
        if (!ag_better(&c->ag[best], &last)) break;
        c->ag[i] = c->ag[best];
        i = best;
    }
    if (n) c->ag[i] = last;
    return top;
}

static inline void tmp_push(gt_spmctx *c, int32_t id)
{
    if (c->tmpn == c->tmpcap) {
        c->tmpcap = c->tmpcap ? c->tmpcap * 2 : 1024;
        c->tmp = gt_xrealloc(c->tmp, c->tmpcap * sizeof *c->tmp);
    }
    c->tmp[c->tmpn++] = id;
}

static void maybe_add(gt_spmctx *c, const char *s, int l, int r)
{
    if (l < 0 || r < 0) return;
    sym *a = &c->sy[l], *b = &c->sy[r];
    if (a->freeze || b->freeze) return;
    uint32_t size = a->len + b->len;
    int32_t id = pt_find(c->t, &c->t->pieces, s + a->start, size);
    if (id < 0) return;
    agenda_item it = { c->t->score[id], l, r, size, id };
    ag_push(c, it);
    if (c->t->type[id] == GT_SPM_UNUSED && !c->t->llama) {
        if (c->rvn == c->rvcap) {
            c->rvcap = c->rvcap ? c->rvcap * 2 : 64;
            c->rv = gt_xrealloc(c->rv, c->rvcap * sizeof *c->rv);
        }
        c->rv[c->rvn++] = (revm){ a->start, size, a->len };
    }
}

/* Resegment an UNUSED piece (bpe_model.cc's rev_merge: the last record of the
 * same string wins), appending the pieces' raw ids (may be unk) to tmp. */
static void emit_piece(gt_spmctx *c, const char *s, uint32_t start, uint32_t len, int32_t id, int depth)
{
    const gt_spm *t = c->t;
    if (t->llama) {             /* the token, else byte tokens (none: the byte is dropped) */
        if (id >= 0) { tmp_push(c, id); return; }
        for (uint32_t k = 0; k < len; k++)
            if (t->byte_id[(unsigned char)s[start + k]] >= 0) tmp_push(c, t->byte_id[(unsigned char)s[start + k]]);
        return;
    }
    if (id >= 0 && t->type[id] == GT_SPM_UNUSED && depth < 64) {
        for (size_t k = c->rvn; k-- > 0;) {
            const revm *r = &c->rv[k];
            if (r->len == len && memcmp(s + r->start, s + start, len) == 0) {
                uint32_t ll = r->leftlen, rs = r->start;
                emit_piece(c, s, start, ll, piece_to_id(t, s + rs, ll), depth + 1);
                emit_piece(c, s, start + ll, len - ll, piece_to_id(t, s + rs + ll, len - ll), depth + 1);
                return;
            }
        }
    }
    if (t->type[id] == GT_SPM_UNKNOWN && t->m.byte_fallback) {
        for (uint32_t k = 0; k < len; k++) tmp_push(c, t->byte_id[(unsigned char)s[start + k]]);
        return;
    }
    tmp_push(c, id);
    if (t->type[id] == GT_SPM_UNKNOWN) tmp_push(c, (int32_t)len);   /* length rider, see below */
}

/* Encode S[0..N) (normalised) into c->tmp: ids, where an unknown id (only
 * without byte fallback) is followed by its length in bytes. */
static void bpe(gt_spmctx *c, const char *s, size_t n)
{
    const gt_spm *t = c->t;
    if (n == 0) return;
    if (n > c->sycap) {
        c->sycap = n + 64;
        free(c->sy);
        c->sy = gt_xmalloc(c->sycap * sizeof *c->sy);
    }
    static const unsigned char onelen[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4 };
    int ns = 0;
    size_t i = 0;
    while (i < n) {
        sym *y = &c->sy[ns];
        size_t l = 0;
        y->freeze = 0;
        y->id = -1;
        if (t->has_user) {
            for (int u = 0; u < t->nuser; u++) {
                const gt_spm_piece *pc = &t->m.pieces[t->user[u]];
                if (pc->len <= n - i && memcmp(pc->piece, s + i, pc->len) == 0) {
                    l = pc->len; y->freeze = 1;
                    break;
                }
            }
        }
        if (!l) {
            l = onelen[(unsigned char)s[i] >> 4];
            if (l > n - i) l = n - i;
        }
        y->start = (uint32_t)i;
        y->len = (uint32_t)l;
        y->prev = ns - 1;
        i += l;
        y->next = i < n ? ns + 1 : -1;
        ns++;
    }
    c->agn = 0;
    c->rvn = 0;
    for (int k = 1; k < ns; k++) maybe_add(c, s, k - 1, k);
    while (c->agn) {
        agenda_item top = ag_pop(c);
        sym *a = &c->sy[top.left], *b = &c->sy[top.right];
        if (a->len == 0 || b->len == 0 || a->len + b->len != top.size) continue;
        a->len += b->len;
        a->id = top.id;
        a->next = b->next;
        if (b->next >= 0) c->sy[b->next].prev = top.left;
        b->len = 0;
        maybe_add(c, s, a->prev, top.left);
        maybe_add(c, s, top.left, a->next);
    }
    for (int k = 0; k != -1; k = c->sy[k].next) {
        const sym *y = &c->sy[k];
        int32_t id = y->id;
        if (t->llama) { if (id < 0) id = pt_find(t, &t->pieces, s + y->start, y->len); }
        else if (id < 0 || t->overlap) id = piece_to_id(t, s + y->start, y->len);
        emit_piece(c, s, y->start, y->len, id, 0);
    }
}

/* ---------- chunk cache ---------- */

/* Encode chunk S[0..N) into c->tmp (appending), through the cache. */
static void encode_chunk(gt_spmctx *c, const char *s, size_t n)
{
    if (n > CACHE_MAXKEY) { bpe(c, s, n); return; }
    uint64_t h = hbytes(s, n) | 1;
    uint32_t i = (uint32_t)h & (c->cslots - 1);
    for (;;) {
        centry *e = &c->cache[i];
        if (e->hash == 0) break;
        if (e->hash == h && e->klen == n && memcmp(c->arena + e->off, s, n) == 0) {
            const unsigned char *q = c->arena + e->off + ((n + 3) & ~(size_t)3);
            size_t nids = e->nids;
            if (c->tmpn + nids > c->tmpcap) {
                while (c->tmpn + nids > c->tmpcap) c->tmpcap = c->tmpcap ? c->tmpcap * 2 : 1024;
                c->tmp = gt_xrealloc(c->tmp, c->tmpcap * sizeof *c->tmp);
            }
            memcpy(c->tmp + c->tmpn, q, nids * sizeof(int32_t));
            c->tmpn += nids;
            return;
        }
        i = (i + 1) & (c->cslots - 1);
    }
    size_t before = c->tmpn;
    bpe(c, s, n);
    size_t nids = c->tmpn - before;
    size_t need = ((n + 3) & ~(size_t)3) + nids * sizeof(int32_t);
    if (nids > 0xffff) return;
    if (c->cused * 2 >= c->cslots || c->alen + need > c->carena) {
        memset(c->cache, 0, c->cslots * sizeof *c->cache);
        c->cused = 0;
        c->alen = 0;
        i = (uint32_t)h & (c->cslots - 1);
    }
    centry *e = &c->cache[i];
    e->hash = h;
    e->off = (uint32_t)c->alen;
    e->klen = (uint16_t)n;
    e->nids = (uint16_t)nids;
    memcpy(c->arena + c->alen, s, n);
    memcpy(c->arena + c->alen + ((n + 3) & ~(size_t)3), c->tmp + before, nids * sizeof(int32_t));
    c->alen += need;
    c->cused++;
}

/* ---------- public encoding ---------- */

static size_t encode_norm(gt_spmctx *c, size_t nn)
{
    const gt_spm *t = c->t;
    const char *s = c->norm;
    c->tmpn = 0;
    if (!t->split_ok) {
        bpe(c, s, nn);
        return nn;
    }
    size_t start = 0;
    for (size_t i = 3; i + 3 <= nn; i++) {
        if ((unsigned char)s[i] == 0xe2 && s[i + 1] == SPACE_SYM[1] && s[i + 2] == SPACE_SYM[2] &&
            memcmp(s + i - 3, SPACE_SYM, 3) != 0) {
            encode_chunk(c, s + start, i - start);
            start = i;
            i += 2;
        }
    }
    if (start < nn) encode_chunk(c, s + start, nn - start);
    return nn;
}

/* Move c->tmp to OUT (merging runs of unknown ids), resolving MARKS given in
 * normalised offsets into token indexes. */
static size_t flush_tmp(gt_spmctx *c, gt_ids *out, size_t *nmark, int nmarks)
{
    const gt_spm *t = c->t;
    size_t first = out->n, pos = 0;
    int mk = 0;
    int prev_unk = 0;
    for (size_t k = 0; k < c->tmpn; k++) {
        int32_t id = c->tmp[k];
        uint32_t len;
        int is_unk = t->type[id] == GT_SPM_UNKNOWN && !t->llama;
        if (is_unk) len = (uint32_t)c->tmp[++k];
        else len = t->plen[id];
        while (mk < nmarks && nmark[mk] <= pos) nmark[mk++] = out->n - first;
        pos += len;
        if (is_unk && prev_unk) continue;
        prev_unk = is_unk;
        gt_ids_push(out, id);
    }
    while (mk < nmarks) nmark[mk++] = out->n - first;
    return out->n - first;
}

size_t gt_spm_encode(gt_spmctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks)
{
    size_t nn = normalize(c, text, n, nmarks > 0);
    if (nmarks > 0) {
        /* original offsets to normalised ones: first byte whose origin >= mark */
        size_t j = 0;
        for (int k = 0; k < nmarks; k++) {
            while (j < nn && c->n2o[j] < marks[k]) j++;
            marks[k] = j;
        }
    }
    encode_norm(c, nn);
    return flush_tmp(c, out, marks, nmarks);
}

size_t gt_spm_token_offset(gt_spmctx *c, const char *text, size_t n, size_t k)
{
    const gt_spm *t = c->t;
    size_t nn = normalize(c, text, n, 1);
    encode_norm(c, nn);
    size_t pos = 0, idx = 0;
    int prev_unk = 0;
    for (size_t q = 0; q < c->tmpn; q++) {
        int32_t id = c->tmp[q];
        int is_unk = t->type[id] == GT_SPM_UNKNOWN && !t->llama;
        uint32_t len = is_unk ? (uint32_t)c->tmp[++q] : t->plen[id];
        if (!(is_unk && prev_unk)) {
            if (idx == k) return pos < nn ? c->n2o[pos] : n;
            idx++;
        }
        prev_unk = is_unk;
        pos += len;
    }
    return n;
}

/* ---------- decoding ---------- */

size_t gt_spm_decode(const gt_spm *t, const int32_t *ids, size_t n, char **buf, size_t *len,
                     size_t *cap, size_t *bad)
{
    gt_buf out = { *buf, *len, *cap };    /* the caller's buffer, appended to */
    size_t start = out.n;
    int strip = t->m.add_dummy_prefix || t->m.remove_extra_ws;
    for (size_t i = 0; i < n;) {
        int32_t id = ids[i];
        if (id < 0 || id >= t->m.npieces) { if (bad) (*bad)++; i++; continue; }
        int ty = t->type[id];
        if (ty == GT_SPM_BYTE) {
            unsigned char bytes[256];
            size_t nb = 0;
            while (i < n && nb < sizeof bytes && ids[i] >= 0 && ids[i] < t->m.npieces && t->type[ids[i]] == GT_SPM_BYTE) {
                const gt_spm_piece *pc = &t->m.pieces[ids[i]];
                bytes[nb++] = (unsigned char)piece_byte(pc->piece, pc->len);
                i++;
            }
            for (size_t o = 0; o < nb;) {
                int l = gt_utf8_len(bytes + o, nb - o);
                if (l == 0) { gt_buf_add(&out, "\xef\xbf\xbd", 3); o++; }
                else { gt_buf_add(&out, bytes + o, (size_t)l); o += (size_t)l; }
            }
            continue;
        }
        i++;
        if (ty == GT_SPM_CONTROL) continue;
        if (ty == GT_SPM_UNKNOWN) { gt_buf_add(&out, " \xe2\x81\x87 ", 5); continue; }
        const gt_spm_piece *pc = &t->m.pieces[id];
        const char *p = pc->piece;
        size_t pn = pc->len;
        if (strip && out.n == start && pn >= 3 && memcmp(p, SPACE_SYM, 3) == 0) { p += 3; pn -= 3; strip = 0; }
        for (size_t k = 0; k < pn;) {
            if (pn - k >= 3 && memcmp(p + k, SPACE_SYM, 3) == 0) { gt_buf_add(&out, " ", 1); k += 3; continue; }
            size_t e = k + 1;
            while (e < pn && !(pn - e >= 3 && memcmp(p + e, SPACE_SYM, 3) == 0)) e++;
            gt_buf_add(&out, p + k, e - k);
            k = e;
        }
    }
    gt_buf_nul(&out);
    *buf = out.p; *len = out.n; *cap = out.cap;
    return out.n;
}
