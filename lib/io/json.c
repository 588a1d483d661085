/* json.c - see json.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

/* The offset of the first '[' or '{' that opens level GT_JSON_MAX_DEPTH + 1 of
 * TEXT, or -1 when none does (strings skipped; whether TEXT is JSON at all is
 * yajl's to say). */
static long too_deep(const char *text)
{
    int depth = 0, str = 0;
    for (const char *p = text; *p; p++) {
        char c = *p;
        if (str) {
            if (c == '\\' && p[1]) p++;
            else if (c == '"') str = 0;
        } else if (c == '"') {
            str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > GT_JSON_MAX_DEPTH) return (long)(p - text);
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return -1;
}

yajl_val gt_json_parse(const char *text, char *err, size_t errsz)
{
    long deep = too_deep(text);
    if (deep >= 0) {
        gt_fail(err, errsz, "nested deeper than %d levels at byte %ld", GT_JSON_MAX_DEPTH, deep);
        return NULL;
    }
    char e[256] = "";
    yajl_val v = yajl_tree_parse(text, e, sizeof e);
    if (!v) {
        size_t n = strlen(e);
        while (n && (e[n - 1] == '\n' || e[n - 1] == ' ')) e[--n] = 0;
        gt_fail(err, errsz, "%s", e[0] ? e : "not valid JSON");
    }
    return v;
}

yajl_val gt_json_load(const char *path, size_t max, char *err, size_t errsz)
{
    char *text = gt_read_regular(path, max, NULL, err, errsz);
    if (!text) return NULL;
    yajl_val v = gt_json_parse(text, err, errsz);
    free(text);
    if (!v) errno = 0;
    return v;
}

yajl_val gt_json_get(yajl_val o, const char *key)
{
    if (!o || !YAJL_IS_OBJECT(o)) return NULL;
    /* the last of a key given twice, as Python's json (Hugging Face's readers) takes it */
    for (size_t i = o->u.object.len; i-- > 0;)
        if (strcmp(o->u.object.keys[i], key) == 0) return o->u.object.values[i];
    return NULL;
}

const char *gt_json_str(yajl_val o, const char *key)
{
    yajl_val v = gt_json_get(o, key);
    return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

int gt_json_as_int(yajl_val v, long long *out)
{
    if (!v) return -1;
    if (YAJL_IS_INTEGER(v)) { *out = YAJL_GET_INTEGER(v); return 0; }
    if (YAJL_IS_DOUBLE(v)) {
        double d = YAJL_GET_DOUBLE(v);
        if (d == floor(d) && fabs(d) < 9e15) { *out = (long long)d; return 0; }
    }
    return -1;
}

int gt_json_bool(yajl_val v, int def)
{
    if (gt_json_null(v)) return def;
    if (YAJL_IS_TRUE(v)) return 1;
    if (YAJL_IS_FALSE(v)) return 0;
    return -1;
}
