/* fuzz_json.c - libFuzzer harness for the whole-document JSON parser
 * (gt_json_parse, lib/io/json.c): each input is a document; when it parses,
 * the tree is walked with every getter of json.h, then freed. */
#include "io/json.h"
#include "fuzz.h"

static void walk(yajl_val v, int depth)
{
    long long i;
    gt_json_as_int(v, &i);
    gt_json_bool(v, 0);
    gt_json_null(v);
    if (YAJL_IS_OBJECT(v)) {
        for (size_t k = 0; k < v->u.object.len; k++) {
            const char *key = v->u.object.keys[k];
            if (gt_json_get(v, key) == NULL) abort();   /* every key is found */
            gt_json_str(v, key);
            walk(v->u.object.values[k], depth + 1);
        }
    } else if (YAJL_IS_ARRAY(v)) {
        for (size_t k = 0; k < v->u.array.len; k++) walk(v->u.array.values[k], depth + 1);
    }
    if (depth > GT_JSON_MAX_DEPTH + 1) abort();    /* deeper trees are refused */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), err[512];
    yajl_val v = gt_json_parse(text, err, sizeof err);
    if (v) {
        walk(v, 1);
        gt_json_get(v, "");
        yajl_tree_free(v);
    }
    free(text);
    return 0;
}
