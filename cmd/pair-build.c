/* pair-build - gentitle records to alpaca instruction pairs (abstract -> title),
 * de-duplicated and split into train/val/test. See pair-build(1). */
#include "io/input.h"
#include "io/genset.h"
#include "io/output.h"
#include "text/pairs.h"
#include "core/opts.h"
#include "core/progress.h"
#include "core/utf8.h"
#include "io/record.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_LINE (64u << 20)

static const char *default_instruction =
    "If you are an expert in writing papers, please generate a good paper title for this "
    "paper based on other authors' descriptions of their abstracts.";

static void usage(void)
{
    printf("Usage: %s [OPTIONS] [FILE...]\n", gt_progname);
    fputs(
"Turn gentitle records (one JSON object per line, from abstract-clean) into\n"
"alpaca instruction pairs: {\"instruction\":...,\"input\":ABSTRACT,\"output\":TITLE,\n"
"\"id\":...,\"categories\":[...],\"v1_date\":...}, one per line. Duplicates (same id,\n"
"or same title+abstract up to case and punctuation) are dropped, first one wins.\n"
"FILE may be plain or zstd-compressed; with no FILE, or FILE '-', read standard input.\n"
"\n"
"Options:\n"
"      --instruction TEXT  the instruction of every pair (default: the gentitle one)\n"
"      --no-dedupe         keep duplicates\n"
"      --split A:B[:C]     train:val:test weights of the hash split (default 98:1:1\n"
"                          with --out; with --test-since, A:B and default 99:1)\n"
"      --seed N            seed of the hash split (default 0)\n"
"      --test-since DATE   papers with v1_date >= DATE (YYYY-MM-DD) go to test\n"
"      --val-since DATE    papers with v1_date >= DATE (and before --test-since) go to val\n"
"  -o, --out PREFIX        write PREFIX.train.jsonl, PREFIX.val.jsonl, PREFIX.test.jsonl\n"
"                          (links into PREFIX.gen/, which a run replaces as a whole:\n"
"                          the three change together); without it every pair goes to\n"
"                          standard output, with a \"split\" key when a split option is given\n"
"      --stats             counts and table memory on standard error at the end\n"
"      --strict            stop at the first malformed record (exit 65, no files written)\n"
"      --progress          show progress on standard error even when it is not a terminal\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage error, 65 malformed records were skipped, 66 a FILE\n"
"cannot be opened, 73 an output file cannot be created, 74 I/O error.\n"
"See pair-build(1).\n", stdout);
    if (fflush(stdout) != 0) exit(EX_IOERR);
}

static void parse_date_opt(const char *opt, const char *s, char dst[11])
{
    if (!gt_is_date(s, strlen(s)))
        gt_usage_error("invalid date '%s' for %s (expected YYYY-MM-DD)", s, opt);
    memcpy(dst, s, 11);
}

enum { OPT_INSTRUCTION = 256, OPT_NO_DEDUPE, OPT_SPLIT, OPT_SEED, OPT_TEST_SINCE,
       OPT_VAL_SINCE, OPT_STATS };

static const struct option long_opts[] = {
    { "instruction", required_argument, NULL, OPT_INSTRUCTION },
    { "no-dedupe",   no_argument,       NULL, OPT_NO_DEDUPE },
    { "split",       required_argument, NULL, OPT_SPLIT },
    { "seed",        required_argument, NULL, OPT_SEED },
    { "test-since",  required_argument, NULL, OPT_TEST_SINCE },
    { "val-since",   required_argument, NULL, OPT_VAL_SINCE },
    { "out",         required_argument, NULL, 'o' },
    { "stats",       no_argument,       NULL, OPT_STATS },
    { "strict",      no_argument,       NULL, GT_OPT_STRICT },
    { "progress",    no_argument,       NULL, GT_OPT_PROGRESS },
    GT_OPTS_HELP,
    { NULL, 0, NULL, 0 }
};

/* outputs: one stream (stdout) or three files of one generation */
static gt_out outs[3];
static gt_genset *files_set;
static int to_files;

static void abort_files(void)
{
    if (files_set) gt_genset_abort(files_set, outs);
    files_set = NULL;
}

static void write_pair(gt_out *o, const char *instr, size_t instrn, const gt_rec *r,
                       const char *id, size_t idn, const char *title, size_t tn,
                       const char *abs, size_t an, const char *split_key)
{
    gt_out_write(o, "{\"instruction\":", 15);
    gt_out_json_str(o, instr, instrn);
    gt_out_write(o, ",\"input\":", 9);
    gt_out_json_str(o, abs, an);
    gt_out_write(o, ",\"output\":", 10);
    gt_out_json_str(o, title, tn);
    gt_out_write(o, ",\"id\":", 6);
    gt_out_json_str(o, id, idn);
    int c = gt_rec_find(r, "categories");
    if (c >= 0 && r->f[c].kind == GT_V_ARR) {
        gt_out_write(o, ",\"categories\":[", 15);
        for (int i = 0; i < r->f[c].count; i++) {
            size_t n;
            const char *s = gt_rec_item(r, c, i, &n);
            if (i) gt_out_putc(o, ',');
            gt_out_json_str(o, s, n);
        }
        gt_out_putc(o, ']');
    } else if (c >= 0 && r->f[c].kind == GT_V_STR) {
        gt_out_write(o, ",\"categories\":", 14);
        gt_out_json_str(o, gt_rec_at(r, r->f[c].val), r->f[c].val.len);
    }
    size_t dn;
    const char *date = gt_rec_str(r, "v1_date", &dn);
    if (date) {
        gt_out_write(o, ",\"v1_date\":", 11);
        gt_out_json_str(o, date, dn);
    }
    if (split_key) {
        gt_out_write(o, ",\"split\":\"", 10);
        gt_out_str(o, split_key);
        gt_out_putc(o, '"');
    }
    gt_out_write(o, "}\n", 2);
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    const char *instr = default_instruction;
    const char *out_prefix = NULL;
    int dedupe = 1, stats = 0, split_given = 0, nweights = 0;
    gt_opts op;
    gt_opts_init(&op, usage);
    gt_split sp;
    memset(&sp, 0, sizeof sp);

    int ch;
    while ((ch = getopt_long(argc, argv, "ho:", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_INSTRUCTION:
            if (!gt_utf8_valid((const unsigned char *)optarg, strlen(optarg), 0))
                gt_usage_error("--instruction: not valid UTF-8");
            instr = optarg;
            break;
        case OPT_NO_DEDUPE: dedupe = 0; break;
        case OPT_SPLIT:
            nweights = gt_split_parse(optarg, sp.w);
            if (nweights < 0)
                gt_usage_error("invalid value '%s' for --split (expected TRAIN:VAL:TEST or "
                               "TRAIN:VAL, whole numbers up to 1000000, not all 0)", optarg);
            split_given = 1;
            break;
        case OPT_SEED:
            sp.seed = (uint64_t)gt_parse_ll("--seed", optarg, 0, 0x7fffffffffffffffLL);
            break;
        case OPT_TEST_SINCE: parse_date_opt("--test-since", optarg, sp.test_since); break;
        case OPT_VAL_SINCE: parse_date_opt("--val-since", optarg, sp.val_since); break;
        case 'o':
            if (!*optarg) gt_usage_error("--out needs a non-empty PREFIX");
            out_prefix = optarg;
            break;
        case OPT_STATS: stats = 1; break;
        default: if (!gt_opt_common(&op, ch, optarg)) gt_usage_error("unknown option");
        }
    }

    int timed = sp.test_since[0] || sp.val_since[0];
    if (timed) {
        if (sp.val_since[0] && split_given)
            gt_usage_error("--split has no effect with --val-since (the dates decide every split)");
        if (split_given && sp.w[2] != 0)
            gt_usage_error("with --test-since, --split takes TRAIN:VAL weights (the dates decide test)");
        if (split_given && sp.w[0] + sp.w[1] == 0)
            gt_usage_error("--split: the TRAIN:VAL weights are both 0");
        if (!split_given) { sp.w[0] = 99; sp.w[1] = 1; sp.w[2] = 0; }
        if (sp.test_since[0] && sp.val_since[0] && strcmp(sp.val_since, sp.test_since) >= 0)
            gt_usage_error("--val-since (%s) must be before --test-since (%s)",
                           sp.val_since, sp.test_since);
    } else if (!split_given) {
        sp.w[0] = 98; sp.w[1] = 1; sp.w[2] = 1;
    }
    int splitting = split_given || timed || out_prefix;
    int split_key = (split_given || timed) && !out_prefix;
    size_t instrn = strlen(instr);

    /* outputs first, so a bad --out fails before any work */
    if (out_prefix) {
        /* a clearer message than the temporary file's when the folder is missing */
        char *dir = gt_xstrdup(out_prefix);
        const char *d = dirname(dir);
        struct stat dst;
        if (stat(d, &dst) != 0)
            gt_die(EX_CANTCREAT, "%s: cannot create output files: %s", d, strerror(errno));
        if (!S_ISDIR(dst.st_mode))
            gt_die(EX_CANTCREAT, "%s: cannot create output files: Not a directory", d);
        free(dir);
        to_files = 1;
        size_t n = strlen(out_prefix) + 16;
        char *paths[3], *names[3], *gen = gt_xmalloc(n);
        snprintf(gen, n, "%s.gen", out_prefix);
        for (int k = 0; k < 3; k++) {
            paths[k] = gt_xmalloc(n);
            names[k] = gt_xmalloc(n);
            snprintf(paths[k], n, "%s.%s.jsonl", out_prefix, gt_split_name[k]);
            snprintf(names[k], n, "%s.jsonl", gt_split_name[k]);
        }
        files_set = gt_genset_open(gen, 3, (const char *const *)paths, (const char *const *)names, outs);
        for (int k = 0; k < 3; k++) { free(paths[k]); free(names[k]); }
        free(gen);
        if (!files_set) exit(EX_CANTCREAT);
    } else {
        gt_out_init(&outs[0], 1, "<stdout>");
    }

    gt_dedupe dd;
    if (dedupe) gt_dedupe_init(&dd);
    gt_rec rec;
    gt_rec_init(&rec);
    char err[256];
    int fail = 0;
    uint64_t n_in = 0, n_bad = 0, dup_id = 0, dup_text = 0, n_out[3] = { 0, 0, 0 };

    int nfiles = argc - optind;
    const char *stdin_only[] = { "-" };
    const char **files = nfiles ? (const char **)argv + optind : stdin_only;
    if (!nfiles) nfiles = 1;

    uint64_t total = 0, done_bytes = 0;
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    }
    gt_progress prog;
    gt_progress_start(&prog, gt_progress_wanted(op.progress), total);

    for (int fi = 0; fi < nfiles; fi++) {
        gt_reader *rd = gt_reader_open(files[fi], MAX_LINE);
        if (!rd) { fail = EX_NOINPUT; break; }
        const char *name = gt_reader_name(rd);
        const char *line;
        size_t len;
        int st;
        while ((st = gt_reader_next(rd, &line, &len)) != GT_READ_EOF) {
            if (st == GT_READ_ERROR) {
                gt_warn("%s: %s", name, gt_reader_error(rd));
                fail = gt_reader_error_code(rd);
                break;
            }
            n_in++;
            if ((n_in & 1023) == 0)
                gt_progress_update(&prog, done_bytes + gt_reader_bytes_in(rd), n_in);
            const char *why = NULL;
            const char *id = NULL, *title = NULL, *abs = NULL, *date = NULL;
            size_t idn = 0, tn = 0, an = 0, dn = 0;
            if (st == GT_READ_TOOLONG) {
                snprintf(err, sizeof err, "line longer than %u bytes", MAX_LINE);
                why = err;
            } else if (gt_rec_parse(&rec, line, len, err, sizeof err) != 0) {
                why = err;
            } else if (!(id = gt_rec_str(&rec, "id", &idn))) {
                why = "missing or non-string \"id\"";
            } else if (!(title = gt_rec_str(&rec, "title", &tn))) {
                why = "missing or non-string \"title\"";
            } else if (!(abs = gt_rec_str(&rec, "abstract", &an))) {
                why = "missing or non-string \"abstract\"";
            } else if (idn == 0) {
                why = "empty \"id\"";
            } else if (tn == 0) {
                why = "empty \"title\"";
            } else if (an == 0) {
                why = "empty \"abstract\"";
            } else if (timed && (!(date = gt_rec_str(&rec, "v1_date", &dn)) || !gt_is_date(date, dn))) {
                why = date ? "invalid \"v1_date\" (expected YYYY-MM-DD, needed by the time split)"
                           : "missing or non-string \"v1_date\" (needed by the time split)";
            }
            if (why) {
                gt_warnat(name, gt_reader_lineno(rd), "%s", why);
                n_bad++;
                if (op.strict) { fail = EX_DATAERR; break; }
                continue;
            }
            if (dedupe) {
                int d = gt_dedupe_check(&dd, id, idn, title, tn, abs, an);
                if (d == GT_DUP_ID) { dup_id++; continue; }
                if (d == GT_DUP_TEXT) { dup_text++; continue; }
            }
            int s = splitting ? gt_split_assign(&sp, id, idn, date, dn) : GT_SPLIT_TRAIN;
            n_out[s]++;
            write_pair(&outs[to_files ? s : 0], instr, instrn, &rec, id, idn, title, tn, abs, an,
                       split_key ? gt_split_name[s] : NULL);
        }
        done_bytes += gt_reader_bytes_in(rd);
        gt_reader_close(rd);
        if (fail) break;
    }
    if (fail) {
        /* no output file on failure; standard output keeps what was written */
        abort_files();
        if (!to_files) { gt_out_flush(&outs[0]); gt_out_free(&outs[0]); }
        if (dedupe) gt_dedupe_free(&dd);
        gt_rec_free(&rec);
        return fail;
    }
    gt_progress_end(&prog, done_bytes, n_in);

    int rc = 0;
    if (to_files) {
        if (gt_genset_commit(files_set, outs) != 0) rc = EX_IOERR;
        files_set = NULL;
    } else {
        gt_out_flush(&outs[0]);
        gt_out_free(&outs[0]);
    }

    if (stats) {
        uint64_t kept = n_out[0] + n_out[1] + n_out[2];
        gt_warn("records in: %llu", (unsigned long long)n_in);
        if (splitting)
            gt_warn("pairs out: %llu (train %llu, val %llu, test %llu)", (unsigned long long)kept,
                    (unsigned long long)n_out[0], (unsigned long long)n_out[1],
                    (unsigned long long)n_out[2]);
        else
            gt_warn("pairs out: %llu", (unsigned long long)kept);
        gt_warn("duplicates dropped: %llu (by id %llu, by text %llu)",
                (unsigned long long)(dup_id + dup_text), (unsigned long long)dup_id,
                (unsigned long long)dup_text);
        gt_warn("malformed: %llu", (unsigned long long)n_bad);
        if (dedupe)
            gt_warn("dedupe tables: %zu bytes at peak, %.1f bytes per kept record",
                    dd.acct.peak, kept ? (double)dd.acct.peak / (double)kept : 0.0);
        else
            gt_warn("dedupe tables: none (--no-dedupe)");
    }
    if (dedupe) gt_dedupe_free(&dd);
    gt_rec_free(&rec);
    if (rc) return rc;
    if (n_bad) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)n_bad,
                (unsigned long long)n_in);
        return EX_DATAERR;
    }
    return 0;
}
