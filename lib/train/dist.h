/* dist.h - the processes of one data-parallel training run: lora-train
 * started by an MPI launcher (mpirun, srun) as N processes ("ranks"), each
 * computing part of every batch, their gradients summed. The one place that
 * knows MPI: built against it when the build has MPI (-DGT_MPI, lora-train
 * only), else, and in a process not started by a launcher, one process of
 * one (rank 0, size 1: every collective a no-op).
 *
 * Under MPI with more than one process, messages read "prog: rank R: ..." and
 * an error on any rank (gt_die, gt_usage_error) ends every rank with its exit
 * status (MPI_Abort). */
#ifndef GT_DIST_H
#define GT_DIST_H

#include <stddef.h>
#include <stdint.h>

/* Join the run: MPI when built with it and started by a launcher as one of
 * several processes (io/shard.h's gt_launcher_env). A build without MPI
 * started so, or an MPI world smaller than the launcher's count (srun without
 * --mpi), ends with exit 78: each process would train alone and write the same
 * files. Call once, early. */
void gt_dist_init(int *argc, char ***argv);
/* Leave it (every rank, at a normal end). */
void gt_dist_finalize(void);

int gt_dist_rank(void);     /* 0 .. size - 1 */
int gt_dist_size(void);     /* the number of processes */

/* BUF [N] summed over the ranks, the sum on every rank. */
void gt_dist_sum_f64(double *buf, size_t n);
/* ALL [size][N] gets every rank's MINE [N], in rank order. */
void gt_dist_allgather_u64(const uint64_t *mine, size_t n, uint64_t *all);
/* The share of N items that rank RANK of SIZE owns: [*LO, *HI), the ranks'
 * shares in rank order covering 0..N, as equal as whole units of 16 allow (a
 * cache line of floats; every share starts at a multiple of 16, the last
 * non-empty one ends at N). One process: 0..N. */
void gt_dist_share(size_t n, int rank, int size, size_t *lo, size_t *hi);
/* BUF [N] summed over the ranks in each rank's share only (gt_dist_share):
 * the reduce-scatter half of an all-reduce, half its bytes; the rest of BUF
 * is left as it was. */
void gt_dist_sum_shares_f32(float *buf, size_t n);
/* BUF [N] whole on every rank, each share (gt_dist_share) from the rank that
 * owns it: the rest of BUF is overwritten. */
void gt_dist_gather_shares_f32(float *buf, size_t n);
/* Wait for every rank. */
void gt_dist_barrier(void);

#endif
