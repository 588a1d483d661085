/* strmap.h - a table from strings to ints (open addressing over gt_hash64):
 * title-eval's hypotheses by id and categories by name. */
#ifndef GT_STRMAP_H
#define GT_STRMAP_H

#include <stddef.h>

/* Zero-initialise to start empty. Keys are copied. */
typedef struct {
    char **key;
    int *val;
    size_t cap, n;      /* cap: a power of two (or 0), at most half full */
} gt_strmap;

/* The value of KEY. When KEY is absent: with INSERT, a new entry with value
 * -1; without, NULL. The pointer is valid until the next insertion. */
int *gt_strmap_slot(gt_strmap *m, const char *key, int insert);
void gt_strmap_free(gt_strmap *m);

#endif
