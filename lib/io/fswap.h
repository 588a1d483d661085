/* fswap.h - a folder written in full beside its place, then put there as a
 * whole (lora-train's --merge-out model, its --init weights): a reader sees
 * the old folder or the new one, never a mixture, and a run killed midway
 * leaves no half-written folder behind. */
#ifndef GT_FSWAP_H
#define GT_FSWAP_H

/* Hold the folder DIR while it is written: DIR and the files NAMES[0..N) in
 * it (N <= 15) are removed at exit and on SIGINT, SIGTERM and SIGHUP
 * (through gt_atomic_cleanup_add, so only until the caller installs signal
 * handlers of its own). Their paths are made now: the removal may run in a
 * signal handler. LOCK (or -1) is DIR's descriptor from gt_tmp_dir (io/tmp.h),
 * closed at release. One folder at a time. */
void gt_folder_hold(const char *dir, int lock, const char *const *names, int n);
/* Done with the held folder: REMOVE it now, or keep it; its lock is dropped
 * either way (a kept folder is renamed or swapped in place first, or becomes
 * a stale temporary that the next run removes). */
void gt_folder_release(int remove);

/* Put the finished folder TMP in the place of DIR: renamed when DIR does not
 * exist (or is empty), else exchanged with it atomically (renameat2
 * RENAME_EXCHANGE) and the old folder, now at TMP, removed. 0 ok; 1 swapped,
 * but the old folder could not be removed; -1 DIR could not be created, -2 it
 * could not be replaced (TMP then holds the new folder still); errno tells why. */
int gt_folder_swap(const char *tmp, const char *dir);

#endif
