/* opts.h - the options the line tools share, parsed in one place: --strict,
 * -q/--quiet, --max-line N, --progress, -h/--help and --version. A tool puts
 * GT_OPTS_LINES (all six) or the entries it takes in its getopt_long table,
 * and passes what getopt_long returns to gt_opt_common before its own error. */
#ifndef GT_OPTS_H
#define GT_OPTS_H

#include <getopt.h>
#include <stddef.h>

/* Above any tool's own option codes (which start at 256). */
enum { GT_OPT_STRICT = 0x1000, GT_OPT_MAX_LINE, GT_OPT_PROGRESS, GT_OPT_VERSION };

#define GT_OPTS_HELP {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, GT_OPT_VERSION}
#define GT_OPTS_LINES                                                                                   \
    {"strict", no_argument, NULL, GT_OPT_STRICT}, {"quiet", no_argument, NULL, 'q'},                 \
    {"max-line", required_argument, NULL, GT_OPT_MAX_LINE}, {"progress", no_argument, NULL, GT_OPT_PROGRESS}, \
    GT_OPTS_HELP

typedef struct {
    int strict, quiet, progress;
    size_t max_line;                        /* 16 MiB unless --max-line */
    long long max_line_min, max_line_max;   /* --max-line's range: 64 to 2 GiB unless set */
    void (*usage)(void);                    /* prints --help on standard output */
} gt_opts;

void gt_opts_init(gt_opts *o, void (*usage)(void));
/* Take option C (ARG its value) when it is one of the shared ones: 1, else 0.
 * -h prints the usage and exits 0; --version prints the version and exits 0;
 * a bad --max-line exits 64. */
int gt_opt_common(gt_opts *o, int c, const char *arg);

#endif
