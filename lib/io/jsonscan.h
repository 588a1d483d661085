/* jsonscan.h - strict JSON scanning for hot paths, with yajl as the fallback.
 *
 * Every function returns 1 and advances *pp past what it read, or 0 when the
 * input is not in the strict subset (the caller then parses the line with yajl,
 * which accepts it or says what is wrong). */
#ifndef GT_JSONSCAN_H
#define GT_JSONSCAN_H

#include <stddef.h>

const unsigned char *gt_js_ws(const unsigned char *p, const unsigned char *e);
/* A string at *pp (opening quote), decoded into DST, which needs room for as many
 * bytes as remain in the input (decoded text is never longer than its source);
 * *dn gets the decoded length. No NUL is added. */
int gt_js_string(const unsigned char **pp, const unsigned char *e, char *dst, size_t *dn);
/* The same check, without decoding. */
int gt_js_string_check(const unsigned char **pp, const unsigned char *e);
int gt_js_number(const unsigned char **pp, const unsigned char *e);
/* Validate and skip any value (nesting up to 32 deep). */
int gt_js_skip(const unsigned char **pp, const unsigned char *e, int depth);

/* A string at *PP (at its opening quote) that is exactly the text
 * gt_out_json_str writes for its value: valid UTF-8, escapes only among \" \\
 * \b \f \n \r \t, no raw DEL. 1 with *PP past the closing quote and *RN the
 * length of the text between the quotes (which can be copied out as is); 0
 * for any other string, valid or not (*PP unchanged: decode it instead). */
int gt_js_string_canonical(const unsigned char **pp, const unsigned char *e, size_t *rn);

#endif
