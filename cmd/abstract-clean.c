/* abstract-clean - clean the title and abstract of gentitle records, drop the unusable ones. */
#include "text/clean.h"
#include "io/input.h"
#include "io/output.h"
#include "core/opts.h"
#include "core/progress.h"
#include "io/record.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: abstract-clean [OPTIONS] [FILE...]\n"
"Read gentitle records (one JSON object per line, plain or zstd-compressed) from FILEs\n"
"or standard input, write them with \"title\" and \"abstract\" cleaned: whitespace runs\n"
"collapsed to one space and trimmed, LaTeX handled by --latex, a title's single trailing\n"
"period removed. Records that fail the quality rules are dropped: empty title or\n"
"abstract, withdrawn papers, abstracts or titles too short or too long.\n"
"\n"
"Options:\n"
"  -l, --latex MODE        keep (default): leave math and TeX as written;\n"
"                          strip: delete math spans, TeX accents to letters;\n"
"                          text: math delimiters removed, accents and common\n"
"                          commands (\\alpha, \\leq, \\mathcal{X}, ...) to Unicode text\n"
"      --min-words N       drop abstracts with fewer than N words (default %d)\n"
"      --max-words N       drop abstracts with more than N words (default %d; 0: no limit)\n"
"      --title-min-words N drop titles with fewer than N words (default %d)\n"
"      --title-max-words N drop titles with more than N words (default %d; 0: no limit)\n"
"      --stats             print a table of counts on standard error at the end\n"
"      --strict            stop at the first malformed line (exit 65)\n"
"  -q, --quiet             do not report each malformed line (the summary still shows)\n"
"      --max-line N        longest accepted line in bytes (default 16777216)\n"
"      --progress          show progress on standard error even when it is not a terminal\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Malformed lines (invalid JSON, title or abstract missing or not a string, a line over\n"
"--max-line) are reported as FILE:LINE: reason, skipped, and make the exit status 65.\n"
"Exit status: 0 ok, 64 usage, 65 malformed input, 66 a FILE cannot be opened, 74 I/O\n"
"error. See abstract-clean(1) for every cleaning rule.\n",
        GT_CLEAN_MIN_WORDS, GT_CLEAN_MAX_WORDS, GT_CLEAN_TITLE_MIN_WORDS, GT_CLEAN_TITLE_MAX_WORDS);
}

enum { OPT_MINW = 256, OPT_MAXW, OPT_TMINW, OPT_TMAXW, OPT_STATS };

typedef unsigned long long ull;

static void print_stats(ull in, ull out, ull bad, const ull *drop, ull tchg, ull achg, gt_latex_mode m)
{
    ull dropped = 0;
    for (int i = 1; i < GT_DROP_NREASONS; i++) dropped += drop[i];
    fprintf(stderr, "%s: statistics (--latex %s)\n", gt_progname, gt_latex_mode_name(m));
    fprintf(stderr, "  %-24s %12llu\n", "records in", in);
    fprintf(stderr, "  %-24s %12llu\n", "records out", out);
    fprintf(stderr, "  %-24s %12llu\n", "dropped", dropped);
    for (int i = 1; i < GT_DROP_NREASONS; i++)
        fprintf(stderr, "    %-22s %12llu\n", gt_clean_reason_name(i), drop[i]);
    fprintf(stderr, "  %-24s %12llu\n", "malformed", bad);
    fprintf(stderr, "  %-24s %12llu\n", "titles changed", tchg);
    fprintf(stderr, "  %-24s %12llu\n", "abstracts changed", achg);
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"latex", required_argument, NULL, 'l'},
        {"min-words", required_argument, NULL, OPT_MINW},
        {"max-words", required_argument, NULL, OPT_MAXW},
        {"title-min-words", required_argument, NULL, OPT_TMINW},
        {"title-max-words", required_argument, NULL, OPT_TMAXW},
        {"stats", no_argument, NULL, OPT_STATS},
        GT_OPTS_LINES,
        {NULL, 0, NULL, 0},
    };
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    gt_opts op;
    gt_opts_init(&op, usage);
    int stats = 0;
    int c;
    while ((c = getopt_long(argc, argv, "l:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': {
            int m = gt_latex_mode_parse(optarg);
            if (m < 0) gt_usage_error("invalid --latex mode '%s' (keep, strip or text)", optarg);
            co.latex = (gt_latex_mode)m;
            break;
        }
        case OPT_MINW: co.min_words = (long)gt_parse_ll("--min-words", optarg, 0, 1000000); break;
        case OPT_MAXW: co.max_words = (long)gt_parse_ll("--max-words", optarg, 0, 1000000); break;
        case OPT_TMINW: co.title_min_words = (long)gt_parse_ll("--title-min-words", optarg, 0, 1000000); break;
        case OPT_TMAXW: co.title_max_words = (long)gt_parse_ll("--title-max-words", optarg, 0, 1000000); break;
        case OPT_STATS: stats = 1; break;
        default: if (!gt_opt_common(&op, c, optarg)) gt_usage_error("invalid option");
        }
    }
    if (co.max_words > 0 && co.min_words > co.max_words)
        gt_usage_error("--min-words %ld is above --max-words %ld", co.min_words, co.max_words);
    if (co.title_max_words > 0 && co.title_min_words > co.title_max_words)
        gt_usage_error("--title-min-words %ld is above --title-max-words %ld", co.title_min_words,
                       co.title_max_words);

    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    gt_cleaner *cl = gt_cleaner_new(&co);
    gt_rec rec;
    gt_rec_init(&rec);
    ull total = 0, bad = 0, written = 0, tchg = 0, achg = 0, drop[GT_DROP_NREASONS] = {0};
    char err[200];
    int status = 0;
    gt_lines in;
    gt_lines_open(&in, argv + optind, argc - optind, op.max_line, gt_progress_wanted(op.progress), &out);
    const char *line;
    size_t len;
    int st;
    while ((st = gt_lines_next(&in, &line, &len)) != GT_READ_EOF) {
        total++;
        int res = GT_CLEAN_MALFORMED;
        unsigned changed = 0;
        if (st == GT_READ_TOOLONG)
            snprintf(err, sizeof err, "line longer than %zu bytes (see --max-line)", op.max_line);
        else if (gt_rec_parse(&rec, line, len, err, sizeof err) == 0)
            res = gt_clean_record(cl, &rec, &changed, err, sizeof err);
        if (res == GT_CLEAN_MALFORMED) {
            bad++;
            if (!op.quiet || op.strict) {
                gt_out_flush(&out);
                gt_warnat(gt_lines_name(&in), gt_lines_lineno(&in), "%s", err);
            }
            if (op.strict) { status = EX_DATAERR; break; }
            continue;
        }
        if (changed & 1) tchg++;
        if (changed & 2) achg++;
        if (res != GT_CLEAN_KEEP) {
            drop[res]++;
        } else {
            written++;
            if (changed) gt_rec_write(&out, &rec);
            else { gt_out_write(&out, line, len); gt_out_putc(&out, '\n'); }
        }
        gt_lines_progress(&in, total);
    }
    gt_lines_close(&in, total);
    if (!status) status = in.status;
    gt_out_flush(&out);
    gt_out_free(&out);
    gt_rec_free(&rec);
    gt_cleaner_free(cl);
    if (stats) print_stats(total, written, bad, drop, tchg, achg, co.latex);
    if (bad && !op.strict) {
        gt_warn("%llu of %llu records skipped (malformed)", bad, total);
        if (status == 0) status = EX_DATAERR;
    }
    return status;
}
