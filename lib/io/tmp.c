/* tmp.c - see tmp.h. */
#include "io/tmp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL 6   /* the XXXXXX */

/* NAME is BASE (BL bytes) and six of [A-Za-z0-9]: one of mkstemp's names */
static int is_ours(const char *name, const char *base, size_t bl)
{
    if (strlen(name) != bl + TAIL || memcmp(name, base, bl) != 0) return 0;
    for (int i = 0; i < TAIL; i++) {
        char c = name[bl + i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return 0;
    }
    return 1;
}

/* The files of the folder FD (subfolders are left, and so the folder stays). */
static void empty_dir(int fd)
{
    int d2 = dup(fd);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (!d) { if (d2 >= 0) close(d2); return; }
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) unlinkat(fd, e->d_name, 0);
    closedir(d);
}

/* Remove NAME in the folder DFD if nobody holds it: 1 removed. */
static int remove_stale(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return 0;
    struct stat st, now;
    int ok = fstat(fd, &st) == 0 && st.st_uid == geteuid() && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
             flock(fd, LOCK_EX | LOCK_NB) == 0;
    /* still the file we locked under that name (not renamed away meanwhile) */
    ok = ok && fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == st.st_dev &&
         now.st_ino == st.st_ino;
    if (ok && S_ISDIR(st.st_mode)) {
        empty_dir(fd);
        ok = unlinkat(dfd, name, AT_REMOVEDIR) == 0;
    } else if (ok) {
        ok = unlinkat(dfd, name, 0) == 0;
    }
    close(fd);
    return ok;
}

int gt_tmp_sweep(const char *templ)
{
    size_t n = strlen(templ);
    if (n < TAIL || strcmp(templ + n - TAIL, "XXXXXX") != 0) return 0;
    const char *slash = strrchr(templ, '/'), *base = slash ? slash + 1 : templ;
    char dir[4096];
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == templ) snprintf(dir, sizeof dir, "/");
    else if (snprintf(dir, sizeof dir, "%.*s", (int)(slash - templ), templ) >= (int)sizeof dir) return 0;
    int saved = errno, removed = 0;
    DIR *d = opendir(dir);
    if (d) {
        size_t bl = strlen(base) - TAIL;
        struct dirent *e;
        while ((e = readdir(d)))
            if (is_ours(e->d_name, base, bl)) removed += remove_stale(dirfd(d), e->d_name);
        closedir(d);
    }
    errno = saved;
    return removed;
}

/* Lock the new temporary FD at PATH: 0 held; 1 a sweep removed it before we
 * locked it (make another); -1 error. */
static int lock_new(int fd, const char *path)
{
    if (flock(fd, LOCK_EX) != 0) return -1;
    struct stat a, b;
    if (fstat(fd, &a) != 0) return -1;
    if (lstat(path, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) return 1;
    return 0;
}

/* Make a temporary from TEMPL with MAKE, locked. */
static int make_locked(char *templ, int is_dir)
{
    size_t n = strlen(templ);
    if (n < TAIL || strcmp(templ + n - TAIL, "XXXXXX") != 0) { errno = EINVAL; return -1; }
    gt_tmp_sweep(templ);
    for (int tries = 0; tries < 100; tries++) {
        memcpy(templ + n - TAIL, "XXXXXX", TAIL);
        int fd;
        if (is_dir) {
            if (!mkdtemp(templ)) return -1;
            fd = open(templ, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0 && errno == ENOENT) continue;    /* another process's sweep came first */
            if (fd < 0) { int e = errno; rmdir(templ); errno = e; return -1; }
        } else {
            fd = mkostemp(templ, O_CLOEXEC);
            if (fd < 0) return -1;
        }
        int r = lock_new(fd, templ);
        if (r == 0) return fd;
        int e = errno;
        close(fd);
        if (r < 0) {
            if (is_dir) rmdir(templ); else unlink(templ);
            errno = e;
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

int gt_tmp_file(char *templ) { return make_locked(templ, 0); }
int gt_tmp_dir(char *templ) { return make_locked(templ, 1); }
