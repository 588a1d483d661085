/* strmap.c - see strmap.h. */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "eval/strmap.h"

#define SEED 7

static size_t home(const char *key, size_t cap) { return gt_hash64(key, strlen(key), SEED) & (cap - 1); }

/* Double the table (64 slots to start), moving every key to its new place. */
static void grow(gt_strmap *m)
{
    gt_strmap n = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
    n.key = gt_xcalloc(n.cap, sizeof *n.key);
    n.val = gt_xcalloc(n.cap, sizeof *n.val);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->key[i]) continue;
        size_t h = home(m->key[i], n.cap);
        while (n.key[h]) h = (h + 1) & (n.cap - 1);
        n.key[h] = m->key[i];
        n.val[h] = m->val[i];
        n.n++;
    }
    free(m->key);
    free(m->val);
    *m = n;
}

int *gt_strmap_slot(gt_strmap *m, const char *key, int insert)
{
    if (insert && (m->n + 1) * 2 > m->cap) grow(m);
    if (!m->cap) return NULL;
    size_t h = home(key, m->cap);
    while (m->key[h]) {
        if (strcmp(m->key[h], key) == 0) return &m->val[h];
        h = (h + 1) & (m->cap - 1);
    }
    if (!insert) return NULL;
    m->key[h] = gt_xstrdup(key);
    m->val[h] = -1;
    m->n++;
    return &m->val[h];
}

void gt_strmap_free(gt_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->key[i]);
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}
