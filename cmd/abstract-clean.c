/* abstract-clean - clean titles and abstracts of gentitle records; drop unusable ones. */
#include "clean.h"
#include "input.h"
#include "output.h"
#include "progress.h"
#include "record.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: abstract-clean [OPTIONS] [FILE...]\n"
"Clean the title and abstract of gentitle records (FILEs or standard input) and drop\n"
"records unfit for training; write the others to standard output.\n"
"\n"
"  Whitespace runs (hard wraps, indentation, Unicode spaces) become one space; text is\n"
"  trimmed; a title's final period is removed (not after abbreviations such as 'et al.').\n"
"\n"
"Options:\n"
"      --latex MODE          keep (default): TeX left as written; strip: math ($...$,\n"
"                            $$...$$, \\(...\\), \\[...\\]) removed, accents to Unicode;\n"
"                            text: accents and math commands to Unicode text\n"
"      --min-words N         drop abstracts under N words (default 20; 0: no bound)\n"
"      --max-words N         drop abstracts over N words (default 600; 0: no bound)\n"
"      --title-min-words N   drop titles under N words (default 2)\n"
"      --title-max-words N   drop titles over N words (default 40)\n"
"      --keep-withdrawn      keep papers whose abstract says they were withdrawn\n"
"      --keep-period         keep a title's final period\n"
"      --stats               print what was dropped and why on standard error\n"
"      --strict              stop at the first malformed line (exit 65)\n"
"  -q, --quiet               do not report each malformed line\n"
"      --progress            show progress on standard error\n"
"  -h, --help                show this help and exit\n"
"      --version             show the version and exit\n"
"\n"
"Exit status: 0 ok (dropping records is not an error), 64 usage, 65 malformed input\n"
"lines were skipped, 66 a FILE cannot be opened, 74 I/O error.\n");
}

enum { OPT_LATEX = 256, OPT_MINW, OPT_MAXW, OPT_TMINW, OPT_TMAXW, OPT_KEEPW, OPT_KEEPP, OPT_STATS,
       OPT_STRICT, OPT_PROGRESS, OPT_VERSION };

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"latex", required_argument, NULL, OPT_LATEX},
        {"min-words", required_argument, NULL, OPT_MINW},
        {"max-words", required_argument, NULL, OPT_MAXW},
        {"title-min-words", required_argument, NULL, OPT_TMINW},
        {"title-max-words", required_argument, NULL, OPT_TMAXW},
        {"keep-withdrawn", no_argument, NULL, OPT_KEEPW},
        {"keep-period", no_argument, NULL, OPT_KEEPP},
        {"stats", no_argument, NULL, OPT_STATS},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    int stats = 0, strict = 0, quiet = 0, progress = 0, c;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_LATEX:
            if (strcmp(optarg, "keep") == 0) co.latex = GT_LATEX_KEEP;
            else if (strcmp(optarg, "strip") == 0) co.latex = GT_LATEX_STRIP;
            else if (strcmp(optarg, "text") == 0) co.latex = GT_LATEX_TEXT;
            else gt_usage_error("invalid value '%s' for --latex (expected keep, strip or text)", optarg);
            break;
        case OPT_MINW: co.min_words = (int)gt_parse_ll("--min-words", optarg, 0, 1000000); break;
        case OPT_MAXW: co.max_words = (int)gt_parse_ll("--max-words", optarg, 0, 1000000); break;
        case OPT_TMINW: co.title_min_words = (int)gt_parse_ll("--title-min-words", optarg, 0, 1000000); break;
        case OPT_TMAXW: co.title_max_words = (int)gt_parse_ll("--title-max-words", optarg, 0, 1000000); break;
        case OPT_KEEPW: co.keep_withdrawn = 1; break;
        case OPT_KEEPP: co.keep_period = 1; break;
        case OPT_STATS: stats = 1; break;
        case OPT_STRICT: strict = 1; break;
        case 'q': quiet = 1; break;
        case OPT_PROGRESS: progress = 1; break;
        case 'h': usage(); return 0;
        case OPT_VERSION: gt_print_version();
        default: gt_usage_error("invalid option");
        }
    }
    if (co.max_words && co.min_words > co.max_words)
        gt_usage_error("--min-words %d is over --max-words %d", co.min_words, co.max_words);
    if (co.title_max_words && co.title_min_words > co.title_max_words)
        gt_usage_error("--title-min-words %d is over --title-max-words %d", co.title_min_words, co.title_max_words);

    gt_cleaner *cl = gt_cleaner_new(&co);
    gt_rec rec;
    gt_rec_init(&rec);
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    gt_progress prog;
    uint64_t total = 0, bad = 0, kept = 0, dropped[GT_DROP_NREASONS] = {0};
    uint64_t t_changed = 0, a_changed = 0, bytes_done = 0;
    int status = 0, nfiles = argc - optind;
    char err[256];
    for (int fi = 0; fi < (nfiles ? nfiles : 1) && status == 0; fi++) {
        gt_reader *r = gt_reader_open(nfiles ? argv[optind + fi] : "-", (size_t)1 << 24);
        if (!r) { status = EX_NOINPUT; break; }
        gt_progress_start(&prog, gt_progress_wanted(progress), gt_reader_size(r));
        const char *line;
        size_t len;
        int st;
        while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
            if (st == GT_READ_ERROR) {
                gt_out_flush(&out);
                gt_warnat(gt_reader_name(r), 0, "%s", gt_reader_error(r));
                status = gt_reader_error_code(r);
                break;
            }
            total++;
            const char *why = NULL;
            const char *title = NULL, *abs = NULL;
            size_t tn = 0, an = 0;
            if (st == GT_READ_TOOLONG) why = "line longer than 16777216 bytes";
            else if (gt_rec_parse(&rec, line, len, err, sizeof err) != 0) why = err;
            else if (!(title = gt_rec_str(&rec, "title", &tn)))
                why = gt_rec_find(&rec, "title") < 0 ? "missing \"title\"" : "\"title\" is not a string";
            else if (!(abs = gt_rec_str(&rec, "abstract", &an)))
                why = gt_rec_find(&rec, "abstract") < 0 ? "missing \"abstract\"" : "\"abstract\" is not a string";
            if (why) {
                bad++;
                if (!quiet || strict) gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", why);
                if (strict) { status = EX_DATAERR; break; }
                continue;
            }
            const char *t2, *a2;
            size_t t2n, a2n;
            int verdict = gt_clean_pair(cl, title, tn, abs, an, &t2, &t2n, &a2, &a2n);
            if (verdict != GT_KEEP) { dropped[verdict]++; continue; }
            if (t2n != tn || memcmp(t2, title, tn)) t_changed++;
            if (a2n != an || memcmp(a2, abs, an)) a_changed++;
            gt_rec_set_str(&rec, "title", t2, t2n);
            gt_rec_set_str(&rec, "abstract", a2, a2n);
            gt_rec_write(&out, &rec);
            kept++;
            gt_progress_update(&prog, bytes_done + gt_reader_bytes_in(r), total);
        }
        bytes_done += gt_reader_bytes_in(r);
        gt_progress_end(&prog, bytes_done, total);
        gt_reader_close(r);
    }
    gt_out_flush(&out);
    gt_out_free(&out);
    gt_rec_free(&rec);
    gt_cleaner_free(cl);
    if (stats) {
        gt_warn("%llu records in, %llu out, %llu dropped, %llu malformed", (unsigned long long)total,
                (unsigned long long)kept, (unsigned long long)(total - kept - bad), (unsigned long long)bad);
        for (int i = 1; i < GT_DROP_NREASONS; i++)
            gt_warn("  dropped, %s: %llu", gt_clean_reason(i), (unsigned long long)dropped[i]);
        gt_warn("  changed: %llu titles, %llu abstracts", (unsigned long long)t_changed, (unsigned long long)a_changed);
    }
    if (bad && !strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)bad, (unsigned long long)total);
        if (status == 0) status = EX_DATAERR;
    }
    return status;
}
