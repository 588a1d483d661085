/* arxiv.h - parse one line of the arXiv metadata dump (arxiv-metadata-oai-snapshot.json)
 * and write it as a gentitle record (gentitle-record(5)). */
#ifndef GT_ARXIV_H
#define GT_ARXIV_H

#include <stddef.h>
#include "io/output.h"

/* Output fields, in record order. */
enum {
    GT_F_ID, GT_F_TITLE, GT_F_ABSTRACT, GT_F_CATEGORIES, GT_F_PRIMARY, GT_F_AUTHORS,
    GT_F_V1_DATE, GT_F_UPDATE_DATE, GT_F_DOI, GT_F_JOURNAL_REF,
    GT_F_SUBMITTER, GT_F_COMMENTS, GT_F_REPORT_NO, GT_F_LICENSE,
    GT_F_COUNT
};
extern const char *const gt_arxiv_field_names[GT_F_COUNT];
#define GT_F_DEFAULT ((1u << (GT_F_JOURNAL_REF + 1)) - 1u)

/* Parse a comma-separated field list into a mask (id always included).
 * Returns 0, or -1 with the unknown name copied into BAD. */
int gt_arxiv_parse_fields(const char *list, unsigned *mask, char *bad, size_t badsz);

typedef struct gt_arxiv gt_arxiv;
gt_arxiv *gt_arxiv_new(void);
void gt_arxiv_free(gt_arxiv *a);

/* Parse a dump line. 0: ok; -1: malformed, with the reason in gt_arxiv_error. */
int gt_arxiv_parse(gt_arxiv *a, const char *line, size_t len);
/* The same through yajl's callbacks only (gt_arxiv_parse tries a strict fast
 * scanner first and falls back to this); for tests. */
int gt_arxiv_parse_yajl(gt_arxiv *a, const char *line, size_t len);
const char *gt_arxiv_error(const gt_arxiv *a);
/* After a successful parse: 1 if the record had a first-version date. */
int gt_arxiv_has_v1(const gt_arxiv *a);
/* Write the parsed record with the fields in MASK, as one line. The record
 * may refer to the parsed LINE (strings copied from it as written): write it
 * before that buffer changes. */
void gt_arxiv_write(const gt_arxiv *a, gt_out *o, unsigned mask);

/* Helpers, exposed for tests. */
int gt_arxiv_valid_id(const char *s, size_t n);
int gt_arxiv_valid_category(const char *s, size_t n);
/* "Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02" (OUT holds 11 bytes). 0 ok, -1 bad. */
int gt_arxiv_rfc822_date(const char *s, size_t n, char out[11]);

#endif
