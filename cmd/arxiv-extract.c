/* arxiv-extract - the arXiv metadata dump (plain or zstd NDJSON) to gentitle records. */
#include "arxiv/arxiv.h"
#include "io/input.h"
#include "io/output.h"
#include "core/opts.h"
#include "core/progress.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: arxiv-extract [OPTIONS] [FILE...]\n"
"Read the arXiv metadata dump (arxiv-metadata-oai-snapshot.json: one JSON object per\n"
"line, plain or zstd-compressed, detected by magic) from FILEs or standard input and\n"
"write one compact gentitle record per line (see gentitle-record(5)).\n"
"\n"
"Options:\n"
"  -f, --fields LIST   comma-separated output fields, in record order; id is always\n"
"                      kept. Default: id,title,abstract,categories,primary_category,\n"
"                      authors,v1_date,update_date,doi,journal_ref. Also available:\n"
"                      submitter,comments,report_no,license\n"
"      --strict        stop at the first malformed line (exit 65)\n"
"  -q, --quiet         do not report each malformed line (the summary still shows)\n"
"      --max-line N    longest accepted line in bytes (default 16777216)\n"
"      --stats         print counts on standard error at the end\n"
"      --progress      show progress on standard error even when it is not a terminal\n"
"  -h, --help          show this help and exit\n"
"      --version       show the version and exit\n"
"\n"
"Malformed lines (invalid JSON or UTF-8, missing or empty id/title/abstract/categories,\n"
"a malformed id or category, a line over --max-line) are reported as FILE:LINE: reason,\n"
"skipped, and make the exit status 65. Exit status: 0 ok, 64 usage, 65 malformed input,\n"
"66 a FILE cannot be opened, 74 I/O error.\n");
}

enum { OPT_STATS = 256 };

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"fields", required_argument, NULL, 'f'},
        GT_OPTS_LINES,
        {"stats", no_argument, NULL, OPT_STATS},
        {NULL, 0, NULL, 0},
    };
    unsigned mask = GT_F_DEFAULT;
    gt_opts op;
    gt_opts_init(&op, usage);
    int stats = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': {
            char bad[64];
            if (gt_arxiv_parse_fields(optarg, &mask, bad, sizeof bad) != 0)
                gt_usage_error("unknown field '%s' in --fields", bad);
            break;
        }
        case OPT_STATS: stats = 1; break;
        default: if (!gt_opt_common(&op, c, optarg)) gt_usage_error("invalid option");
        }
    }

    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    gt_arxiv *a = gt_arxiv_new();
    uint64_t total = 0, bad = 0, written = 0, no_v1 = 0;
    int status = 0;
    gt_lines in;
    gt_lines_open(&in, argv + optind, argc - optind, op.max_line, gt_progress_wanted(op.progress), &out);
    const char *line;
    size_t len;
    int st;
    while ((st = gt_lines_next(&in, &line, &len)) != GT_READ_EOF) {
        total++;
        if (st == GT_READ_TOOLONG) {
            bad++;
            if (!op.quiet || op.strict)
                gt_warnat(gt_lines_name(&in), gt_lines_lineno(&in), "line longer than %zu bytes (see --max-line)", op.max_line);
        } else if (gt_arxiv_parse(a, line, len) != 0) {
            bad++;
            if (!op.quiet || op.strict) gt_warnat(gt_lines_name(&in), gt_lines_lineno(&in), "%s", gt_arxiv_error(a));
        } else {
            gt_arxiv_write(a, &out, mask);
            written++;
            if (!gt_arxiv_has_v1(a)) no_v1++;
            gt_lines_progress(&in, total);
            continue;
        }
        if (op.strict) { status = EX_DATAERR; break; }
    }
    gt_lines_close(&in, total);
    if (!status) status = in.status;
    gt_out_flush(&out);
    gt_out_free(&out);
    gt_arxiv_free(a);
    if (stats)
        gt_warn("%llu records read, %llu written, %llu malformed skipped, %llu without a v1 date",
                (unsigned long long)total, (unsigned long long)written, (unsigned long long)bad,
                (unsigned long long)no_v1);
    if (bad && !op.strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)bad, (unsigned long long)total);
        if (status == 0) status = EX_DATAERR;
    }
    return status;
}
