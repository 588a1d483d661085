/* json.h - whole JSON documents as yajl trees (config.json, tokenizer.json,
 * adapter_config.json, generation_config.json, title-eval's records): parsing
 * and the getters every reader of them uses. Streaming records use record.h. */
#ifndef GT_JSON_H
#define GT_JSON_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

/* How deep arrays and objects may nest in a document parsed into a tree:
 * yajl_tree_free (and our readers of trees) recurse once a level, so deeper
 * documents are refused before a tree is built (Python's json stops near 1000
 * too). Every real file here nests fewer than 10 levels. */
#define GT_JSON_MAX_DEPTH 1000

/* Parse TEXT (NUL-terminated) into a tree; NULL with yajl's reason in ERR, or
 * "nested deeper than 1000 levels at byte N". Every whole document read
 * into a yajl tree goes through here. */
yajl_val gt_json_parse(const char *text, char *err, size_t errsz);
/* Read PATH (at most MAX bytes, 0: no limit) and parse it; NULL with
 * "cannot open: ...", "read error", "larger than ..." or the parse error in
 * ERR (without the path); errno as gt_read_file leaves it, 0 for a parse error. */
yajl_val gt_json_load(const char *path, size_t max, char *err, size_t errsz);

/* The value at KEY of object O; NULL when O is not an object or has no KEY.
 * A key given twice: its last value, as Python's json.load (and so Hugging
 * Face's config readers) takes it. */
yajl_val gt_json_get(yajl_val o, const char *key);
/* The string at KEY, or NULL when absent or not a string. */
const char *gt_json_str(yajl_val o, const char *key);
/* Absent or JSON null. */
static inline int gt_json_null(yajl_val v) { return !v || YAJL_IS_NULL(v); }
/* V as an integer (a JSON integer, or a number with an integral value below
 * 9e15): 0 ok, -1 not one. */
int gt_json_as_int(yajl_val v, long long *out);
/* V true: 1; false: 0; absent or null: DEF; anything else: -1. */
int gt_json_bool(yajl_val v, int def);

#endif
