/* gguf_fixture.h - what the GGUF model tests (test_gguf_model, test_gguf_lora,
 * test_gguf_lora_gguf, test_gguf_lora_write) share: the fixtures' folder,
 * distances between logit vectors, the JSON arrays of the llama.cpp and PEFT
 * fixtures (tests/reference/gguf_*.py), and a forward pass to the last
 * position's logits. */
#ifndef T_GGUF_FIXTURE_H
#define T_GGUF_FIXTURE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "io/file.h"
#include "io/json.h"
#include "nn/model.h"

#define DIR "tests/data/gguf/"

static inline double max_abs(const float *x, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
    return m;
}

/* max |a - b|, infinite when either holds a NaN */
static inline double max_diff(const float *a, const float *b, int n)
{
    double m = 0;
    for (int i = 0; i < n; i++) m = isnan(a[i]) || isnan(b[i]) ? INFINITY : fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

/* V, an array of exactly N numbers, into OUT: 0, else -1. */
static inline int floats_of(yajl_val v, float *out, int n)
{
    if (!v || !YAJL_IS_ARRAY(v) || (int)YAJL_GET_ARRAY(v)->len != n) return -1;
    for (int i = 0; i < n; i++) out[i] = (float)YAJL_GET_DOUBLE(YAJL_GET_ARRAY(v)->values[i]);
    return 0;
}

/* V, an array of at most MAX integers, into OUT: their count, else -1. */
static inline int ints_of(yajl_val v, int32_t *out, int max)
{
    if (!v || !YAJL_IS_ARRAY(v) || (int)YAJL_GET_ARRAY(v)->len > max) return -1;
    int n = (int)YAJL_GET_ARRAY(v)->len;
    for (int i = 0; i < n; i++) {
        long long x;
        if (gt_json_as_int(YAJL_GET_ARRAY(v)->values[i], &x)) return -1;
        out[i] = (int32_t)x;
    }
    return n;
}

/* FN(record, CTX) for each JSON line of FILE: the records parsed, 0 when
 * FILE cannot be read (the reason printed). */
static inline int each_record_e(const char *file, void (*fn)(yajl_val rec, void *ctx), void *ctx, char *err,
                                size_t errsz)
{
    char *text = gt_read_file(file, 64u << 20, NULL, err, errsz);
    if (!text) { printf("%s\n", err); return 0; }
    int n = 0;
    for (char *line = text, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl) *nl = 0;
        if (*line) {
            yajl_val rec = gt_json_parse(line, err, errsz);
            if (rec) { fn(rec, ctx); n++; yajl_tree_free(rec); }
        }
        if (!nl) break;
    }
    free(text);
    return n;
}

/* Last-position logits of IDS into OUT: the prompt in one batched pass
 * (BATCHED) or token by token (the decoding kernels). 0, or -1 with ERR. */
static inline int last_logits(const gt_model *m, const int32_t *ids, int n, float *out, int batched, char *err,
                              size_t errsz)
{
    gt_state *s = gt_state_new(m, n, 0, err, errsz);
    if (!s) return -1;
    int rc = 0;
    if (batched) rc = gt_model_forward(m, s, ids, n, 0, out, 0);
    else
        for (int i = 0; rc == 0 && i < n; i++) rc = gt_model_forward(m, s, &ids[i], 1, i, out, 0);
    gt_state_free(s);
    return rc;
}

#endif
