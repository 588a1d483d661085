/* template.c - prompt templates (see template.h). */
#include "tok/template.h"
#include "io/file.h"
#include "io/record.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ALPACA_INPUT[] =
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n"
    "### Input:\n{input}\n\n### Response:\n";
static const char ALPACA_NO_INPUT[] =
    "Below is an instruction that describes a task. Write a response that appropriately completes the "
    "request.\n\n### Instruction:\n{instruction}\n\n### Response:\n";
static const char ALPACA_SPLIT[] = "### Response:";

void gt_template_default(gt_template *t)
{
    t->prompt_input = gt_xstrdup(ALPACA_INPUT);
    t->prompt_no_input = gt_xstrdup(ALPACA_NO_INPUT);
    t->response_split = gt_xstrdup(ALPACA_SPLIT);
}

void gt_template_free(gt_template *t)
{
    free(t->prompt_input); free(t->prompt_no_input); free(t->response_split);
    memset(t, 0, sizeof *t);
}

/* Check the placeholders of S: 0 ok, -1 with a reason. */
static int check_format(const char *key, const char *s, char *err, size_t errsz)
{
    for (const char *p = s; *p; p++) {
        if (*p == '{') {
            if (p[1] == '{') { p++; continue; }
            const char *e = strchr(p, '}');
            size_t n = e ? (size_t)(e - p - 1) : 0;
            if (e && ((n == 11 && memcmp(p + 1, "instruction", 11) == 0) || (n == 5 && memcmp(p + 1, "input", 5) == 0))) {
                p = e;
                continue;
            }
            snprintf(err, errsz, "%s: unknown or unclosed placeholder at \"%.20s\" (only {instruction} and {input}; write {{ and }} for braces)", key, p);
            return -1;
        } else if (*p == '}') {
            if (p[1] == '}') { p++; continue; }
            snprintf(err, errsz, "%s: single '}' (write }} for a brace)", key);
            return -1;
        }
    }
    return 0;
}

int gt_template_parse(gt_template *t, const char *json, size_t n, char *err, size_t errsz)
{
    gt_rec r;
    gt_rec_init(&r);
    char why[200];
    memset(t, 0, sizeof *t);
    if (gt_rec_parse(&r, json, n, why, sizeof why) != 0) {
        snprintf(err, errsz, "%s", why);
        gt_rec_free(&r);
        return -1;
    }
    static const char *keys[3] = { "prompt_input", "prompt_no_input", "response_split" };
    char **dst[3] = { &t->prompt_input, &t->prompt_no_input, &t->response_split };
    for (int k = 0; k < 3; k++) {
        size_t len;
        const char *s = gt_rec_str(&r, keys[k], &len);
        if (!s) {
            snprintf(err, errsz, "no string \"%s\" in the template", keys[k]);
            gt_rec_free(&r);
            gt_template_free(t);
            return -1;
        }
        if (memchr(s, 0, len)) {
            snprintf(err, errsz, "\"%s\" holds a NUL character", keys[k]);
            gt_rec_free(&r);
            gt_template_free(t);
            return -1;
        }
        *dst[k] = gt_xstrdup(s);
    }
    int mi = gt_rec_find(&r, "max_input_tokens");
    if (mi >= 0 && r.f[mi].kind != GT_V_NULL) {
        char num[32] = "";
        long v = -1;
        if (r.f[mi].kind == GT_V_RAW && r.f[mi].val.len < sizeof num) {
            memcpy(num, gt_rec_at(&r, r.f[mi].val), r.f[mi].val.len);
            char *e;
            v = strtol(num, &e, 10);
            if (*e || e == num) v = -1;
        }
        if (v < 1 || v > 1000000) {
            snprintf(err, errsz, "\"max_input_tokens\" is not a whole number from 1 to 1000000");
            gt_rec_free(&r);
            gt_template_free(t);
            return -1;
        }
        t->max_input_tokens = (int)v;
    }
    gt_rec_free(&r);
    if (check_format("prompt_input", t->prompt_input, err, errsz) ||
        check_format("prompt_no_input", t->prompt_no_input, err, errsz)) {
        gt_template_free(t);
        return -1;
    }
    return 0;
}

int gt_template_load(gt_template *t, const char *path, char *err, size_t errsz)
{
    char why[256];
    size_t n;
    char *text = gt_read_regular(path, 1 << 20, &n, why, sizeof why);   /* a FIFO is refused, not waited on */
    if (!text) {
        /* the texts tools print: the bare reason for an unopenable file; a
         * directory reads as a read error, as it did through stdio */
        if (errno == EFBIG) snprintf(err, errsz, "template larger than 1 MiB");
        else if (strncmp(why, "cannot open: ", 13) == 0) snprintf(err, errsz, "%s", why + 13);
        else if (strncmp(why, "not a regular", 13) == 0) snprintf(err, errsz, "%s", why);
        else snprintf(err, errsz, "read error");
        return -1;
    }
    int rc = gt_template_parse(t, text, n, err, errsz);
    free(text);
    return rc;
}

size_t gt_template_render(const gt_template *t, const char *instr, size_t ni, const char *input, size_t nin,
                          int with_input, gt_buf *b, size_t *in_start, size_t *in_end)
{
    size_t base = b->n;
    int seen = 0;
    *in_start = *in_end = 0;
    const char *p = with_input ? t->prompt_input : t->prompt_no_input;
    while (*p) {
        const char *q = p;
        while (*q && *q != '{' && *q != '}') q++;
        if (q > p) gt_buf_add(b, p, (size_t)(q - p));
        if (!*q) break;
        if (q[0] == q[1]) { gt_buf_add(b, q, 1); p = q + 2; continue; }
        if (strncmp(q, "{instruction}", 13) == 0) { gt_buf_add(b, instr, ni); p = q + 13; continue; }
        if (strncmp(q, "{input}", 7) == 0) {
            if (!seen) { *in_start = b->n - base; *in_end = *in_start + nin; seen = 1; }
            gt_buf_add(b, input, nin);
            p = q + 7;
            continue;
        }
        gt_buf_add(b, q, 1);   /* not reached for checked templates */
        p = q + 1;
    }
    return b->n - base;
}

const char *gt_template_of_model(const char *dir, char *buf, size_t n)
{
    if (!dir || (size_t)snprintf(buf, n, "%s/prompt_template.json", dir) >= n) return NULL;
    return access(buf, F_OK) == 0 ? buf : NULL;
}

size_t gt_template_encode(const gt_template *t, gt_tokctx *c, const char *instr, size_t ni, const char *input,
                          size_t nin, int max_in, gt_buf *b, gt_ids *ids)
{
    size_t base = ids->n, keep = max_in > 0 ? (size_t)max_in : 0, a0, a1, marks[2];
    if (max_in > 0) nin = gt_tok_prefix_len(c, input, nin, keep);     /* a huge input: only its start */
    b->n = 0;
    gt_template_render(t, instr, ni, input, nin, 1, b, &a0, &a1);
    marks[0] = a0; marks[1] = a1;
    gt_tok_encode(c, b->p, b->n, ids, marks, 2);
    size_t in_tokens = marks[1] - marks[0];
    while (max_in > 0 && in_tokens > (size_t)max_in && nin > 0) {
        /* cut the input where its token KEEP starts; encode again, one token
         * shorter again while the cut text still encodes to too many tokens */
        size_t cut = gt_tok_token_offset(c, b->p, b->n, marks[0] + keep);
        cut = cut < a0 ? 0 : cut - a0;
        if (cut > nin) cut = nin;
        nin = cut;
        b->n = 0;
        gt_template_render(t, instr, ni, input, nin, 1, b, &a0, &a1);
        marks[0] = a0; marks[1] = a1;
        ids->n = base;
        gt_tok_encode(c, b->p, b->n, ids, marks, 2);
        in_tokens = marks[1] - marks[0];
        if (keep == 0) break;
        keep--;
    }
    return in_tokens;
}
