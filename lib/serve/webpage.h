/* webpage.h - the HTML page of title-gen --serve. */
#ifndef GT_WEBPAGE_H
#define GT_WEBPAGE_H

#include "core/buf.h"

/* Append the page to B, each {{NAME}} replaced by the HTML-escaped value that
 * follows NAME in VARS (name, value, ..., NULL); unknown names become "". */
void gt_webpage_render(gt_buf *b, const char *const *vars);

#endif
