/* util.c - diagnostics, exit codes, allocation, signals. */
#include "core/util.h"
#include "core/rand.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *gt_progname = "gentitle";
static void (*exit_hook)(int);
static char msg_prefix[64];

void gt_set_exit_hook(void (*fn)(int code))
{
    exit_hook = fn;
}

void gt_set_msg_prefix(const char *prefix)
{
    snprintf(msg_prefix, sizeof msg_prefix, "%s", prefix ? prefix : "");
}

static noreturn void end_process(int code)
{
    if (exit_hook) exit_hook(code);
    exit(code);
}

void gt_init(const char *argv0)
{
    if (argv0 && *argv0) {
        const char *s = strrchr(argv0, '/');
        gt_progname = s ? s + 1 : argv0;
    }
    signal(SIGPIPE, SIG_DFL);
}

static void vwarn(const char *file, long line, const char *fmt, va_list ap)
{
    char buf[4096];
    int n = 0;
    n += snprintf(buf, sizeof buf, "%s: ", gt_progname);
    if (msg_prefix[0]) n += snprintf(buf + n, sizeof buf - (size_t)n, "%s: ", msg_prefix);
    if (file) {
        if (line > 0)
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s:%ld: ", file, line);
        else
            n += snprintf(buf + n, sizeof buf - (size_t)n, "%s: ", file);
    }
    if (n < (int)sizeof buf)
        vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    size_t len = strlen(buf);
    if (len + 1 < sizeof buf) { buf[len++] = '\n'; }
    else buf[len - 1] = '\n';
    /* one write so lines from parallel processes do not interleave */
    ssize_t w = write(2, buf, len);
    (void)w;
}

void gt_warn(const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vwarn(NULL, 0, fmt, ap); va_end(ap);
}

void gt_warnat(const char *file, long line, const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vwarn(file, line, fmt, ap); va_end(ap);
}

noreturn void gt_die(int code, const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vwarn(NULL, 0, fmt, ap); va_end(ap);
    end_process(code);
}

noreturn void gt_usage_error(const char *fmt, ...)
{
    va_list ap; va_start(ap, fmt); vwarn(NULL, 0, fmt, ap); va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", gt_progname);
    end_process(EX_USAGE);
}

noreturn void gt_print_version(void)
{
    printf("%s (gentitle) %s\n", gt_progname, GT_VERSION);
    if (fflush(stdout) != 0) exit(EX_IOERR);
    exit(0);
}

void gt_catch_signals(void (*fn)(int), int with_hup)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (with_hup) sigaction(SIGHUP, &sa, NULL);
}

void *gt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) gt_die(EX_OSERR, "out of memory (%zu bytes)", n);
    return p;
}

void *gt_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) gt_die(EX_OSERR, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *gt_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) gt_die(EX_OSERR, "out of memory (%zu bytes)", n);
    return q;
}

char *gt_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = gt_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

int gt_progress_wanted(int forced)
{
    return forced || isatty(2);
}

double gt_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

long long gt_parse_ll(const char *opt, const char *s, long long min, long long max)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        gt_usage_error("invalid value '%s' for %s (expected an integer from %lld to %lld)",
                       s, opt, min, max);
    return v;
}

double gt_parse_double(const char *opt, const char *s, double min, double max, int min_open)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(min_open ? v > min : v >= min) || !(v <= max))
        gt_usage_error("%s: '%s' is not a number in %c%g, %g]", opt, s, min_open ? '(' : '[', min, max);
    return v;
}

int gt_fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

int gt_is_date(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static inline uint64_t rd64(const unsigned char *p)
{
    uint64_t v; memcpy(&v, p, 8); return v;
}


uint64_t gt_hash64(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = gt_mix64(seed ^ GT_GOLDEN64 ^ (uint64_t)n);
    while (n >= 8) {
        h = gt_mix64(h ^ rd64(p)) + GT_GOLDEN64;
        p += 8; n -= 8;
    }
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) t |= (uint64_t)p[i] << (8 * i);
    return gt_mix64(h ^ t ^ ((uint64_t)n << 56));
}
