/* util.h - diagnostics, exit codes, allocation, signals: shared by every tool. */
#ifndef GT_UTIL_H
#define GT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sysexits.h>

#define GT_VERSION "0.1.0"

extern const char *gt_progname;

/* Set the program name used in messages and restore default SIGPIPE so a
 * closed pipe ends the process silently, like cat or zstd. */
void gt_init(const char *argv0);

/* "prog: message" */
void gt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: FILE:LINE: message" (GNU style); line <= 0 omits the line. */
void gt_warnat(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
noreturn void gt_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* How gt_die and gt_usage_error end the process: FN(CODE) instead of
 * exit(CODE) (exit when FN returns); NULL: exit. One process of several
 * (train/dist.h) ends them all this way. */
void gt_set_exit_hook(void (*fn)(int code));
/* PREFIX (NULL: none) after "prog: " in every message of gt_warn, gt_warnat,
 * gt_die and gt_usage_error, e.g. "rank 1" for "prog: rank 1: FILE: ...". */
void gt_set_msg_prefix(const char *prefix);
/* Usage error: message, then "Try 'prog --help'." and exit 64. */
noreturn void gt_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "prog (gentitle) VERSION" and exit 0. */
noreturn void gt_print_version(void);

/* Run FN on SIGINT and SIGTERM (and SIGHUP when WITH_HUP), through sigaction
 * without SA_RESTART. */
void gt_catch_signals(void (*fn)(int), int with_hup);

void *gt_xmalloc(size_t n);
void *gt_xcalloc(size_t n, size_t size);
void *gt_xrealloc(void *p, size_t n);
char *gt_xstrdup(const char *s);

/* Progress on stderr: on when stderr is a terminal or forced (--progress). */
int gt_progress_wanted(int forced);
double gt_now(void); /* monotonic seconds */

/* Parse a size/number option; exits 64 on a bad value. */
long long gt_parse_ll(const char *opt, const char *s, long long min, long long max);
/* Parse a real-number option: in [MIN, MAX], or (MIN, MAX] when MIN_OPEN;
 * exits 64 on a bad value ("OPT: 'S' is not a number in [MIN, MAX]"). */
double gt_parse_double(const char *opt, const char *s, double min, double max, int min_open);

/* Format a message into ERR (ERRSZ bytes) and return -1: the one way library
 * functions report an error to their caller ("return gt_fail(err, errsz, ...)"). */
int gt_fail(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Dates: "YYYY-MM-DD" check (1 if valid). */
int gt_is_date(const char *s, size_t n);

/* 64-bit hash of bytes with a seed (our own mix; stable across platforms). */
uint64_t gt_hash64(const void *p, size_t n, uint64_t seed);

#endif
