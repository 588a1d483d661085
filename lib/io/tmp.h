/* tmp.h - temporaries of our own naming, and the removal of those a killed
 * run left behind.
 *
 * A temporary is made from a template ending in XXXXXX (mkstemp's six
 * characters of [A-Za-z0-9]), as PATH.tmp.XXXXXX beside the file it becomes,
 * and its owner holds an flock(2) on it as long as it lives. The kernel drops
 * that lock when the owner dies, SIGKILL included, so a temporary nobody holds
 * is stale. Before making one, the stale temporaries of the same template
 * (exact match, owned by this user, regular file or folder, locked by nobody)
 * are removed. */
#ifndef GT_TMP_H
#define GT_TMP_H

/* A new file from TEMPL (rewritten with its name), open O_RDWR, mode 0600,
 * locked: its fd, or -1 with errno. The lock goes with the last descriptor
 * of that open file: keep one (dup) until the file is renamed or removed. */
int gt_tmp_file(char *templ);
/* A new folder from TEMPL, mode 0700: a locked descriptor of it (close it
 * when the folder is renamed or removed), or -1 with errno. */
int gt_tmp_dir(char *templ);
/* Remove the stale temporaries of TEMPL (a folder: its files, then itself);
 * the number removed. */
int gt_tmp_sweep(const char *templ);

#endif
