/* fswap.c - see fswap.h. */
#include "io/fswap.h"
#include "io/output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char held[16][4300];     /* the folder, then its files */
static int n_held, held_lock = -1;

static void remove_held(void)
{
    if (!n_held) return;
    for (int i = 1; i < n_held; i++) unlink(held[i]);
    rmdir(held[0]);
}

void gt_folder_hold(const char *dir, int lock, const char *const *names, int n)
{
    held_lock = lock;
    if (n > 15) n = 15;
    snprintf(held[0], sizeof held[0], "%s", dir);
    for (int i = 0; i < n; i++) snprintf(held[1 + i], sizeof held[0], "%s/%s", dir, names[i]);
    n_held = 1 + n;
    gt_atomic_cleanup_add(remove_held);
}

void gt_folder_release(int remove)
{
    if (remove) remove_held();
    n_held = 0;
    if (held_lock >= 0) close(held_lock);
    held_lock = -1;
    gt_atomic_cleanup_remove(remove_held);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

int gt_folder_swap(const char *tmp, const char *dir)
{
    if (rename(tmp, dir) == 0) return 0;
    if (errno != EEXIST && errno != ENOTEMPTY) return -1;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) != 0) return -2;
    return nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 ? 1 : 0;
}
