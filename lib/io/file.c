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

static const char *kind_of(mode_t m)
{
    return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : "not a file";
}

int gt_open_regular(const char *path, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        gt_fail(err, errsz, "cannot open: %s", strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        gt_fail(err, errsz, "cannot stat: %s", strerror(e));
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        int dir = S_ISDIR(st.st_mode);
        close(fd);
        if (dir) gt_fail(err, errsz, "is a directory");
        else gt_fail(err, errsz, "not a regular file (%s)", kind_of(st.st_mode));
        errno = dir ? EISDIR : EINVAL;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

static char *read_fd(int fd, size_t max, size_t *len, char *err, size_t errsz);

char *gt_read_regular(const char *path, size_t max, size_t *len, char *err, size_t errsz)
{
    int fd = gt_open_regular(path, err, errsz);
    return fd < 0 ? NULL : read_fd(fd, max, len, err, errsz);
}

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
    return read_fd(fd, max, len, err, errsz);
}

/* The bytes of the open file FD (closed here): see gt_read_file. */
static char *read_fd(int fd, size_t max, size_t *len, char *err, size_t errsz)
{
    struct stat st;
    if (fstat(fd, &st) != 0) st.st_mode = 0;
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
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return EX_NOINPUT;
    struct stat st;
    int usable = fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
    close(fd);
    return usable ? EX_DATAERR : EX_NOINPUT;
}
