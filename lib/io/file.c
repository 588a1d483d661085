/* file.c - see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "core/util.h"
#include "io/file.h"

char *gt_read_file(const char *path, size_t max, size_t *len, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        gt_fail(err, errsz, "cannot open: %s", strerror(e));
        errno = e;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        gt_fail(err, errsz, "is a directory");
        errno = EISDIR;
        return NULL;
    }
    size_t cap = S_ISREG(st.st_mode) && st.st_size > 0 ? (size_t)st.st_size + 1 : 4096, n = 0;
    if (max && cap > max + 1) cap = max + 1;
    char *buf = gt_xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (max && n > max) break;
            cap *= 2;
            buf = gt_xrealloc(buf, cap);
        }
        ssize_t k = read(fd, buf + n, cap - n - 1);
        if (k < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            free(buf);
            gt_fail(err, errsz, "read error: %s", strerror(e));
            errno = e;
            return NULL;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    close(fd);
    if (max && n > max) {
        free(buf);
        gt_fail(err, errsz, "larger than %zu bytes", max);
        errno = EFBIG;
        return NULL;
    }
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

int gt_file_status(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return EX_NOINPUT;
    close(fd);
    return EX_DATAERR;
}
