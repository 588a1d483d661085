/* inputs.h - the JSON lines title-eval reads and the fields it takes from
 * them: references (pair-build pairs or dump records: title, abstract, id,
 * primary category) and hypotheses (title-gen output or plain titles). */
#ifndef GT_INPUTS_H
#define GT_INPUTS_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

#include "core/buf.h"

/* The JSON object on LINE (LEN bytes; lines may nest), parsed through TMP;
 * NULL with "invalid JSON: ..." or "not a JSON object" in ERR. Free with
 * yajl_tree_free. */
yajl_val gt_input_parse(gt_buf *tmp, const char *line, size_t len, char *err, size_t errsz);
/* "id": a string, or a number as written; NULL when neither. */
const char *gt_input_id(yajl_val v);
/* A reference's "title" (else "output") and "abstract" (else "input"): 0, or
 * -1 with the missing field named in ERR. */
int gt_input_ref(yajl_val v, const char **title, const char **abstract, char *err, size_t errsz);
/* A hypothesis's title: the first of "titles" (title-gen output: strings or
 * {"title": ...} objects; "" when empty), else "title", else "output". NULL
 * with the reason in ERR when there is none. */
const char *gt_input_hyp(yajl_val v, char *err, size_t errsz);
/* The primary category into OUT (OUTSZ bytes): "primary_category", else the
 * first of "categories" (an array, or a space-separated string as in the
 * arXiv dump), else "(none)". */
void gt_input_category(yajl_val v, char *out, size_t outsz);

#endif
