/* arxiv-filter-cat - keep the records whose categories (and dates) match.
 *
 * arxiv-filter-cat [OPTIONS] SELECTOR... [-i FILE]...
 * Records (gentitle-record(5)) in, the kept lines out unchanged. */
#include "io/input.h"
#include "io/output.h"
#include "core/opts.h"
#include "core/progress.h"
#include "io/record.h"
#include "arxiv/taxonomy.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static noreturn void usage(void)
{
    printf(
"Usage: %s [OPTIONS] SELECTOR... [-i FILE]...\n"
"Keep the gentitle records whose categories match a SELECTOR; write the kept\n"
"lines unchanged. Input: the -i files in order, else standard input.\n"
"\n"
"Selectors (several: a record matching any is kept):\n"
"  cs.CL          a category code (also its aliases and retired codes: math.IT = cs.IT)\n"
"  math, hep-th   an archive: every category of it (math also takes alg-geom, ...)\n"
"  physics        a group (astro-ph, cond-mat, gr-qc, hep-*, nucl-*, quant-ph, ...)\n"
"  archive:NAME, group:NAME   say which, where a name is both\n"
"  'cs.*' '*.IT'  shell globs over the taxonomy's codes (quote them)\n"
"\n"
"Options:\n"
"  -i, --input FILE      read FILE (plain or zstd; '-' is standard input); repeatable\n"
"  -x, --exclude SEL     drop records with a category matching SEL; repeatable\n"
"  -p, --primary         match only each record's first (primary) category\n"
"      --no-aliases      match codes literally (no alias or retired-code equivalence)\n"
"      --since DATE      keep records dated DATE (YYYY-MM-DD) or later\n"
"      --until DATE      keep records dated DATE or earlier\n"
"      --updated         date filters use update_date instead of v1_date\n"
"  -c, --count           print only the number of kept records\n"
"      --stats           print records read, kept and skipped on standard error\n"
"      --strict          stop at the first malformed line\n"
"      --max-line N      longest accepted line in bytes (default 16777216)\n"
"      --taxonomy FILE   use this category TSV instead of the built-in one\n"
"  -l, --list            print the taxonomy codes the selectors match, and exit\n"
"      --progress        show progress on standard error even when not a terminal\n"
"  -h, --help            show this help and exit\n"
"      --version         show the version and exit\n"
"\n"
"With only --exclude or date options, every other record is kept.\n"
"Exit status: 0 ok, 64 usage, 65 malformed lines, 66 unopenable input, 74 I/O error.\n",
        gt_progname);
    exit(0);
}

enum { O_NOALIAS = 256, O_SINCE, O_UNTIL, O_UPDATED, O_STATS, O_TAXONOMY };

static const struct option longopts[] = {
    { "input", required_argument, NULL, 'i' },
    { "exclude", required_argument, NULL, 'x' },
    { "primary", no_argument, NULL, 'p' },
    { "no-aliases", no_argument, NULL, O_NOALIAS },
    { "since", required_argument, NULL, O_SINCE },
    { "until", required_argument, NULL, O_UNTIL },
    { "updated", no_argument, NULL, O_UPDATED },
    { "count", no_argument, NULL, 'c' },
    { "stats", no_argument, NULL, O_STATS },
    { "strict", no_argument, NULL, GT_OPT_STRICT },
    { "max-line", required_argument, NULL, GT_OPT_MAX_LINE },
    { "taxonomy", required_argument, NULL, O_TAXONOMY },
    { "list", no_argument, NULL, 'l' },
    { "progress", no_argument, NULL, GT_OPT_PROGRESS },
    GT_OPTS_HELP,
    { NULL, 0, NULL, 0 }
};

typedef struct {
    gt_catset inc, exc;
    int primary;
    const char *since, *until;   /* NULL when not given */
    const char *date_key;
} filter;

enum { KEEP = 1, DROP = 0, BAD = -1 };

/* Does any category (only the first with --primary) fall in SET? */
static int any_in(const filter *fl, const gt_catset *set, const gt_rec *r, int fi,
                  const char *str, size_t slen)
{
    if (fi >= 0) {
        int n = r->f[fi].count;
        if (fl->primary && n > 1) n = 1;
        for (int i = 0; i < n; i++) {
            size_t len;
            const char *c = gt_rec_item(r, fi, i, &len);
            if (gt_catset_match(set, c, len)) return 1;
        }
        return 0;
    }
    /* space-separated string, as in the raw dump */
    const char *p = str, *e = str + slen;
    while (p < e) {
        while (p < e && *p == ' ') p++;
        const char *q = p;
        while (q < e && *q != ' ') q++;
        if (q > p) {
            if (gt_catset_match(set, p, (size_t)(q - p))) return 1;
            if (fl->primary) return 0;
        }
        p = q;
    }
    return 0;
}

static int judge(const filter *fl, const gt_rec *r, char *err, size_t errsz)
{
    int fi = gt_rec_find(r, "categories");
    const char *str = NULL;
    size_t slen = 0;
    if (fi < 0) { snprintf(err, errsz, "no \"categories\" field"); return BAD; }
    if (r->f[fi].kind == GT_V_STR) {
        str = gt_rec_at(r, r->f[fi].val);
        slen = r->f[fi].val.len;
        fi = -1;
    } else if (r->f[fi].kind != GT_V_ARR) {
        snprintf(err, errsz, "\"categories\" is not an array of strings");
        return BAD;
    }
    int keep = 1;
    if (fl->since || fl->until) {
        int di = gt_rec_find(r, fl->date_key);
        if (di < 0 || r->f[di].kind == GT_V_NULL) {
            keep = 0;               /* no date: not kept, not an error */
        } else {
            const char *d = r->f[di].kind == GT_V_STR ? gt_rec_at(r, r->f[di].val) : NULL;
            if (!d || !gt_is_date(d, r->f[di].val.len)) {
                snprintf(err, errsz, "\"%s\" is not a YYYY-MM-DD date", fl->date_key);
                return BAD;
            }
            if ((fl->since && strcmp(d, fl->since) < 0) || (fl->until && strcmp(d, fl->until) > 0))
                keep = 0;
        }
    }
    if (keep && fl->inc.nsel && !any_in(fl, &fl->inc, r, fi, str, slen)) keep = 0;
    if (keep && fl->exc.nsel && any_in(fl, &fl->exc, r, fi, str, slen)) keep = 0;
    return keep ? KEEP : DROP;
}

typedef struct { int count, stats, strict, progress; size_t max_line; } run_opts;

/* --list: the taxonomy codes the selectors take, less the excluded ones. */
static void list_codes(gt_out *out, const filter *fl, const gt_taxonomy *tax)
{
    for (int i = 0; i < gt_tax_count(tax); i++) {
        const gt_category *k = gt_tax_cat(tax, i);
        size_t n = strlen(k->code);
        int in = !fl->inc.nsel || gt_catset_match(&fl->inc, k->code, n);
        if (in && fl->exc.nsel && gt_catset_match(&fl->exc, k->code, n)) in = 0;
        if (in) { gt_out_str(out, k->code); gt_out_putc(out, '\n'); }
    }
}

/* Filter the inputs to OUT; returns the exit status. */
static int run(gt_out *out, const filter *fl, const char **inputs, int ninputs, const run_opts *o)
{
    /* open everything first: a missing file stops us before any output */
    gt_reader **rd = gt_xcalloc((size_t)ninputs, sizeof *rd);
    uint64_t total = 0;
    for (int i = 0; i < ninputs; i++) {
        rd[i] = gt_reader_open(inputs[i], o->max_line);
        if (!rd[i]) exit(EX_NOINPUT);
        total += gt_reader_size(rd[i]);
    }
    gt_rec rec;
    gt_rec_init(&rec);
    const char *const wanted[2] = { "categories", fl->date_key };
    gt_progress pg;
    gt_progress_start(&pg, gt_progress_wanted(o->progress), total);
    uint64_t nread = 0, nkept = 0, nbad = 0, done_bytes = 0;
    int status = 0;
    for (int fi = 0; fi < ninputs && !status; fi++) {
        gt_reader *r = rd[fi];
        const char *line;
        size_t len;
        int st;
        char err[256];
        while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
            if (st == GT_READ_ERROR) {
                gt_out_flush(out);
                gt_warn("%s: %s", gt_reader_name(r), gt_reader_error(r));
                status = gt_reader_error_code(r);
                break;
            }
            nread++;
            int v;
            if (st == GT_READ_TOOLONG) {
                snprintf(err, sizeof err, "line longer than %zu bytes (see --max-line)", o->max_line);
                v = BAD;
            } else if (gt_rec_parse_keys(&rec, line, len, wanted, 2, err, sizeof err) < 0) {
                /* only the values judged are decoded; the rest of the line is checked */
                v = BAD;
            } else {
                v = judge(fl, &rec, err, sizeof err);
            }
            if (v == KEEP) {
                nkept++;
                if (!o->count) { gt_out_write(out, line, len); gt_out_putc(out, '\n'); }
            } else if (v == BAD) {
                nbad++;
                if (o->strict) gt_out_flush(out);   /* what came before, then the message */
                gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", err);
                if (o->strict) { status = EX_DATAERR; break; }
            }
            if ((nread & 1023) == 0)
                gt_progress_update(&pg, done_bytes + gt_reader_bytes_in(r), nread);
        }
        done_bytes += gt_reader_bytes_in(r);
    }
    gt_progress_end(&pg, done_bytes, nread);
    if (o->count && !status) {
        char buf[32];
        snprintf(buf, sizeof buf, "%llu\n", (unsigned long long)nkept);
        gt_out_str(out, buf);
    }
    gt_out_flush(out);
    if (o->stats)
        gt_warn("%llu records read, %llu kept, %llu skipped (malformed)",
                (unsigned long long)nread, (unsigned long long)nkept, (unsigned long long)nbad);
    if (nbad && !o->strict)
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)nbad,
                (unsigned long long)nread);
    if (!status && nbad) status = EX_DATAERR;
    for (int i = 0; i < ninputs; i++) gt_reader_close(rd[i]);
    free(rd);
    gt_rec_free(&rec);
    return status;
}

static const char *check_date(const char *opt, const char *s)
{
    if (!gt_is_date(s, strlen(s)))
        gt_usage_error("%s: invalid date '%s' (expected YYYY-MM-DD)", opt, s);
    return s;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    const char **inputs = gt_xcalloc((size_t)argc + 1, sizeof *inputs);
    const char **excludes = gt_xcalloc((size_t)argc + 1, sizeof *excludes);
    int ninputs = 0, nexcl = 0;
    int literal = 0, updated = 0, list = 0;
    run_opts ro = { 0, 0, 0, 0, 0 };
    const char *taxfile = NULL, *since = NULL, *until = NULL;
    filter fl;
    memset(&fl, 0, sizeof fl);
    gt_opts op;
    gt_opts_init(&op, usage);
    int c;
    while ((c = getopt_long(argc, argv, "i:x:pclh", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': inputs[ninputs++] = optarg; break;
        case 'x': excludes[nexcl++] = optarg; break;
        case 'p': fl.primary = 1; break;
        case O_NOALIAS: literal = 1; break;
        case O_SINCE: since = check_date("--since", optarg); break;
        case O_UNTIL: until = check_date("--until", optarg); break;
        case O_UPDATED: updated = 1; break;
        case 'c': ro.count = 1; break;
        case O_STATS: ro.stats = 1; break;
        case O_TAXONOMY: taxfile = optarg; break;
        case 'l': list = 1; break;
        default: if (!gt_opt_common(&op, c, optarg)) gt_usage_error("bad option");
        }
    }
    ro.strict = op.strict;
    ro.progress = op.progress;
    ro.max_line = op.max_line;
    int nsel = argc - optind;
    char **sels = argv + optind;

    if (since && until && strcmp(since, until) > 0)
        gt_usage_error("--since %s is after --until %s", since, until);
    if (nsel == 0 && nexcl == 0 && !since && !until)
        gt_usage_error("no category selector given");

    gt_taxonomy *tax;
    if (taxfile) {
        char err[512];
        tax = gt_tax_load_file(taxfile, err, sizeof err);
        /* unreadable: 66 like an input; readable but invalid: 65 */
        if (!tax) gt_die(access(taxfile, R_OK) != 0 ? EX_NOINPUT : EX_DATAERR, "%s", err);
    } else {
        tax = gt_tax_load_default();
    }
    gt_catset_init(&fl.inc, tax, literal);
    gt_catset_init(&fl.exc, tax, literal);
    for (int i = 0; i < nsel; i++) {
        char err[512];
        if (gt_catset_add(&fl.inc, sels[i], err, sizeof err) < 0) gt_usage_error("%s", err);
    }
    for (int i = 0; i < nexcl; i++) {
        char err[512];
        if (gt_catset_add(&fl.exc, excludes[i], err, sizeof err) < 0)
            gt_usage_error("--exclude: %s", err);
    }
    fl.since = since;
    fl.until = until;
    fl.date_key = updated ? "update_date" : "v1_date";

    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    int status = 0;
    if (list) {
        list_codes(&out, &fl, tax);
    } else {
        if (ninputs == 0) inputs[ninputs++] = "-";
        status = run(&out, &fl, inputs, ninputs, &ro);
    }
    gt_out_flush(&out);

    gt_catset_free(&fl.inc);
    gt_catset_free(&fl.exc);
    gt_tax_free(tax);
    gt_out_free(&out);
    free(inputs);
    free(excludes);
    return status;
}
