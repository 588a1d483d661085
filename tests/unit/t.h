/* t.h - minimal unit-test harness: each CHECK prints "PASS name" or "FAIL name". */
#ifndef T_H
#define T_H
#include <stdio.h>
#include <string.h>

static int t_failed;

#define CHECK(cond, name) do { \
    if (cond) printf("PASS %s\n", name); \
    else { printf("FAIL %s (%s:%d: %s)\n", name, __FILE__, __LINE__, #cond); t_failed++; } \
} while (0)

#define CHECK_STR(got, exp, name) do { \
    const char *g_ = (got), *e_ = (exp); \
    if (g_ && e_ && strcmp(g_, e_) == 0) printf("PASS %s\n", name); \
    else { printf("FAIL %s (%s:%d: got \"%s\", expected \"%s\")\n", name, __FILE__, __LINE__, \
                  g_ ? g_ : "(null)", e_ ? e_ : "(null)"); t_failed++; } \
} while (0)

#define T_END() return t_failed ? 1 : 0
#endif
