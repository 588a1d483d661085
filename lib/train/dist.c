/* dist.c - the processes of one data-parallel run (see dist.h). */
#include "train/dist.h"
#include "core/util.h"
#include "io/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef GT_MPI
#include <mpi.h>
#endif

static int g_rank, g_size = 1;

/* The number of processes a launcher started (io/shard.h's environment
 * variables), 0 when none; *VAR names the variable. */
static long launched_size(const char **var)
{
    const char *vars[2], *rank, *size;
    if (!gt_launcher_env(vars, &rank, &size)) return 0;
    *var = vars[1];
    return atol(size);
}

#ifdef GT_MPI
static int g_mpi;       /* MPI_Init done */

static void abort_all(int code)
{
    fflush(NULL);
    MPI_Abort(MPI_COMM_WORLD, code);
}

static void check(int rc, const char *what)
{
    if (rc == MPI_SUCCESS) return;
    char s[MPI_MAX_ERROR_STRING];
    int n = 0;
    MPI_Error_string(rc, s, &n);
    gt_die(EX_SOFTWARE, "%s: %s", what, s);
}

void gt_dist_init(int *argc, char ***argv)
{
    const char *var = "";
    long n = launched_size(&var);
    if (n <= 1) return;
    int prov;
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &prov), "MPI_Init_thread");
    g_mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (g_size != n)    /* srun without --mpi: each process alone */
        gt_die(EX_CONFIG, "%s says %ld processes, MPI sees %d: launch with mpirun, or srun --mpi=pmix (one "
               "process in a Slurm batch script of several tasks: srun -n 1)", var, n, g_size);
    if (g_size > 1) {
        char p[32];
        snprintf(p, sizeof p, "rank %d", g_rank);
        gt_set_msg_prefix(p);
        gt_set_exit_hook(abort_all);
    }
}

void gt_dist_finalize(void)
{
    if (!g_mpi) return;
    gt_set_exit_hook(NULL);
    MPI_Finalize();
    g_mpi = 0;
}

void gt_dist_sum_f32(float *buf, size_t n)
{
    for (size_t i = 0; g_size > 1 && i < n; i += 1u << 30) {
        int k = (int)(n - i < 1u << 30 ? n - i : 1u << 30);
        check(MPI_Allreduce(MPI_IN_PLACE, buf + i, k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    }
}

void gt_dist_sum_f64(double *buf, size_t n)
{
    if (g_size > 1)
        check(MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
}

void gt_dist_allgather_u64(const uint64_t *mine, size_t n, uint64_t *all)
{
    if (g_size == 1) { memcpy(all, mine, n * sizeof *mine); return; }
    check(MPI_Allgather(mine, (int)n, MPI_UINT64_T, all, (int)n, MPI_UINT64_T, MPI_COMM_WORLD), "MPI_Allgather");
}

void gt_dist_barrier(void)
{
    if (g_size > 1) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

#else   /* one process */

void gt_dist_init(int *argc, char ***argv)
{
    const char *var = "";
    long n = launched_size(&var);
    if (n > 1)
        gt_die(EX_CONFIG, "started by a launcher as one of %ld processes (%s), but built without MPI: each would "
               "train alone (rebuild with `make MPI=1`, Debian: openmpi-bin libopenmpi-dev; one process in a Slurm "
               "batch script of several tasks: srun -n 1)", n, var);
}

void gt_dist_finalize(void) {}
void gt_dist_sum_f32(float *buf, size_t n) {}
void gt_dist_sum_f64(double *buf, size_t n) {}
void gt_dist_allgather_u64(const uint64_t *mine, size_t n, uint64_t *all) { memcpy(all, mine, n * sizeof *mine); }
void gt_dist_barrier(void) {}

#endif

int gt_dist_rank(void) { return g_rank; }
int gt_dist_size(void) { return g_size; }
