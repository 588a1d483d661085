/* opts.c - see opts.h. */
#include <stdlib.h>

#include "core/opts.h"
#include "core/util.h"

void gt_opts_init(gt_opts *o, void (*usage)(void))
{
    *o = (gt_opts){ .max_line = (size_t)1 << 24, .max_line_min = 64, .max_line_max = 1LL << 31, .usage = usage };
}

int gt_opt_common(gt_opts *o, int c, const char *arg)
{
    switch (c) {
    case GT_OPT_STRICT: o->strict = 1; return 1;
    case 'q': o->quiet = 1; return 1;
    case GT_OPT_MAX_LINE: o->max_line = (size_t)gt_parse_ll("--max-line", arg, o->max_line_min, o->max_line_max); return 1;
    case GT_OPT_PROGRESS: o->progress = 1; return 1;
    case 'h': o->usage(); exit(0);
    case GT_OPT_VERSION: gt_print_version();
    default: return 0;
    }
}
