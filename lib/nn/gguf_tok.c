/* gguf_tok.c - a GGUF file's tokenizer.ggml.* keys to a llama.cpp vocabulary
 * (tok/llama_vocab.h) and the tokenizer built from it (see gguf_tok.h). Only
 * the reading is here; the rules are tok/'s. */
#include "nn/gguf_tok.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An id key: GT_VOCAB_UNSET when absent or negative (llama.cpp: no such id). */
static int get_id(const gt_gguf *g, const char *key, int64_t *id, char *err, size_t errsz)
{
    *id = GT_VOCAB_UNSET;
    const gt_gguf_val *v = gt_gguf_find(g, key);
    if (!v) return 0;
    int64_t x;
    if (v->type == GT_GGUF_ARRAY || gt_gguf_val_int(v, 0, &x) != 0)
        return gt_fail(err, errsz, "%s: %s: %s, not an integer", g->path, key, gt_gguf_type_name(v->type));
    if (x >= 0) *id = x;
    return 0;
}

static int get_flag(const gt_gguf *g, const char *key, int *flag, char *err, size_t errsz)
{
    int b;
    int rc = gt_gguf_get_bool(g, key, &b, err, errsz);
    *flag = rc == 0 ? b : GT_VOCAB_UNSET;
    return rc < 0 ? -1 : 0;
}

/* Strings of the array at KEY as gt_vstr (a new array in *OUT). 1: absent. */
static int get_strs(const gt_gguf *g, const char *key, gt_vstr **out, size_t *n, char *err, size_t errsz)
{
    const gt_gguf_str *s;
    uint64_t m;
    int rc = gt_gguf_get_strs(g, key, &s, &m, err, errsz);
    if (rc != 0) return rc;
    *out = gt_xmalloc((m ? m : 1) * sizeof **out);
    for (uint64_t i = 0; i < m; i++) (*out)[i] = (gt_vstr){ s[i].p, (size_t)s[i].n };
    *n = (size_t)m;
    return 0;
}

/* The vocabulary's arrays, kept for gt_tok_from_vocab (which copies them). */
typedef struct {
    gt_vocab v;
    gt_vstr *tokens, *merges;
    float *scores;
    int32_t *types;
    char *model, *pre;
} vocab_buf;

static void vocab_free(vocab_buf *b)
{
    free(b->tokens); free(b->merges); free(b->scores); free(b->types); free(b->model); free(b->pre);
}

/* Read the tokenizer.ggml.* keys into B: 0, or -1 with "FILE: ..." in ERR. */
static int read_vocab(const gt_gguf *g, vocab_buf *b, char *err, size_t errsz)
{
    gt_vocab *v = &b->v;
    const char *f = g->path;
    int rc = gt_gguf_get_strdup(g, "tokenizer.ggml.model", &b->model, err, errsz);
    if (rc < 0) return -1;
    if (rc > 0) return gt_fail(err, errsz, "%s: no tokenizer (tokenizer.ggml.model is missing)", f);
    if (strcmp(b->model, "llama") == 0) v->kind = GT_VOCAB_SPM;
    else if (strcmp(b->model, "gpt2") == 0) v->kind = GT_VOCAB_BPE;
    else return gt_fail(err, errsz, "%s: tokenizer.ggml.model: '%s' is not supported (llama, gpt2)", f, b->model);

    rc = get_strs(g, "tokenizer.ggml.tokens", &b->tokens, &v->n, err, errsz);
    if (rc < 0) return -1;
    if (rc > 0) return gt_fail(err, errsz, "%s: tokenizer.ggml.tokens is missing", f);
    if (v->n == 0) return gt_fail(err, errsz, "%s: tokenizer.ggml.tokens is empty", f);
    v->tokens = b->tokens;
    uint64_t m = 0;
    rc = gt_gguf_get_f32s(g, "tokenizer.ggml.scores", &b->scores, &m, err, errsz);
    if (rc < 0) return -1;
    if (rc == 0 && m < v->n) return gt_fail(err, errsz, "%s: tokenizer.ggml.scores: %llu scores for %zu tokens", f,
                                           (unsigned long long)m, v->n);
    v->scores = b->scores;
    rc = gt_gguf_get_i32s(g, "tokenizer.ggml.token_type", &b->types, &m, err, errsz);
    if (rc < 0) return -1;
    if (rc == 0 && m < v->n) return gt_fail(err, errsz, "%s: tokenizer.ggml.token_type: %llu types for %zu tokens", f,
                                           (unsigned long long)m, v->n);
    v->types = b->types;
    if (v->kind == GT_VOCAB_BPE) {
        rc = get_strs(g, "tokenizer.ggml.merges", &b->merges, &v->nmerges, err, errsz);
        if (rc < 0) return -1;
        if (rc > 0) return gt_fail(err, errsz, "%s: tokenizer.ggml.merges is missing (a gpt2 tokenizer needs them)", f);
        v->merges = b->merges;
        rc = gt_gguf_get_strdup(g, "tokenizer.ggml.pre", &b->pre, err, errsz);
        if (rc < 0) return -1;
        if (b->pre && !gt_vocab_pre_find(b->pre))
            return gt_fail(err, errsz, "%s: tokenizer.ggml.pre: unknown pre-tokenizer '%s' (known: %s)", f, b->pre,
                           gt_vocab_pre_names());
        v->pre = b->pre;
    }
    if (get_id(g, "tokenizer.ggml.bos_token_id", &v->bos, err, errsz) ||
        get_id(g, "tokenizer.ggml.eos_token_id", &v->eos, err, errsz) ||
        get_id(g, "tokenizer.ggml.unknown_token_id", &v->unk, err, errsz) ||
        get_id(g, "tokenizer.ggml.padding_token_id", &v->pad, err, errsz) ||
        get_flag(g, "tokenizer.ggml.add_bos_token", &v->add_bos, err, errsz) ||
        get_flag(g, "tokenizer.ggml.add_eos_token", &v->add_eos, err, errsz) ||
        get_flag(g, "tokenizer.ggml.add_space_prefix", &v->add_space_prefix, err, errsz))
        return -1;
    return 0;
}

/* The key a vocabulary error WHY is about, for the message. */
static const char *key_of(const char *why)
{
    if (strncmp(why, "merge ", 6) == 0) return "tokenizer.ggml.merges";
    if (strncmp(why, "duplicate token", 15) == 0 || strcmp(why, "no tokens") == 0) return "tokenizer.ggml.tokens";
    if (strncmp(why, "add_bos", 7) == 0) return "tokenizer.ggml.add_bos_token";
    if (strncmp(why, "add_eos", 7) == 0) return "tokenizer.ggml.add_eos_token";
    return "tokenizer";
}

gt_tok *gt_gguf_tok(const gt_gguf *g, char *err, size_t errsz)
{
    vocab_buf b = { 0 };
    gt_tok *t = NULL;
    if (read_vocab(g, &b, err, errsz) == 0) {
        char why[512];
        t = gt_tok_from_vocab(&b.v, why, sizeof why);
        if (!t) snprintf(err, errsz, "%s: %s: %s", g->path, key_of(why), why);
    }
    vocab_free(&b);
    return t;
}

/* ERR without the "PATH: " the GGUF reader puts first. */
static void strip_path(char *err, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(err, path, n) == 0 && err[n] == ':' && err[n + 1] == ' ') memmove(err, err + n + 2, strlen(err + n + 2) + 1);
}

gt_tok *gt_tok_load_file(const char *path, char *err, size_t errsz)
{
    if (!gt_is_gguf(path)) return gt_tok_load(path, err, errsz);
    gt_gguf g;
    if (gt_gguf_open(&g, path, err, errsz) != 0) {
        strip_path(err, path);
        return NULL;
    }
    gt_tok *t = gt_gguf_tok(&g, err, errsz);
    if (!t) strip_path(err, path);
    gt_gguf_close(&g);
    return t;
}

const char *gt_model_tok_path(const char *model, char *buf, size_t n)
{
    if (gt_is_gguf(model)) {
        snprintf(buf, n, "%s", model);
        return buf;
    }
    return gt_tok_of_model(model, buf, n);
}

gt_tok *gt_model_tok(const char *model, char *err, size_t errsz)
{
    char path[4096], why[512];
    gt_model_tok_path(model, path, sizeof path);
    gt_tok *t = gt_tok_load_file(path, why, sizeof why);
    if (!t) snprintf(err, errsz, "%s: %s", path, why);
    return t;
}
