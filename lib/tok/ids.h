/* ids.h - a growable vector of token ids: what every tokenizer appends to. */
#ifndef GT_IDS_H
#define GT_IDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct { int32_t *v; size_t n, cap; } gt_ids;
void gt_ids_push(gt_ids *a, int32_t id);
void gt_ids_free(gt_ids *a);

#endif
