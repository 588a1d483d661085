/* specials.c - see specials.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "io/json.h"
#include "tok/specials.h"

/* DIR/NAME parsed into *ROOT (NULL when the file is not there): 0, or -1 with
 * the reason in ERR. */
static int load(const char *dir, const char *name, yajl_val *root, char *err, size_t errsz)
{
    char path[4200], e[300];
    *root = NULL;
    if (!dir) return 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    yajl_val v = gt_json_load(path, 1 << 24, e, sizeof e);
    if (!v) {
        if (strncmp(e, "cannot open", 11) == 0) return 0;
        return gt_fail(err, errsz, errno ? "%s: %s" : "%s: not valid JSON: %s", path, e);
    }
    if (!YAJL_IS_OBJECT(v)) {
        yajl_tree_free(v);
        return gt_fail(err, errsz, "%s: not a JSON object", path);
    }
    *root = v;
    return 0;
}

/* tokenizer_config.json's KEY ("bos_token"): the id of its text, -1 when
 * absent, null or unknown to TOK; -2 with the reason in ERR for a bad type. */
static int config_token(yajl_val tc, const char *dir, const char *key, const gt_tok *tok, char *err, size_t errsz)
{
    yajl_val v = gt_json_get(tc, key);
    if (gt_json_null(v)) return -1;
    const char *text = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : gt_json_str(v, "content");
    if (!text) {
        gt_fail(err, errsz, "%s/tokenizer_config.json: \"%s\" is not a string or {\"content\": string}", dir, key);
        return -2;
    }
    return gt_tok_piece_id(tok, text, strlen(text));
}

/* KEY ("bos_token_id") of a config: its id (of a list, the first), -1 when
 * absent, null, or not an id of TOK; -2 with the reason in ERR for a bad type. */
static int config_id(yajl_val c, const char *dir, const char *file, const char *key, const gt_tok *tok, char *err,
                     size_t errsz)
{
    yajl_val v = gt_json_get(c, key);
    if (v && YAJL_IS_ARRAY(v)) v = YAJL_GET_ARRAY(v)->len ? YAJL_GET_ARRAY(v)->values[0] : NULL;
    if (gt_json_null(v)) return -1;
    long long id;
    if (gt_json_as_int(v, &id) != 0) {
        gt_fail(err, errsz, "%s/%s: \"%s\" is not a token id", dir, file, key);
        return -2;
    }
    return id >= 0 && id < gt_tok_vocab_size(tok) ? (int)id : -1;
}

/* One of BOS and EOS: *ID and *FROM by the order of specials.h. */
static int pick(const char *dir, yajl_val tc, yajl_val gc, yajl_val c, const gt_tok *tok, int eos, int *id,
                char *from, size_t fromsz, char *err, size_t errsz)
{
    const char *tkey = eos ? "eos_token" : "bos_token", *ikey = eos ? "eos_token_id" : "bos_token_id";
    int own = eos ? gt_tok_eos(tok) : gt_tok_bos(tok);
    int guessed = gt_tok_guessed(tok) & (eos ? GT_TOK_GUESSED_EOS : GT_TOK_GUESSED_BOS);
    int x;
    if ((x = config_token(tc, dir, tkey, tok, err, errsz)) < -1) return -1;
    if (x >= 0) { *id = x; snprintf(from, fromsz, "tokenizer_config.json"); return 0; }
    if (own >= 0 && !guessed) { *id = own; snprintf(from, fromsz, "tokenizer"); return 0; }
    if ((x = config_id(gc, dir, "generation_config.json", ikey, tok, err, errsz)) < -1) return -1;
    if (x >= 0) { *id = x; snprintf(from, fromsz, "generation_config.json"); return 0; }
    if ((x = config_id(c, dir, "config.json", ikey, tok, err, errsz)) < -1) return -1;
    if (x >= 0) { *id = x; snprintf(from, fromsz, "config.json"); return 0; }
    *id = own;
    snprintf(from, fromsz, own >= 0 ? "tokenizer's guess" : "none");
    return 0;
}

int gt_specials_of_model(const char *dir, const gt_tok *tok, gt_specials *s, char *err, size_t errsz)
{
    memset(s, 0, sizeof *s);
    yajl_val tc = NULL, gc = NULL, c = NULL;
    int st = load(dir, "tokenizer_config.json", &tc, err, errsz);
    if (!st) st = load(dir, "generation_config.json", &gc, err, errsz);
    if (!st) st = load(dir, "config.json", &c, err, errsz);
    if (!st) st = pick(dir, tc, gc, c, tok, 0, &s->bos, s->bos_from, sizeof s->bos_from, err, errsz);
    if (!st) st = pick(dir, tc, gc, c, tok, 1, &s->eos, s->eos_from, sizeof s->eos_from, err, errsz);
    if (!st) {
        int b = gt_json_bool(gt_json_get(tc, "add_bos_token"), -1);
        if (b == -1 && tc && !gt_json_null(gt_json_get(tc, "add_bos_token")))
            st = gt_fail(err, errsz, "%s/tokenizer_config.json: \"add_bos_token\" is not true or false", dir);
        else if (b >= 0) {
            s->add_bos = b;
            snprintf(s->add_bos_from, sizeof s->add_bos_from, "tokenizer_config.json");
        } else {
            s->add_bos = gt_tok_add_bos(tok);
            snprintf(s->add_bos_from, sizeof s->add_bos_from, s->add_bos >= 0 ? "tokenizer" : "default");
        }
    }
    if (tc) yajl_tree_free(tc);
    if (gc) yajl_tree_free(gc);
    if (c) yajl_tree_free(c);
    return st;
}

const char *gt_specials_describe(const gt_specials *s, char *buf, size_t n)
{
    snprintf(buf, n, "BOS %d (%s), EOS %d (%s), add_bos %s (%s)", s->bos, s->bos_from, s->eos, s->eos_from,
             s->add_bos < 0 ? "unset" : s->add_bos ? "true" : "false", s->add_bos_from);
    return buf;
}
