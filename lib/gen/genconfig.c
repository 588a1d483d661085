/* genconfig.c - see genconfig.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "gen/genconfig.h"
#include "io/json.h"

/* The whole number at KEY of ROOT into *V: 1 when there and within [LO, HI];
 * 0 when absent or null; -1 with the reason in ERR. */
static int get_int(yajl_val root, const char *path, const char *key, long lo, long hi, int *v, char *err,
                   size_t errsz)
{
    yajl_val x = gt_json_get(root, key);
    if (gt_json_null(x)) return 0;
    if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < lo || YAJL_GET_INTEGER(x) > hi)
        return gt_fail(err, errsz, "%s: \"%s\" is not a whole number from %ld to %ld", path, key, lo, hi);
    *v = (int)YAJL_GET_INTEGER(x);
    return 1;
}

/* The number at KEY, in (LO, HI]: as get_int. */
static int get_real(yajl_val root, const char *path, const char *key, double lo, double hi, double *v, char *err,
                    size_t errsz)
{
    yajl_val x = gt_json_get(root, key);
    if (gt_json_null(x)) return 0;
    if (!YAJL_IS_NUMBER(x) || !(YAJL_GET_DOUBLE(x) > lo && YAJL_GET_DOUBLE(x) <= hi))
        return gt_fail(err, errsz, "%s: \"%s\" is not a number in (%g, %g]", path, key, lo, hi);
    *v = YAJL_GET_DOUBLE(x);
    return 1;
}

/* The keys gt_gen_config_load reads, or knows to leave alone. */
static const char *const known[] = {
    "num_beams", "no_repeat_ngram_size", "max_new_tokens", "encoder_repetition_penalty", "repetition_penalty",
    "do_sample", "temperature", "top_k", "top_p", "bos_token_id", "eos_token_id", "pad_token_id",
    "transformers_version", "_from_model_config", "max_word_repeats", NULL
};

/* ROOT's keys that are not known, into C->unknown. */
static void list_unknown(yajl_val root, gt_gen_config *c)
{
    size_t n = 0, cap = sizeof c->unknown;
    for (size_t i = 0; i < root->u.object.len; i++) {
        const char *k = root->u.object.keys[i];
        int found = 0;
        for (int j = 0; known[j] && !found; j++) found = strcmp(known[j], k) == 0;
        if (found || n + 8 >= cap) continue;
        int w = snprintf(c->unknown + n, cap - n, "%s\"%s\"", n ? ", " : "", k);
        if (w < 0 || (size_t)w >= cap - n) { snprintf(c->unknown + n, cap - n, n ? ", ..." : "..."); break; }
        n += (size_t)w;
    }
}

int gt_gen_config_apply(const char *dir, gt_gen_opts *go, const gt_gen_given *given, char *err, size_t errsz)
{
    gt_gen_config gc;
    if (gt_gen_config_load(dir, &gc, err, errsz) != 0) return -1;
    if (gc.unknown[0]) gt_warn("%s/generation_config.json: ignored: %s", dir, gc.unknown);
    int sample = gc.do_sample == 1 && !given->beams && !given->temp;
    if (sample) go->temperature = gc.has_temp ? (float)gc.temperature : 1.0f;
    if (go->temperature > 0 && !given->topk && (gc.has_topk || sample)) go->top_k = gc.has_topk ? gc.top_k : 50;
    if (go->temperature > 0 && !given->topp && gc.has_topp) go->top_p = (float)gc.top_p;
    if (gc.has_rep && !given->rep) go->repetition_penalty = (float)gc.repetition_penalty;
    if (gc.has_beams && !given->beams && go->temperature == 0) go->beams = gc.num_beams;
    if (gc.has_norep && !given->norep) go->no_repeat_ngram = gc.no_repeat_ngram_size;
    if (gc.has_maxnew && !given->maxnew) go->max_new_tokens = gc.max_new_tokens;
    if (gc.has_mwr && !given->mwr) go->max_word_repeats = gc.max_word_repeats;
    if (gc.has_encrep && !given->encrep) go->encoder_repetition_penalty = (float)gc.encoder_repetition_penalty;
    return 0;
}

int gt_gen_config_load(const char *dir, gt_gen_config *c, char *err, size_t errsz)
{
    char path[4200], e[300];
    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "%s/generation_config.json", dir);
    yajl_val root = gt_json_load(path, 1 << 20, e, sizeof e);
    if (!root) {
        if (strncmp(e, "cannot open", 11) == 0) return 0;   /* no such file: no defaults */
        return gt_fail(err, errsz, errno ? "%s: %s" : "%s: not a JSON object: %s", path, e);
    }
    int st = 0;
    if (!YAJL_IS_OBJECT(root)) st = gt_fail(err, errsz, "%s: not a JSON object", path);
    if (!st && (c->has_beams = get_int(root, path, "num_beams", 1, 64, &c->num_beams, err, errsz)) < 0) st = -1;
    if (!st && (c->has_norep = get_int(root, path, "no_repeat_ngram_size", 0, 64, &c->no_repeat_ngram_size, err,
                                       errsz)) < 0)
        st = -1;
    if (!st && (c->has_maxnew = get_int(root, path, "max_new_tokens", 1, 1 << 20, &c->max_new_tokens, err, errsz)) < 0)
        st = -1;
    if (!st && (c->has_encrep = get_real(root, path, "encoder_repetition_penalty", 0, 100,
                                         &c->encoder_repetition_penalty, err, errsz)) < 0)
        st = -1;
    if (!st && (c->has_rep = get_real(root, path, "repetition_penalty", 0, 100, &c->repetition_penalty, err, errsz)) < 0)
        st = -1;
    if (!st && (c->has_mwr = get_int(root, path, "max_word_repeats", 0, 64, &c->max_word_repeats, err, errsz)) < 0)
        st = -1;
    if (!st && (c->has_temp = get_real(root, path, "temperature", 0, 100, &c->temperature, err, errsz)) < 0) st = -1;
    if (!st && (c->has_topp = get_real(root, path, "top_p", 0, 1, &c->top_p, err, errsz)) < 0) st = -1;
    if (!st && (c->has_topk = get_int(root, path, "top_k", 0, 1 << 22, &c->top_k, err, errsz)) < 0) st = -1;
    if (!st) {
        yajl_val x = gt_json_get(root, "do_sample");
        c->do_sample = gt_json_bool(x, 0);
        c->has_sample = !gt_json_null(x);
        if (c->do_sample < 0) st = gt_fail(err, errsz, "%s: \"do_sample\" is not true or false", path);
    }
    if (!st) list_unknown(root, c);
    yajl_tree_free(root);
    return st;
}
