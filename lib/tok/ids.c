/* ids.c - see ids.h. */
#include <stdlib.h>

#include "core/util.h"
#include "tok/ids.h"

void gt_ids_push(gt_ids *a, int32_t id)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 256;
        a->v = gt_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = id;
}

void gt_ids_free(gt_ids *a)
{
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}
