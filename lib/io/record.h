/* record.h - one flat JSON object per line (gentitle-record(5), pairs): parse
 * with yajl into an arena, look fields up, change them, write them back in order. */
#ifndef GT_RECORD_H
#define GT_RECORD_H

#include <stddef.h>
#include "io/output.h"

/* GT_V_JSON: an object, or an array not all of strings, kept as its JSON text
 * as written (only after gt_rec_keep_json). */
typedef enum { GT_V_NULL, GT_V_STR, GT_V_ARR, GT_V_RAW, GT_V_JSON } gt_vkind;

typedef struct { size_t off, len; } gt_span;           /* bytes in the arena */

typedef struct {
    gt_span key;
    gt_vkind kind;
    gt_span val;        /* GT_V_STR, GT_V_RAW (number/true/false as written), GT_V_JSON */
    int first, count;   /* GT_V_ARR: items[first .. first+count) */
    int skipped;        /* gt_rec_parse_keys: value checked but not kept */
} gt_field;

typedef struct {
    char *arena; size_t alen, acap;   /* every string, NUL-terminated */
    gt_field *f; int nf, fcap;
    gt_span *items; int nitems, icap;
    /* the keys' index, once a record has more than a few keys: open
     * addressing over field numbers + 1 (0: empty), kmask + 1 slots in use */
    int *kidx; size_t kalloc, kmask; int kon;
    int keep_json;      /* gt_rec_keep_json: nested values kept as GT_V_JSON */
    /* parser state */
    int depth, in_arr, err_set;
    int jdepth;         /* levels open inside a GT_V_JSON value (yajl path) */
    size_t jstart;      /* where that value, or the array open at depth 1, starts in SRC */
    const char *src;    /* the line parsed by yajl, and its handle */
    void *yh;
    const char *const *want; int nwant;   /* gt_rec_parse_keys */
    int partial;                          /* some values were skipped */
    char err[160];
} gt_rec;

void gt_rec_init(gt_rec *r);
/* From now on, accept nested values (objects; arrays holding anything but
 * strings) in the records R parses, kept as their JSON text (GT_V_JSON) and
 * written back unchanged: for a tool that passes through records of any shape
 * (title-gen reads an arXiv dump's lines whole). Without it such a value is
 * refused ("unsupported value for key"). */
static inline void gt_rec_keep_json(gt_rec *r) { r->keep_json = 1; }
void gt_rec_free(gt_rec *r);
void gt_rec_clear(gt_rec *r);

/* Parse one line. Returns 0, or -1 with a reason in ERR ("invalid JSON: ...",
 * "invalid UTF-8", "not a JSON object", "unsupported value for key \"x\""). */
int gt_rec_parse(gt_rec *r, const char *line, size_t len, char *err, size_t errsz);
/* Like gt_rec_parse, but keeps only the values of KEYS (the line is still
 * checked whole; the other keys are listed, as null, marked skipped). For
 * tools that read a few fields and pass lines through; such a record cannot
 * be written. */
int gt_rec_parse_keys(gt_rec *r, const char *line, size_t len, const char *const *keys, int nkeys,
                      char *err, size_t errsz);
/* The same through yajl only (gt_rec_parse uses a fast scanner first and falls
 * back to this for anything unusual); for tests. */
int gt_rec_parse_yajl(gt_rec *r, const char *line, size_t len, char *err, size_t errsz);

int gt_rec_find(const gt_rec *r, const char *key);     /* field index or -1 */
static inline const char *gt_rec_at(const gt_rec *r, gt_span s) { return r->arena + s.off; }
/* String value of KEY, or NULL when absent, null or not a string. */
const char *gt_rec_str(const gt_rec *r, const char *key, size_t *len);
/* Array items of field I (must be GT_V_ARR). */
static inline const char *gt_rec_item(const gt_rec *r, int field, int i, size_t *len)
{
    gt_span s = r->items[r->f[field].first + i];
    if (len) *len = s.len;
    return r->arena + s.off;
}

/* Set KEY to a string (replacing its value, or appending the key). S may point
 * into the record's own arena. */
void gt_rec_set_str(gt_rec *r, const char *key, const char *s, size_t n);

/* Compact JSON object and '\n' (GT_V_JSON values as they were written). */
void gt_rec_write(gt_out *o, const gt_rec *r);
/* The value of field I, as gt_rec_write writes it. */
void gt_rec_write_value(gt_out *o, const gt_rec *r, int i);

#endif
