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
void gt_dist_sum_f32(float *buf, size_t n);
void gt_dist_sum_f64(double *buf, size_t n);
/* ALL [size][N] gets every rank's MINE [N], in rank order. */
void gt_dist_allgather_u64(const uint64_t *mine, size_t n, uint64_t *all);
/* Wait for every rank. */
void gt_dist_barrier(void);

#endif
