/* genset.h - output files that change together (pair-build's three splits,
 * tok-encode's stream and its index).
 *
 * The files are written into a new folder GEN.tmp.XXXXXX (io/tmp.h: locked
 * while the run lives, removed by a later run if it was killed), which then
 * takes the place of the generation folder GEN in one step (io/fswap.h:
 * rename, or renameat2 RENAME_EXCHANGE and the old folder removed). Each
 * output's own path is a symbolic link to its file in GEN, made once and then
 * left as it is, so at any moment the paths lead to the files of one run: the
 * old ones or the new ones, never a mixture. A run that fails, is interrupted
 * or is killed leaves GEN as it was. */
#ifndef GT_GENSET_H
#define GT_GENSET_H

#include "io/output.h"

#define GT_GENSET_MAX 4

typedef struct gt_genset gt_genset;

/* Start a new generation of GEN holding N files: the I-th is NAMES[i] in GEN,
 * reached by the link PATHS[i], written through OUTS[i] (messages name
 * PATHS[i]). NULL on error, printed. */
gt_genset *gt_genset_open(const char *gen, int n, const char *const *paths, const char *const *names,
                          gt_out *outs);
/* Flush and sync the files, put the folder in GEN's place, make the links
 * that are missing: 0 ok, -1 error printed (GEN and the links as they were,
 * unless only a link could not be made). */
int gt_genset_commit(gt_genset *g, gt_out *outs);
/* Drop the new generation: GEN stays as it was. */
void gt_genset_abort(gt_genset *g, gt_out *outs);

#endif
