/* pairs.c - de-duplication hash set, text normalisation, splits (see pairs.h). */
#include "text/pairs.h"
#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- hash set ---- */

#define SHARD_BITS 6                 /* log2(GT_HSET_SHARDS) */
#define MIN_CAP 64                   /* slots in a new shard */
#define MMAP_MIN (16u << 10)         /* arrays this big or bigger are mmap'd */
#define PAGE_SLOTS 512               /* 4 KiB of slots */

_Static_assert(GT_HSET_SHARDS == 1 << SHARD_BITS, "shard count");

static uint64_t *slots_alloc(size_t cap)
{
    size_t bytes = cap * sizeof(uint64_t);
    if (bytes < MMAP_MIN) return gt_xcalloc(cap, sizeof(uint64_t));
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        gt_die(EX_OSERR, "out of memory (%zu bytes for the de-duplication table)", bytes);
    return p;   /* anonymous pages are zero: every slot empty */
}

static void slots_free(uint64_t *p, size_t cap)
{
    if (!p) return;
    size_t bytes = cap * sizeof(uint64_t);
    if (bytes < MMAP_MIN) free(p);
    else munmap(p, bytes);
}

static size_t grow_cap(size_t cap)
{
    size_t c = cap + cap * 2 / 5;
    if (c * sizeof(uint64_t) >= MMAP_MIN) c = (c + PAGE_SLOTS - 1) / PAGE_SLOTS * PAGE_SLOTS;
    else c = (c + 63) / 64 * 64;
    return c;
}

/* Slot of H in a shard of CAP slots: the low 32 bits scaled to [0, cap) (the
 * top bits chose the shard). */
static inline size_t home(uint64_t h, size_t cap)
{
    return (size_t)(((h & 0xffffffffu) * (uint64_t)cap) >> 32);
}

static void acct_add(gt_memacct *a, size_t bytes)
{
    if (!a) return;
    a->cur += bytes;
    if (a->cur > a->peak) a->peak = a->cur;
}

static void acct_sub(gt_memacct *a, size_t bytes)
{
    if (a) a->cur -= bytes;
}

/* insert into a shard known to have room and not to hold H */
static void shard_put(uint64_t *slot, size_t cap, uint64_t h)
{
    size_t i = home(h, cap);
    while (slot[i]) if (++i == cap) i = 0;
    slot[i] = h;
}

static void shard_grow(gt_hshard *sh, gt_memacct *acct)
{
    size_t ncap = sh->cap ? grow_cap(sh->cap) : MIN_CAP;
    uint64_t *ns = slots_alloc(ncap);
    acct_add(acct, ncap * sizeof(uint64_t));   /* both arrays live now */
    for (size_t i = 0; i < sh->cap; i++)
        if (sh->slot[i]) shard_put(ns, ncap, sh->slot[i]);
    slots_free(sh->slot, sh->cap);
    acct_sub(acct, sh->cap * sizeof(uint64_t));
    sh->slot = ns;
    sh->cap = ncap;
}

void gt_hset_init(gt_hset *s, gt_memacct *acct)
{
    memset(s, 0, sizeof *s);
    s->acct = acct;
}

void gt_hset_free(gt_hset *s)
{
    for (int k = 0; k < GT_HSET_SHARDS; k++) {
        slots_free(s->sh[k].slot, s->sh[k].cap);
        acct_sub(s->acct, s->sh[k].cap * sizeof(uint64_t));
    }
    memset(s->sh, 0, sizeof s->sh);
    s->n = 0;
}

int gt_hset_add(gt_hset *s, uint64_t h)
{
    if (h == 0) h = 1;                       /* 0 marks an empty slot */
    gt_hshard *sh = &s->sh[h >> (64 - SHARD_BITS)];
    if (sh->cap) {
        size_t i = home(h, sh->cap);
        for (;;) {
            uint64_t v = sh->slot[i];
            if (v == h) return 0;
            if (v == 0) break;
            if (++i == sh->cap) i = 0;
        }
        /* at most 85% full after this insertion */
        if ((sh->n + 1) * 20 <= sh->cap * 17) {
            sh->slot[i] = h;
            sh->n++; s->n++;
            return 1;
        }
    }
    shard_grow(sh, s->acct);
    shard_put(sh->slot, sh->cap, h);
    sh->n++; s->n++;
    return 1;
}

int gt_hset_has(const gt_hset *s, uint64_t h)
{
    if (h == 0) h = 1;
    const gt_hshard *sh = &s->sh[h >> (64 - SHARD_BITS)];
    if (!sh->cap) return 0;
    size_t i = home(h, sh->cap);
    for (;;) {
        uint64_t v = sh->slot[i];
        if (v == h) return 1;
        if (v == 0) return 0;
        if (++i == sh->cap) i = 0;
    }
}

/* ---- normalisation ---- */

/* byte -> normalised byte, 0 = drop */
static unsigned char norm_map[256];
static int norm_ready;

static void norm_init(void)
{
    for (int c = 0; c < 256; c++) {
        unsigned char m = 0;
        if (c >= 'a' && c <= 'z') m = (unsigned char)c;
        else if (c >= 'A' && c <= 'Z') m = (unsigned char)(c - 'A' + 'a');
        else if (c >= '0' && c <= '9') m = (unsigned char)c;
        else if (c >= 0x80) m = (unsigned char)c;
        norm_map[c] = m;
    }
    norm_ready = 1;
}

static size_t norm_into(unsigned char *d, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char m = norm_map[p[i]];
        d[k] = m;
        k += m != 0;       /* branch-free: write always, advance on keep */
    }
    return k;
}

size_t gt_text_normalise(const char *title, size_t tn, const char *abs, size_t an,
                         char **buf, size_t *cap)
{
    if (!norm_ready) norm_init();
    size_t need = tn + an + 1;
    if (*cap < need) {
        *cap = need + need / 2 + 64;
        free(*buf);
        *buf = gt_xmalloc(*cap);
    }
    unsigned char *d = (unsigned char *)*buf;
    size_t k = norm_into(d, title, tn);
    d[k++] = 0;
    k += norm_into(d + k, abs, an);
    return k;
}

/* ---- de-duplication ---- */

#define SEED_ID   0x70616972732d6964ULL   /* "pairs-id" */
#define SEED_TEXT 0x7061697273747874ULL   /* "pairstxt" */

void gt_dedupe_init(gt_dedupe *d)
{
    memset(d, 0, sizeof *d);
    gt_hset_init(&d->ids, &d->acct);
    gt_hset_init(&d->texts, &d->acct);
}

void gt_dedupe_free(gt_dedupe *d)
{
    gt_hset_free(&d->ids);
    gt_hset_free(&d->texts);
    free(d->buf);
    d->buf = NULL;
    d->cap = 0;
}

int gt_dedupe_check(gt_dedupe *d, const char *id, size_t idn,
                    const char *title, size_t tn, const char *abs, size_t an)
{
    if (!gt_hset_add(&d->ids, gt_hash64(id, idn, SEED_ID))) return GT_DUP_ID;
    size_t k = gt_text_normalise(title, tn, abs, an, &d->buf, &d->cap);
    if (k <= 1) return GT_DUP_NONE;   /* no letter or digit at all: nothing to compare */
    if (!gt_hset_add(&d->texts, gt_hash64(d->buf, k, SEED_TEXT))) return GT_DUP_TEXT;
    return GT_DUP_NONE;
}

/* ---- splits ---- */

const char *const gt_split_name[3] = { "train", "val", "test" };

int gt_split_parse(const char *s, uint64_t w[3])
{
    int n = 0;
    w[0] = w[1] = w[2] = 0;
    const char *p = s;
    for (;;) {
        if (n == 3 || *p < '0' || *p > '9') return -1;
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (uint64_t)(*p++ - '0');
            if (v > 1000000) return -1;
        }
        w[n++] = v;
        if (*p == 0) break;
        if (*p++ != ':') return -1;
    }
    if (n < 2 || w[0] + w[1] + w[2] == 0) return -1;
    return n;
}

int gt_split_assign(const gt_split *sp, const char *id, size_t idn,
                    const char *date, size_t daten)
{
    if (sp->test_since[0] || sp->val_since[0]) {
        if (!date || !gt_is_date(date, daten)) return GT_SPLIT_SKIP;
        if (sp->test_since[0] && memcmp(date, sp->test_since, 10) >= 0) return GT_SPLIT_TEST;
        if (sp->val_since[0]) {
            return memcmp(date, sp->val_since, 10) >= 0 ? GT_SPLIT_VAL : GT_SPLIT_TRAIN;
        }
    }
    /* under a time split the hash only divides the rest between train and val */
    int timed = sp->test_since[0] || sp->val_since[0];
    uint64_t total = sp->w[0] + sp->w[1] + (timed ? 0 : sp->w[2]);
    if (total == 0) return GT_SPLIT_TRAIN;
    uint64_t h = gt_hash64(id, idn, sp->seed);
    uint64_t b = (uint64_t)(((unsigned __int128)h * total) >> 64);
    if (b < sp->w[0]) return GT_SPLIT_TRAIN;
    if (b < sp->w[0] + sp->w[1]) return GT_SPLIT_VAL;
    return GT_SPLIT_TEST;
}
