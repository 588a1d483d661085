/* inputs.c - see inputs.h. */
#include <stdio.h>
#include <string.h>

#include "eval/inputs.h"
#include "io/json.h"

yajl_val gt_input_parse(gt_buf *tmp, const char *line, size_t len, char *err, size_t errsz)
{
    tmp->n = 0;
    gt_buf_add(tmp, line, len);
    gt_buf_nul(tmp);
    char e[256];
    yajl_val v = gt_json_parse(tmp->p, e, sizeof e);
    if (!v) {
        /* yajl's message spans lines; keep the first */
        e[strcspn(e, "\n")] = 0;
        snprintf(err, errsz, "invalid JSON: %s", e[0] ? e : "parse error");
        return NULL;
    }
    if (!YAJL_IS_OBJECT(v)) {
        yajl_tree_free(v);
        snprintf(err, errsz, "not a JSON object");
        return NULL;
    }
    return v;
}

const char *gt_input_id(yajl_val v)
{
    yajl_val id = gt_json_get(v, "id");
    if (YAJL_IS_STRING(id)) return id->u.string;
    if (YAJL_IS_NUMBER(id)) return YAJL_GET_NUMBER(id);
    return NULL;
}

int gt_input_ref(yajl_val v, const char **title, const char **abstract, char *err, size_t errsz)
{
    *title = gt_json_str(v, "title");
    if (!*title) *title = gt_json_str(v, "output");
    *abstract = gt_json_str(v, "abstract");
    if (!*abstract) *abstract = gt_json_str(v, "input");
    if (!*title) snprintf(err, errsz, "no \"title\" or \"output\" field");
    else if (!*abstract) snprintf(err, errsz, "no \"abstract\" or \"input\" field");
    else return 0;
    return -1;
}

const char *gt_input_hyp(yajl_val v, char *err, size_t errsz)
{
    yajl_val t = gt_json_get(v, "titles");
    if (!gt_json_null(t)) {
        if (!YAJL_IS_ARRAY(t)) { snprintf(err, errsz, "\"titles\" is not an array"); return NULL; }
        if (t->u.array.len == 0) return "";       /* the model gave nothing */
        yajl_val f = t->u.array.values[0];
        if (YAJL_IS_STRING(f)) return f->u.string;
        const char *s = gt_json_str(f, "title");
        if (s) return s;
        snprintf(err, errsz, "\"titles\"[0] has no \"title\" string");
        return NULL;
    }
    const char *s = gt_json_str(v, "title");
    if (!s) s = gt_json_str(v, "output");
    if (!s) snprintf(err, errsz, "no \"titles\", \"title\" or \"output\" field");
    return s;
}

void gt_input_category(yajl_val v, char *out, size_t outsz)
{
    const char *p = gt_json_str(v, "primary_category");
    yajl_val c = gt_json_get(v, "categories");
    size_t n = 0;
    if (!p || !*p) {
        p = NULL;
        if (YAJL_IS_ARRAY(c) && c->u.array.len > 0 && YAJL_IS_STRING(c->u.array.values[0]))
            p = c->u.array.values[0]->u.string;
        else if (YAJL_IS_STRING(c))
            p = c->u.string;
        if (p) {
            p += strspn(p, " ");
            n = strcspn(p, " ");
        }
    } else {
        n = strlen(p);
    }
    if (!p || n == 0) { p = "(none)"; n = 6; }
    if (n >= outsz) n = outsz - 1;
    memcpy(out, p, n);
    out[n] = 0;
}
