/* genset.c - see genset.h. */
#include "io/genset.h"
#include "core/util.h"
#include "io/fswap.h"
#include "io/tmp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct gt_genset {
    char gen[4096], tmp[4110];
    int n;
    char *paths[GT_GENSET_MAX], *names[GT_GENSET_MAX];
};

/* The folder part of PATH ("." when none), in OUT. */
static void dir_of(const char *path, char *out, size_t n)
{
    const char *s = strrchr(path, '/');
    if (!s) snprintf(out, n, ".");
    else if (s == path) snprintf(out, n, "/");
    else snprintf(out, n, "%.*s", (int)(s - path), path);
}

static const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* What the link at LINK holds to reach NAME in the folder GEN: relative when
 * the two sit in one folder (the pair moves as a whole), else absolute. */
static int link_target(const char *link, const char *gen, const char *name, char *out, size_t n)
{
    char ld[4096], gd[4096], real[PATH_MAX];
    dir_of(link, ld, sizeof ld);
    dir_of(gen, gd, sizeof gd);
    if (strcmp(ld, gd) == 0) return snprintf(out, n, "%s/%s", base_of(gen), name) < (int)n ? 0 : -1;
    if (!realpath(gd, real)) return -1;
    return snprintf(out, n, "%s/%s/%s", strcmp(real, "/") == 0 ? "" : real, base_of(gen), name) < (int)n ? 0 : -1;
}

/* The name of the I-th link while it waits in the new folder. */
static void link_name(char *out, size_t n, int i) { snprintf(out, n, ".link%d", i); }

static void free_set(gt_genset *g)
{
    for (int i = 0; i < g->n; i++) { free(g->paths[i]); free(g->names[i]); }
    free(g);
}

gt_genset *gt_genset_open(const char *gen, int n, const char *const *paths, const char *const *names,
                          gt_out *outs)
{
    if (n > GT_GENSET_MAX) gt_die(EX_SOFTWARE, "too many files in one generation");
    gt_genset *g = gt_xcalloc(1, sizeof *g);
    if (snprintf(g->gen, sizeof g->gen, "%s", gen) >= (int)sizeof g->gen) {
        gt_warn("%s: path too long", gen);
        free(g);
        return NULL;
    }
    snprintf(g->tmp, sizeof g->tmp, "%s.tmp.XXXXXX", gen);
    int lock = gt_tmp_dir(g->tmp);  /* stale ones of killed runs removed first */
    if (lock < 0) {
        gt_warn("%s: cannot create: %s", g->tmp, strerror(errno));
        free(g);
        return NULL;
    }
    fchmod(lock, 0755);
    g->n = n;
    const char *held[2 * GT_GENSET_MAX];
    char lnk[GT_GENSET_MAX][24];
    for (int i = 0; i < n; i++) {
        g->paths[i] = gt_xstrdup(paths[i]);
        g->names[i] = gt_xstrdup(names[i]);
        link_name(lnk[i], sizeof lnk[i], i);
        held[i] = names[i];
        held[n + i] = lnk[i];
    }
    gt_folder_hold(g->tmp, lock, held, 2 * n);
    for (int i = 0; i < n; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", g->tmp, names[i]);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            gt_warn("%s: cannot create: %s", p, strerror(errno));
            for (int k = 0; k < i; k++) { close(outs[k].fd); gt_out_free(&outs[k]); }
            gt_folder_release(1);
            free_set(g);
            return NULL;
        }
        gt_out_init(&outs[i], fd, g->paths[i]);
    }
    return g;
}

/* Flush, sync and close OUTS: 0 ok, -1 error printed. */
static int finish_files(gt_genset *g, gt_out *outs)
{
    int rc = 0;
    for (int i = 0; i < g->n; i++) {
        gt_out_flush(&outs[i]);
        if (rc == 0 && fsync(outs[i].fd) != 0 && errno != EINVAL) {
            gt_warn("%s: fsync: %s", g->paths[i], strerror(errno));
            rc = -1;
        }
        if (close(outs[i].fd) != 0 && rc == 0) {
            gt_warn("%s: close: %s", g->paths[i], strerror(errno));
            rc = -1;
        }
        gt_out_free(&outs[i]);
    }
    return rc;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) { fsync(fd); close(fd); }
}

/* 1 when PATH is already the link TARGET */
static int link_is(const char *path, const char *target)
{
    char buf[4200];
    ssize_t k = readlink(path, buf, sizeof buf - 1);
    if (k < 0) return 0;
    buf[k] = 0;
    return strcmp(buf, target) == 0;
}

/* In the new folder, a link for each path that is not yet the right one:
 * 0 ok, -1 error printed. WANT[i] is set where a link is to be moved out. */
static int make_links(gt_genset *g, int *want)
{
    for (int i = 0; i < g->n; i++) {
        char target[4200], at[4200], ln[24];
        if (link_target(g->paths[i], g->gen, g->names[i], target, sizeof target) != 0) {
            gt_warn("%s: cannot make a link to %s/%s: %s", g->paths[i], g->gen, g->names[i], strerror(errno));
            return -1;
        }
        want[i] = !link_is(g->paths[i], target);
        if (!want[i]) continue;
        link_name(ln, sizeof ln, i);
        snprintf(at, sizeof at, "%s/%s", g->tmp, ln);
        if (symlink(target, at) != 0) {
            gt_warn("%s: cannot create: %s", at, strerror(errno));
            return -1;
        }
    }
    return 0;
}

int gt_genset_commit(gt_genset *g, gt_out *outs)
{
    int want[GT_GENSET_MAX] = { 0 };
    if (finish_files(g, outs) != 0 || make_links(g, want) != 0) {
        gt_folder_release(1);
        free_set(g);
        return -1;
    }
    sync_dir(g->tmp);
    int rc = gt_folder_swap(g->tmp, g->gen);
    int e = errno;
    gt_folder_release(rc < 0);      /* held (and locked) until in place */
    if (rc < 0) {
        gt_warn("%s: cannot %s: %s", g->gen, rc == -1 ? "create" : "replace", strerror(e));
        free_set(g);
        return -1;
    }
    if (rc == 1) gt_warn("%s: the previous files could not be removed: %s", g->tmp, strerror(e));
    /* the links that were missing (the first run, or files of an older
     * version), moved from the folder now in place to their paths */
    int out = 0;
    for (int i = 0; i < g->n; i++) {
        if (!want[i]) continue;
        char at[4200], ln[24];
        link_name(ln, sizeof ln, i);
        snprintf(at, sizeof at, "%s/%s", g->gen, ln);
        if (rename(at, g->paths[i]) != 0) {
            gt_warn("%s: cannot replace: %s (the new file is %s/%s)", g->paths[i], strerror(errno), g->gen,
                    g->names[i]);
            unlink(at);
            out = -1;
        }
    }
    char d[4096];
    dir_of(g->gen, d, sizeof d);
    sync_dir(d);
    for (int i = 0; i < g->n; i++) {
        char ld[4096];
        dir_of(g->paths[i], ld, sizeof ld);
        if (want[i] && strcmp(ld, d) != 0) sync_dir(ld);
    }
    free_set(g);
    return out;
}

void gt_genset_abort(gt_genset *g, gt_out *outs)
{
    for (int i = 0; i < g->n; i++) { close(outs[i].fd); gt_out_free(&outs[i]); }
    gt_folder_release(1);
    free_set(g);
}
