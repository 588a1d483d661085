/* shard.c - see shard.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "io/input.h"
#include "io/shard.h"

int gt_shard_opt(gt_shard *s, int c, const char *arg)
{
    if (c == GT_OPT_SHARD) s->arg = arg;
    else if (c == GT_OPT_SHARD_MERGE) s->merge = 1;
    else return 0;
    return 1;
}

/* A decimal number below 2^31 at *P, *P moved past it: 0, else -1. */
static int number(const char **p, uint64_t *v)
{
    if (**p < '0' || **p > '9') return -1;
    errno = 0;
    char *e;
    unsigned long long x = strtoull(*p, &e, 10);
    if (errno || x >= (1ULL << 31)) return -1;
    *v = x;
    *p = e;
    return 0;
}

int gt_shard_parse(gt_shard *s, const char *text)
{
    const char *p = text;
    uint64_t k, n;
    if (number(&p, &k) != 0 || *p++ != '/' || number(&p, &n) != 0 || *p || k >= n) return -1;
    s->k = k;
    s->n = n;
    return 0;
}

void gt_shard_setup(gt_shard *s)
{
    if (s->arg) {
        if (gt_shard_parse(s, s->arg) != 0) gt_usage_error("--shard: '%s' is not K/N with 0 <= K < N", s->arg);
        return;
    }
    const char *vars[2], *rank, *size;
    if (!gt_launcher_env(vars, &rank, &size)) return;
    char text[64];
    snprintf(text, sizeof text, "%.30s/%.30s", rank, size);
    if (gt_shard_parse(s, text) != 0) gt_usage_error("%s and %s: '%s' is not K/N with 0 <= K < N", vars[0], vars[1], text);
    if (s->n > 1) gt_warn("shard %s, from %s and %s", text, vars[0], vars[1]);
}

int gt_launcher_env(const char *vars[2], const char **rank, const char **size)
{
    static const char *const pairs[][2] = {
        { "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE" }, { "PMI_RANK", "PMI_SIZE" },
        { "SLURM_PROCID", "SLURM_NTASKS" },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        *rank = getenv(pairs[i][0]);
        *size = getenv(pairs[i][1]);
        if (!*rank || !*size) continue;
        vars[0] = pairs[i][0];
        vars[1] = pairs[i][1];
        return 1;
    }
    return 0;
}

void gt_shard_skip_line(const gt_shard *s, gt_out *out)
{
    if (gt_shard_on(s)) gt_out_putc(out, '\n');
}

int gt_shard_merge(void *const *srcs, const char *const *names, int n, gt_shard_next_fn next, gt_out *out)
{
    uint64_t i = 0;
    int st;
    while ((st = next(srcs[i % (uint64_t)n], out)) == 1) i++;
    if (st < 0) return -st;
    int end = (int)(i % (uint64_t)n), status = 0;
    for (int j = 0; j < n; j++) {
        if (j == end) continue;
        if ((st = next(srcs[j], NULL)) == 0) continue;
        if (st > 0) {
            gt_out_flush(out);
            gt_warnat(names[j], 0, "holds record %llu of the input, but shard %d (%s) ended before record %llu: "
                      "outputs of different inputs, not in shard order, or of a shard that stopped early",
                      (unsigned long long)(i - (uint64_t)end + (uint64_t)j + (j < end ? (uint64_t)n : 0)), end,
                      names[end], (unsigned long long)i);
        }
        status = st < 0 ? -st : EX_DATAERR;
    }
    return status;
}

#define LINE_TAG "{\"gentitle-shard\":\""

#define PH_KEY "\",\"placeholder\":\""

void gt_shard_line_header(gt_out *out, uint64_t k, uint64_t n, const char *placeholder)
{
    if (*placeholder) gt_out_printf(out, LINE_TAG "%llu/%llu" PH_KEY "%s\"}\n", (unsigned long long)k,
                                    (unsigned long long)n, placeholder);
    else gt_out_printf(out, LINE_TAG "%llu/%llu\"}\n", (unsigned long long)k, (unsigned long long)n);
}

void gt_shard_begin_lines(const gt_shard *s, gt_out *out)
{
    if (gt_shard_on(s)) gt_shard_line_header(out, s->k, s->n, "");
}

/* A line output: its first line (a plain output's, given back as its first unit) and the rest. */
typedef struct {
    gt_reader *r;
    char *held;
    size_t nheld;
    int holding;
    char ph[GT_SHARD_PH_MAX + 1];       /* the placeholder line ("": an empty line) */
    size_t phlen;
    int plain;                          /* not a shard's output: no placeholders */
} line_src;

static int is_ph(const line_src *ls, const char *line, size_t len)
{
    return !ls->plain && len == ls->phlen && memcmp(line, ls->ph, len) == 0;
}

/* A line output: a record per line, the header's placeholder line (by
 * default an empty line) a placeholder. */
static int next_line(void *src, gt_out *out)
{
    line_src *ls = src;
    if (ls->holding) {
        ls->holding = 0;
        if (out && !is_ph(ls, ls->held, ls->nheld)) {
            gt_out_write(out, ls->held, ls->nheld);
            gt_out_putc(out, '\n');
        }
        return 1;
    }
    gt_reader *r = ls->r;
    const char *line;
    size_t len;
    int st = gt_reader_next(r, &line, &len);
    if (st == GT_READ_EOF) return 0;
    if (st == GT_READ_ERROR) {
        gt_warnat(gt_reader_name(r), 0, "%s (after line %ld)", gt_reader_error(r), gt_reader_lineno(r));
        return -gt_reader_error_code(r);
    }
    if (out && !is_ph(ls, line, len)) {
        gt_out_write(out, line, len);
        gt_out_putc(out, '\n');
    }
    return 1;
}

/* Open FILE, output I of N, into *LS: its first line the header of shard I/N
 * (or, N 1, not a shard's header: kept as its first unit). 0, or an exit status. */
static int open_lines(line_src *ls, const char *file, int i, int n)
{
    if (!(ls->r = gt_reader_open(file, (size_t)1 << 40))) return EX_NOINPUT;
    const char *line = "";
    size_t len = 0;
    int st = gt_reader_next(ls->r, &line, &len);
    if (st == GT_READ_ERROR) {
        gt_warnat(gt_reader_name(ls->r), 0, "%s", gt_reader_error(ls->r));
        return gt_reader_error_code(ls->r);
    }
    if (st == GT_READ_EOF) len = 0;
    char want[80];
    size_t nw = (size_t)snprintf(want, sizeof want, LINE_TAG "%d/%d", i, n), nk = strlen(PH_KEY);
    if (len >= nw + 2 && memcmp(line, want, nw) == 0 && memcmp(line + len - 2, "\"}", 2) == 0) {
        const char *p = line + nw, *end = line + len - 2;
        if (p == end) return 0;                                 /* placeholder: an empty line */
        if ((size_t)(end - p) > nk && memcmp(p, PH_KEY, nk) == 0 && (size_t)(end - p - nk) <= GT_SHARD_PH_MAX &&
            !memchr(p + nk, '"', (size_t)(end - p - nk))) {
            ls->phlen = (size_t)(end - p - nk);
            memcpy(ls->ph, p + nk, ls->phlen);
            return 0;
        }
    }
    int tagged = len >= strlen(LINE_TAG) && memcmp(line, LINE_TAG, strlen(LINE_TAG)) == 0;
    if (n == 1 && !tagged) {
        ls->held = gt_xmalloc(len + 1);
        memcpy(ls->held, line, len);
        ls->nheld = len;
        ls->holding = st != GT_READ_EOF;
        ls->plain = 1;
        return 0;
    }
    if (tagged) gt_warnat(gt_reader_name(ls->r), 1, "the output of another shard than %d/%d: %.*s", i, n, (int)len, line);
    else gt_warnat(gt_reader_name(ls->r), 1, "not the output of a shard (%s --shard %d/%d): no %s...\"} line",
                   gt_progname, i, n, LINE_TAG);
    return EX_DATAERR;
}

int gt_shard_merge_lines(char *const *files, int nfiles, gt_out *out)
{
    if (nfiles < 1) gt_usage_error("--shard-merge needs the shards' outputs, in shard order");
    line_src *ls = gt_xcalloc((size_t)nfiles, sizeof *ls);
    void **srcs = gt_xcalloc((size_t)nfiles, sizeof *srcs);
    const char **names = gt_xcalloc((size_t)nfiles, sizeof *names);
    int status = 0;
    for (int i = 0; i < nfiles && !status; i++) {
        status = open_lines(&ls[i], files[i], i, nfiles);
        srcs[i] = &ls[i];
        names[i] = ls[i].r ? gt_reader_name(ls[i].r) : files[i];
        if (!status && i > 0 && (ls[i].phlen != ls[0].phlen || memcmp(ls[i].ph, ls[0].ph, ls[0].phlen) != 0)) {
            gt_warnat(names[i], 1, "another kind of output than %s (placeholder line \"%s\", not \"%s\")", names[0],
                      ls[i].ph, ls[0].ph);
            status = EX_DATAERR;
        }
    }
    if (!status) status = gt_shard_merge(srcs, names, nfiles, next_line, out);
    for (int i = 0; i < nfiles; i++) {
        if (ls[i].r) gt_reader_close(ls[i].r);
        free(ls[i].held);
    }
    free(ls);
    free(srcs);
    free(names);
    return status;
}
