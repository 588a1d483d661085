/* bpe_train.c - BPE vocabulary training (see bpe_train.h). */
#include "tok/bpe_train.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK "\xe2\x96\x81"     /* U+2581 */
#define MARKLEN 3

typedef struct { uint64_t off; uint32_t len; uint32_t hash; uint64_t count; } wentry;
typedef struct { uint32_t off, len; } piece;
typedef struct { int32_t *v; uint32_t n, cap; } ilist;
typedef struct { int64_t count; int32_t pair; } hent;

struct gt_bpe {
    /* distinct words */
    gt_buf wa;                          /* their bytes */
    wentry *w; size_t nw, wcap;
    uint32_t *wtab; size_t wtabcap;     /* index + 1, 0 empty */
    gt_buf cur;                         /* word being built */
    gt_bpe_stats st;
    /* pieces (alphabet first, sorted by code point, then merged pieces) */
    gt_buf pa;                          /* their bytes */
    piece *pc; int npc, pccap;
    uint8_t *plead;                     /* piece starts with U+2581 */
    uint32_t *ptab; size_t ptabcap;     /* piece id + 1 by string */
    int nalpha;
    int32_t *ma, *mb; int nm, mcap;     /* merges, as piece ids */
    /* symbols of the distinct words */
    int32_t *sym; uint64_t *soff; uint32_t *slen;
    /* pairs */
    int32_t *pra, *prb; int64_t *prc; ilist *prl; uint32_t *prs; uint8_t *prf;
    size_t npr, prcap;
    uint64_t *prkey; uint32_t *prtab; size_t prtabcap;
    hent *heap; size_t nheap, heapcap;
    int trained;
};

gt_bpe *gt_bpe_new(void)
{
    gt_bpe *b = gt_xcalloc(1, sizeof *b);
    b->wtabcap = 1 << 16;
    b->wtab = gt_xcalloc(b->wtabcap, sizeof *b->wtab);
    return b;
}

void gt_bpe_free(gt_bpe *b)
{
    if (!b) return;
    gt_buf_free(&b->wa); free(b->w); free(b->wtab); gt_buf_free(&b->cur);
    gt_buf_free(&b->pa); free(b->pc); free(b->plead); free(b->ptab);
    free(b->ma); free(b->mb);
    free(b->sym); free(b->soff); free(b->slen);
    for (size_t i = 0; i < b->npr; i++) free(b->prl[i].v);
    free(b->pra); free(b->prb); free(b->prc); free(b->prl); free(b->prs); free(b->prf);
    free(b->prkey); free(b->prtab); free(b->heap);
    free(b);
}

/* ---- word counting ---- */

static void wtab_grow(gt_bpe *b)
{
    size_t cap = b->wtabcap * 2;
    uint32_t *t = gt_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < b->nw; i++) {
        size_t h = b->w[i].hash & (cap - 1);
        while (t[h]) h = (h + 1) & (cap - 1);
        t[h] = (uint32_t)(i + 1);
    }
    free(b->wtab);
    b->wtab = t;
    b->wtabcap = cap;
}

static void word_flush(gt_bpe *b)
{
    const char *s = b->cur.p;
    size_t n = b->cur.n;
    b->st.words++;
    uint32_t hash = (uint32_t)gt_hash64(s, n, 0x9e3779b9);
    size_t mask = b->wtabcap - 1, h = hash & mask;
    for (;;) {
        uint32_t e = b->wtab[h];
        if (!e) break;
        wentry *w = &b->w[e - 1];
        if (w->hash == hash && w->len == n && memcmp(b->wa.p + w->off, s, n) == 0) { w->count++; return; }
        h = (h + 1) & mask;
    }
    if (b->nw == b->wcap) {
        b->wcap = b->wcap ? b->wcap * 2 : 4096;
        b->w = gt_xrealloc(b->w, b->wcap * sizeof *b->w);
    }
    b->w[b->nw] = (wentry){b->wa.n, (uint32_t)n, hash, 1};
    gt_buf_add(&b->wa, s, n);
    b->wtab[h] = (uint32_t)(++b->nw);
    if (b->nw * 2 > b->wtabcap) wtab_grow(b);
}

void gt_bpe_add_text(gt_bpe *b, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    if (n == 0) return;
    b->st.texts++;
    b->cur.n = 0;
    gt_buf_add(&b->cur, MARK, MARKLEN);
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c == ' ') {
            word_flush(b);
            b->cur.n = 0;
            gt_buf_add(&b->cur, MARK, MARKLEN);
            i++;
            continue;
        }
        if (c < 0x80) {
            size_t j = i + 1;
            while (j < n && s[j] < 0x80 && s[j] != ' ') j++;
            gt_buf_add(&b->cur, (const char *)s + i, j - i);
            i = j;
            continue;
        }
        size_t l = (size_t)gt_utf8_len(s + i, n - i);
        if (!l) { gt_buf_add(&b->cur, "\xef\xbf\xbd", 3); i++; continue; }
        if (l == MARKLEN && memcmp(s + i, MARK, MARKLEN) == 0) {
            word_flush(b);
            b->cur.n = 0;
        }
        gt_buf_add(&b->cur, (const char *)s + i, l);
        i += l;
    }
    word_flush(b);
}

/* ---- pieces ---- */

static int piece_cmp(const gt_bpe *b, int x, int y)
{
    const piece *p = &b->pc[x], *q = &b->pc[y];
    uint32_t m = p->len < q->len ? p->len : q->len;
    int r = memcmp(b->pa.p + p->off, b->pa.p + q->off, m);
    if (r) return r;
    return p->len < q->len ? -1 : p->len > q->len;
}

static void ptab_insert(uint32_t *tab, size_t cap, uint32_t hash, int id)
{
    size_t h = hash & (cap - 1);
    while (tab[h]) h = (h + 1) & (cap - 1);
    tab[h] = (uint32_t)id + 1;
}

static int piece_find(const gt_bpe *b, const char *s, size_t n)
{
    uint32_t hash = (uint32_t)gt_hash64(s, n, 7);
    size_t mask = b->ptabcap - 1, h = hash & mask;
    for (uint32_t e; (e = b->ptab[h]); h = (h + 1) & mask) {
        const piece *p = &b->pc[e - 1];
        if (p->len == n && memcmp(b->pa.p + p->off, s, n) == 0) return (int)e - 1;
    }
    return -1;
}

static int piece_add(gt_bpe *b, const char *s, size_t n)
{
    if (b->npc == b->pccap) {
        b->pccap = b->pccap ? b->pccap * 2 : 1024;
        b->pc = gt_xrealloc(b->pc, (size_t)b->pccap * sizeof *b->pc);
        b->plead = gt_xrealloc(b->plead, (size_t)b->pccap);
    }
    int id = b->npc++;
    b->pc[id] = (piece){(uint32_t)b->pa.n, (uint32_t)n};
    b->plead[id] = n >= MARKLEN && memcmp(s, MARK, MARKLEN) == 0;
    gt_buf_add(&b->pa, s, n);
    if ((size_t)b->npc * 2 > b->ptabcap) {
        size_t cap = b->ptabcap ? b->ptabcap * 2 : 4096;
        uint32_t *t = gt_xcalloc(cap, sizeof *t);
        for (int i = 0; i < b->npc; i++)
            ptab_insert(t, cap, (uint32_t)gt_hash64(b->pa.p + b->pc[i].off, b->pc[i].len, 7), i);
        free(b->ptab);
        b->ptab = t;
        b->ptabcap = cap;
    } else {
        ptab_insert(b->ptab, b->ptabcap, (uint32_t)gt_hash64(s, n, 7), id);
    }
    return id;
}

/* Does S spell a special or byte piece? */
static int reserved(const char *s, size_t n)
{
    if (n < 3 || s[0] != '<' || s[n - 1] != '>') return 0;
    if ((n == 5 && memcmp(s, "<unk>", 5) == 0) || (n == 3 && memcmp(s, "<s>", 3) == 0) ||
        (n == 4 && memcmp(s, "</s>", 4) == 0))
        return 1;
    if (n != 6 || memcmp(s, "<0x", 3) != 0) return 0;
    for (int i = 3; i < 5; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'F'))) return 0;
    return 1;
}

/* ---- pairs ---- */

static uint32_t pkey_hash(uint64_t k)
{
    k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33;
    return (uint32_t)k;
}

static size_t pair_get(gt_bpe *b, int32_t x, int32_t y)
{
    uint64_t key = (uint64_t)(uint32_t)x << 32 | (uint32_t)y;
    size_t mask = b->prtabcap - 1, h = pkey_hash(key) & mask;
    for (uint32_t e; (e = b->prtab[h]); h = (h + 1) & mask)
        if (b->prkey[e - 1] == key) return e - 1;
    if (b->npr == b->prcap) {
        b->prcap = b->prcap ? b->prcap * 2 : 65536;
        b->pra = gt_xrealloc(b->pra, b->prcap * sizeof *b->pra);
        b->prb = gt_xrealloc(b->prb, b->prcap * sizeof *b->prb);
        b->prc = gt_xrealloc(b->prc, b->prcap * sizeof *b->prc);
        b->prl = gt_xrealloc(b->prl, b->prcap * sizeof *b->prl);
        b->prs = gt_xrealloc(b->prs, b->prcap * sizeof *b->prs);
        b->prf = gt_xrealloc(b->prf, b->prcap * sizeof *b->prf);
        b->prkey = gt_xrealloc(b->prkey, b->prcap * sizeof *b->prkey);
    }
    size_t id = b->npr++;
    b->pra[id] = x; b->prb[id] = y; b->prc[id] = 0;
    b->prl[id] = (ilist){NULL, 0, 0};
    b->prs[id] = 0; b->prf[id] = 0;
    b->prkey[id] = key;
    b->prtab[h] = (uint32_t)id + 1;
    if (b->npr * 2 > b->prtabcap) {
        size_t cap = b->prtabcap * 2;
        uint32_t *t = gt_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < b->npr; i++) {
            size_t g = pkey_hash(b->prkey[i]) & (cap - 1);
            while (t[g]) g = (g + 1) & (cap - 1);
            t[g] = (uint32_t)i + 1;
        }
        free(b->prtab);
        b->prtab = t;
        b->prtabcap = cap;
    }
    return id;
}

static void list_add(ilist *l, int32_t w)
{
    if (l->n && l->v[l->n - 1] == w) return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = gt_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = w;
}

static inline int pair_ok(const gt_bpe *b, int32_t x, int32_t y)
{
    return x >= 0 && y >= 0 && !b->plead[y];
}

/* heap order: higher count first, then the lexicographically smaller pair */
static int hless(const gt_bpe *b, const hent *p, const hent *q)  /* p before q? */
{
    if (p->count != q->count) return p->count > q->count;
    int r = piece_cmp(b, b->pra[p->pair], b->pra[q->pair]);
    if (!r) r = piece_cmp(b, b->prb[p->pair], b->prb[q->pair]);
    return r < 0;
}

static void heap_push(gt_bpe *b, int64_t count, size_t pair)
{
    if (b->nheap == b->heapcap) {
        b->heapcap = b->heapcap ? b->heapcap * 2 : 65536;
        b->heap = gt_xrealloc(b->heap, b->heapcap * sizeof *b->heap);
    }
    hent e = {count, (int32_t)pair};
    size_t i = b->nheap++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!hless(b, &e, &b->heap[up])) break;
        b->heap[i] = b->heap[up];
        i = up;
    }
    b->heap[i] = e;
}

static hent heap_pop(gt_bpe *b)
{
    hent top = b->heap[0], e = b->heap[--b->nheap];
    size_t i = 0, n = b->nheap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && hless(b, &b->heap[c + 1], &b->heap[c])) c++;
        if (!hless(b, &b->heap[c], &e)) break;
        b->heap[i] = b->heap[c];
        i = c;
    }
    if (n) b->heap[i] = e;
    return top;
}

/* ---- training ---- */

typedef struct { uint32_t cp; uint64_t count; } cpcount;

static int cp_by_count(const void *x, const void *y)
{
    const cpcount *p = x, *q = y;
    if (p->count != q->count) return p->count > q->count ? -1 : 1;
    return p->cp < q->cp ? -1 : p->cp > q->cp;
}

static int cp_by_cp(const void *x, const void *y)
{
    const cpcount *p = x, *q = y;
    return p->cp < q->cp ? -1 : p->cp > q->cp;
}

/* code point -> count (or piece id), open addressing */
typedef struct { uint32_t *key; int64_t *val; size_t cap, n; } cpmap;

static int64_t *cpmap_slot(cpmap *m, uint32_t cp)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint32_t *k = gt_xmalloc(cap * sizeof *k);
        int64_t *v = gt_xcalloc(cap, sizeof *v);
        memset(k, 0xff, cap * sizeof *k);
        for (size_t i = 0; i < m->cap; i++) {
            if (m->key[i] == UINT32_MAX) continue;
            size_t h = pkey_hash(m->key[i]) & (cap - 1);
            while (k[h] != UINT32_MAX) h = (h + 1) & (cap - 1);
            k[h] = m->key[i];
            v[h] = m->val[i];
        }
        free(m->key); free(m->val);
        m->key = k; m->val = v; m->cap = cap;
    }
    size_t h = pkey_hash(cp) & (m->cap - 1);
    while (m->key[h] != UINT32_MAX && m->key[h] != cp) h = (h + 1) & (m->cap - 1);
    if (m->key[h] == UINT32_MAX) { m->key[h] = cp; m->val[h] = 0; m->n++; }
    return &m->val[h];
}

int gt_bpe_train(gt_bpe *b, int vocab_size, long min_frequency, char *err, size_t errsz)
{
    if (b->trained) { snprintf(err, errsz, "already trained"); return -1; }
    b->trained = 1;
    b->st.uniq_words = b->nw;
    if (b->nw == 0) { snprintf(err, errsz, "no text to learn from"); return -1; }
    if (vocab_size < GT_BPE_MIN_VOCAB) {
        snprintf(err, errsz, "vocabulary size %d is less than %d (special and byte pieces)", vocab_size,
                 GT_BPE_MIN_VOCAB);
        return -1;
    }
    if (min_frequency < 1) min_frequency = 1;

    /* character counts */
    cpmap cm = {0};
    for (size_t i = 0; i < b->nw; i++) {
        const unsigned char *s = (const unsigned char *)b->wa.p + b->w[i].off;
        size_t n = b->w[i].len;
        for (size_t j = 0; j < n;) {
            int l = gt_utf8_len(s + j, n - j);
            *cpmap_slot(&cm, gt_utf8_cp(s + j, l)) += (int64_t)b->w[i].count;
            j += (size_t)l;
        }
    }
    cpcount *cc = gt_xmalloc((cm.n + 1) * sizeof *cc);
    size_t ncc = 0;
    for (size_t i = 0; i < cm.cap; i++)
        if (cm.key[i] != UINT32_MAX) cc[ncc++] = (cpcount){cm.key[i], (uint64_t)cm.val[i]};
    b->st.chars_seen = ncc;
    qsort(cc, ncc, sizeof *cc, cp_by_count);
    size_t room = (size_t)vocab_size - GT_BPE_MIN_VOCAB, na = 0;
    for (size_t i = 0; i < ncc && na < room; i++)
        if (cc[i].cp != 0 && cc[i].count >= (uint64_t)min_frequency) cc[na++] = cc[i];
    qsort(cc, na, sizeof *cc, cp_by_cp);
    for (size_t i = 0; i < cm.cap; i++) cm.val[i] = -1;
    for (size_t i = 0; i < na; i++) {
        char u[4];
        uint32_t cp = cc[i].cp;
        size_t l = (size_t)gt_utf8_encode(cp, u);
        *cpmap_slot(&cm, cp) = piece_add(b, u, l);
    }
    b->nalpha = (int)na;
    b->st.alphabet = (int)na;
    free(cc);

    /* symbols */
    b->soff = gt_xmalloc(b->nw * sizeof *b->soff);
    b->slen = gt_xmalloc(b->nw * sizeof *b->slen);
    uint64_t nsym = 0;
    for (size_t i = 0; i < b->nw; i++) {
        const unsigned char *s = (const unsigned char *)b->wa.p + b->w[i].off;
        size_t n = b->w[i].len;
        for (size_t j = 0; j < n; nsym++) j += (size_t)gt_utf8_len(s + j, n - j);
    }
    b->sym = gt_xmalloc((nsym + 1) * sizeof *b->sym);
    nsym = 0;
    for (size_t i = 0; i < b->nw; i++) {
        const unsigned char *s = (const unsigned char *)b->wa.p + b->w[i].off;
        size_t n = b->w[i].len;
        b->soff[i] = nsym;
        for (size_t j = 0; j < n;) {
            int l = gt_utf8_len(s + j, n - j);
            int64_t id = *cpmap_slot(&cm, gt_utf8_cp(s + j, l));
            if (id < 0) b->st.fallback_chars += b->w[i].count;
            b->sym[nsym++] = (int32_t)id;
            j += (size_t)l;
        }
        b->slen[i] = (uint32_t)(nsym - b->soff[i]);
    }
    free(cm.key); free(cm.val);

    /* initial pair counts */
    b->prtabcap = 1 << 16;
    b->prtab = gt_xcalloc(b->prtabcap, sizeof *b->prtab);
    for (size_t i = 0; i < b->nw; i++) {
        const int32_t *s = b->sym + b->soff[i];
        for (uint32_t j = 0; j + 1 < b->slen[i]; j++) {
            if (!pair_ok(b, s[j], s[j + 1])) continue;
            size_t p = pair_get(b, s[j], s[j + 1]);
            b->prc[p] += (int64_t)b->w[i].count;
            list_add(&b->prl[p], (int32_t)i);
        }
    }
    for (size_t p = 0; p < b->npr; p++)
        if (b->prc[p] >= min_frequency) heap_push(b, b->prc[p], p);

    int vocab = GT_BPE_MIN_VOCAB + b->nalpha;
    uint32_t stamp = 0;
    size_t *touched = NULL, ntouched = 0, tcap = 0;
    uint32_t *wstamp = gt_xcalloc(b->nw, sizeof *wstamp);
    char *tmp = NULL;
    size_t tmpcap = 0;
    while (vocab < vocab_size && b->nheap) {
        hent top = heap_pop(b);
        size_t p = (size_t)top.pair;
        if (top.count != b->prc[p]) {
            if (b->prc[p] >= min_frequency) heap_push(b, b->prc[p], p);
            continue;
        }
        if (top.count < min_frequency) break;
        if (b->prf[p]) continue;
        int32_t x = b->pra[p], y = b->prb[p];
        size_t lx = b->pc[x].len, ly = b->pc[y].len;
        if (lx + ly > tmpcap) { tmpcap = (lx + ly) * 2; tmp = gt_xrealloc(tmp, tmpcap); }
        memcpy(tmp, b->pa.p + b->pc[x].off, lx);
        memcpy(tmp + lx, b->pa.p + b->pc[y].off, ly);
        if (reserved(tmp, lx + ly)) { b->prf[p] = 1; continue; }
        int32_t c = piece_find(b, tmp, lx + ly);
        if (c < 0) { c = piece_add(b, tmp, lx + ly); vocab++; }
        if (b->nm == b->mcap) {
            b->mcap = b->mcap ? b->mcap * 2 : 1024;
            b->ma = gt_xrealloc(b->ma, (size_t)b->mcap * sizeof *b->ma);
            b->mb = gt_xrealloc(b->mb, (size_t)b->mcap * sizeof *b->mb);
        }
        b->ma[b->nm] = x; b->mb[b->nm++] = y;

        stamp++;
        ntouched = 0;
        ilist l = b->prl[p];
        b->prl[p] = (ilist){NULL, 0, 0};
        for (uint32_t k = 0; k < l.n; k++) {
            int32_t w = l.v[k];
            if (wstamp[w] == stamp) continue;
            wstamp[w] = stamp;
            int32_t *s = b->sym + b->soff[w];
            uint32_t n = b->slen[w], j;
            for (j = 0; j + 1 < n; j++)
                if (s[j] == x && s[j + 1] == y) break;
            if (j + 1 >= n) continue;
            int64_t f = (int64_t)b->w[w].count;
            for (j = 0; j + 1 < n; j++)
                if (pair_ok(b, s[j], s[j + 1])) b->prc[pair_get(b, s[j], s[j + 1])] -= f;
            uint32_t o = 0;
            for (j = 0; j < n;) {
                if (j + 1 < n && s[j] == x && s[j + 1] == y) { s[o++] = c; j += 2; }
                else s[o++] = s[j++];
            }
            n = b->slen[w] = o;
            for (j = 0; j + 1 < n; j++) {
                if (!pair_ok(b, s[j], s[j + 1])) continue;
                size_t q = pair_get(b, s[j], s[j + 1]);
                b->prc[q] += f;
                if (s[j] == c || s[j + 1] == c) {
                    list_add(&b->prl[q], w);
                    if (b->prs[q] != stamp) {
                        b->prs[q] = stamp;
                        if (ntouched == tcap) { tcap = tcap ? tcap * 2 : 256; touched = gt_xrealloc(touched, tcap * sizeof *touched); }
                        touched[ntouched++] = q;
                    }
                }
            }
        }
        free(l.v);
        for (size_t k = 0; k < ntouched; k++)
            if (b->prc[touched[k]] >= min_frequency) heap_push(b, b->prc[touched[k]], touched[k]);
    }
    free(touched);
    free(wstamp);
    free(tmp);
    b->st.merges = b->nm;
    b->st.vocab = vocab;
    return 0;
}

const gt_bpe_stats *gt_bpe_stats_get(const gt_bpe *b)
{
    return &b->st;
}

/* ---- tokenizer.json ---- */

static const char *const specials[GT_BPE_NSPECIAL] = {"<unk>", "<s>", "</s>"};

static void put_piece(const gt_bpe *b, gt_out *o, int id)
{
    gt_out_json_str(o, b->pa.p + b->pc[id].off, b->pc[id].len);
}

void gt_bpe_write_json(const gt_bpe *b, gt_out *o)
{
    gt_out_str(o, "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n");
    for (int i = 0; i < GT_BPE_NSPECIAL; i++) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "    {\n      \"id\": %d,\n      \"content\": \"%s\",\n      \"single_word\": false,\n"
                 "      \"lstrip\": false,\n      \"rstrip\": false,\n      \"normalized\": false,\n"
                 "      \"special\": true\n    }%s\n", i, specials[i], i + 1 < GT_BPE_NSPECIAL ? "," : "");
        gt_out_str(o, buf);
    }
    gt_out_str(o,
        "  ],\n"
        "  \"normalizer\": {\n"
        "    \"type\": \"Sequence\",\n"
        "    \"normalizers\": [\n"
        "      {\n        \"type\": \"Prepend\",\n        \"prepend\": \"" MARK "\"\n      },\n"
        "      {\n        \"type\": \"Replace\",\n        \"pattern\": {\n          \"String\": \" \"\n        },\n"
        "        \"content\": \"" MARK "\"\n      }\n"
        "    ]\n"
        "  },\n"
        "  \"pre_tokenizer\": null,\n"
        "  \"post_processor\": {\n"
        "    \"type\": \"TemplateProcessing\",\n"
        "    \"single\": [\n"
        "      {\n        \"SpecialToken\": {\n          \"id\": \"<s>\",\n          \"type_id\": 0\n        }\n      },\n"
        "      {\n        \"Sequence\": {\n          \"id\": \"A\",\n          \"type_id\": 0\n        }\n      }\n"
        "    ],\n"
        "    \"pair\": [\n"
        "      {\n        \"SpecialToken\": {\n          \"id\": \"<s>\",\n          \"type_id\": 0\n        }\n      },\n"
        "      {\n        \"Sequence\": {\n          \"id\": \"A\",\n          \"type_id\": 0\n        }\n      },\n"
        "      {\n        \"SpecialToken\": {\n          \"id\": \"<s>\",\n          \"type_id\": 0\n        }\n      },\n"
        "      {\n        \"Sequence\": {\n          \"id\": \"B\",\n          \"type_id\": 0\n        }\n      }\n"
        "    ],\n"
        "    \"special_tokens\": {\n"
        "      \"<s>\": {\n        \"id\": \"<s>\",\n        \"ids\": [\n          1\n        ],\n"
        "        \"tokens\": [\n          \"<s>\"\n        ]\n      }\n"
        "    }\n"
        "  },\n"
        "  \"decoder\": {\n"
        "    \"type\": \"Sequence\",\n"
        "    \"decoders\": [\n"
        "      {\n        \"type\": \"Replace\",\n        \"pattern\": {\n          \"String\": \"" MARK "\"\n"
        "        },\n        \"content\": \" \"\n      },\n"
        "      {\n        \"type\": \"ByteFallback\"\n      },\n"
        "      {\n        \"type\": \"Fuse\"\n      },\n"
        "      {\n        \"type\": \"Strip\",\n        \"content\": \" \",\n        \"start\": 1,\n        \"stop\": 0\n      }\n"
        "    ]\n"
        "  },\n"
        "  \"model\": {\n"
        "    \"type\": \"BPE\",\n"
        "    \"dropout\": null,\n"
        "    \"unk_token\": \"<unk>\",\n"
        "    \"continuing_subword_prefix\": null,\n"
        "    \"end_of_word_suffix\": null,\n"
        "    \"fuse_unk\": true,\n"
        "    \"byte_fallback\": true,\n"
        "    \"ignore_merges\": false,\n"
        "    \"vocab\": {\n");
    char buf[64];
    for (int i = 0; i < GT_BPE_NSPECIAL; i++) {
        snprintf(buf, sizeof buf, "      \"%s\": %d,\n", specials[i], i);
        gt_out_str(o, buf);
    }
    for (int i = 0; i < 256; i++) {
        snprintf(buf, sizeof buf, "      \"<0x%02X>\": %d%s\n", i, GT_BPE_NSPECIAL + i, b->npc || i < 255 ? "," : "");
        gt_out_str(o, buf);
    }
    for (int i = 0; i < b->npc; i++) {
        gt_out_str(o, "      ");
        put_piece(b, o, i);
        snprintf(buf, sizeof buf, ": %d%s\n", GT_BPE_MIN_VOCAB + i, i + 1 < b->npc ? "," : "");
        gt_out_str(o, buf);
    }
    gt_out_str(o, "    },\n    \"merges\": [");
    for (int i = 0; i < b->nm; i++) {
        gt_out_str(o, i ? ",\n      [" : "\n      [");
        put_piece(b, o, b->ma[i]);
        gt_out_str(o, ", ");
        put_piece(b, o, b->mb[i]);
        gt_out_putc(o, ']');
    }
    gt_out_str(o, b->nm ? "\n    ]\n  }\n}\n" : "]\n  }\n}\n");
}
