/* fuzz.h - what the harnesses share: an input as a NUL-terminated string or
 * as a file, for parsers that take one. How to build and run them:
 * tests/fuzz/README.md. */
#ifndef GT_FUZZ_H
#define GT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* DATA as a fresh exact-size (SIZE + 1) heap string, for the caller to free. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* DATA as the whole content of a file (an anonymous memfd, one per SLOT
 * (0 or 1), rewritten for each input); returns its path. */
static inline const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fd[2] = { -1, -1 };
    static char path[2][64];
    if (fd[slot] < 0) {
        fd[slot] = memfd_create(slot ? "fuzz1" : "fuzz0", 0);
        if (fd[slot] < 0) { perror("memfd_create"); abort(); }
        snprintf(path[slot], sizeof path[slot], "/proc/self/fd/%d", fd[slot]);
    }
    if (ftruncate(fd[slot], 0) != 0) abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = pwrite(fd[slot], data + off, size - off, (off_t)off);
        if (w <= 0) abort();
        off += (size_t)w;
    }
    return path[slot];
}

#endif
