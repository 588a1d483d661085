/* logits_fixture.h - what the model tests (test_model, test_lora, test_llama2c)
 * share: whole files in and out, and the expected.bin fixtures that
 * tests/reference/llama_reference.py writes (int32 magic "TGOL", ntok,
 * nprefill, vocab; ntok int32 tokens; ntok x vocab float32 logits). */
#ifndef T_LOGITS_FIXTURE_H
#define T_LOGITS_FIXTURE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/file.h"

/* The bytes of PATH (NUL after them), *N their count; NULL when unreadable. */
static inline char *slurp(const char *path, size_t *n)
{
    char err[256];
    return gt_read_file(path, 0, n, err, sizeof err);
}

static inline void spit(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n)) abort();
    fclose(f);
}

typedef struct { int ntok, nprefill, vocab; int32_t *tok; float *logits; } expected;

static inline int read_expected(const char *path, expected *e)
{
    size_t n;
    char *p = slurp(path, &n);
    if (!p) return -1;
    int32_t h[4];
    if (n < 16) { free(p); return -1; }
    memcpy(h, p, 16);
    if (h[0] != 0x4C4F4754 || n != 16 + 4 * (size_t)h[1] + 4 * (size_t)h[1] * h[3]) { free(p); return -1; }
    e->ntok = h[1]; e->nprefill = h[2]; e->vocab = h[3];
    e->tok = malloc(4 * (size_t)e->ntok);
    e->logits = malloc(4 * (size_t)e->ntok * e->vocab);
    memcpy(e->tok, p + 16, 4 * (size_t)e->ntok);
    memcpy(e->logits, p + 16 + 4 * e->ntok, 4 * (size_t)e->ntok * e->vocab);
    free(p);
    return 0;
}

/* Largest |got - ref| over the row, relative to the row's largest |ref|. */
static inline double row_err(const float *got, const float *ref, int v)
{
    double d = 0, mx = 0;
    for (int j = 0; j < v; j++) {
        if (isnan(got[j])) return INFINITY;
        d = fmax(d, fabs((double)got[j] - ref[j]));
        mx = fmax(mx, fabs((double)ref[j]));
    }
    return d / mx;
}

#endif
