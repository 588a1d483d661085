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

/* In rounds of at most SHARE_PIECE floats a rank: each round packs every
 * rank's next piece in rank order for one MPI_Reduce_scatter. On this 2-core
 * machine (Open MPI 4.1, shared memory) one reduce-scatter of 167 MB took
 * 0.17 s, in rounds of 2 x 256 KB 0.055 s, the packing included (an
 * all-reduce of it: 0.08 to 0.11 s whole, 0.05 in 4 MB pieces). */
#define SHARE_PIECE ((size_t)1 << 16)
#define GATHER_PIECE ((size_t)1 << 20)

void gt_dist_sum_shares_f32(float *buf, size_t n)
{
    if (g_size == 1) return;
    int *cnt = gt_xmalloc(sizeof(int) * (size_t)g_size);
    float *pack = gt_xmalloc(sizeof(float) * SHARE_PIECE * (size_t)g_size);
    size_t mlo, mhi;
    gt_dist_share(n, g_rank, g_size, &mlo, &mhi);
    for (size_t j = 0;; j++) {
        int any = 0;
        size_t p = 0;
        for (int r = 0; r < g_size; r++) {
            size_t lo, hi;
            gt_dist_share(n, r, g_size, &lo, &hi);
            size_t a = lo + j * SHARE_PIECE < hi ? lo + j * SHARE_PIECE : hi;
            size_t k = hi - a < SHARE_PIECE ? hi - a : SHARE_PIECE;
            memcpy(pack + p, buf + a, sizeof(float) * k);
            cnt[r] = (int)k, p += k, any |= k > 0;
        }
        if (!any) break;
        size_t a = mlo + j * SHARE_PIECE < mhi ? mlo + j * SHARE_PIECE : mhi;
        check(MPI_Reduce_scatter(pack, buf + a, cnt, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "MPI_Reduce_scatter");
    }
    free(pack);
    free(cnt);
}

/* In rounds of at most GATHER_PIECE floats a rank (0.022 s for 167 MB here),
 * counted and placed in units of 16 floats (shares start at multiples of 16,
 * and int displacements reach 16 x 2^31 floats); the last share's tail past
 * the last whole unit comes by broadcast from its owner. */
void gt_dist_gather_shares_f32(float *buf, size_t n)
{
    if (g_size == 1) return;
    MPI_Datatype unit;
    check(MPI_Type_contiguous(16, MPI_FLOAT, &unit), "MPI_Type_contiguous");
    check(MPI_Type_commit(&unit), "MPI_Type_commit");
    int *cnt = gt_xmalloc(2 * sizeof(int) * (size_t)g_size), *dsp = cnt + g_size;
    size_t nu = n / 16, piece = GATHER_PIECE / 16;
    for (size_t j = 0;; j++) {
        int any = 0;
        for (int r = 0; r < g_size; r++) {
            size_t lo, hi;
            gt_dist_share(n, r, g_size, &lo, &hi);
            size_t u0 = lo / 16 + j * piece, u1 = hi / 16 < nu ? hi / 16 : nu;
            if (u0 > u1) u0 = u1;
            size_t k = u1 - u0 < piece ? u1 - u0 : piece;
            cnt[r] = (int)k, dsp[r] = (int)u0;
            any |= k > 0;
        }
        if (!any) break;
        check(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, cnt, dsp, unit, MPI_COMM_WORLD),
              "MPI_Allgatherv");
    }
    free(cnt);
    MPI_Type_free(&unit);
    for (int r = 0; n % 16 && r < g_size; r++) {
        size_t lo, hi;
        gt_dist_share(n, r, g_size, &lo, &hi);
        if (lo <= nu * 16 && nu * 16 < hi)
            check(MPI_Bcast(buf + nu * 16, (int)(n % 16), MPI_FLOAT, r, MPI_COMM_WORLD), "MPI_Bcast");
    }
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
void gt_dist_sum_f64(double *buf, size_t n) {}
void gt_dist_allgather_u64(const uint64_t *mine, size_t n, uint64_t *all) { memcpy(all, mine, n * sizeof *mine); }
void gt_dist_barrier(void) {}
void gt_dist_gather_shares_f32(float *buf, size_t n) {}
void gt_dist_sum_shares_f32(float *buf, size_t n) {}

#endif

void gt_dist_share(size_t n, int rank, int size, size_t *lo, size_t *hi)
{
    size_t nu = (n + 15) / 16, N = (size_t)size, r = (size_t)rank;
    *lo = nu / N * r + (r < nu % N ? r : nu % N);
    *hi = *lo + nu / N + (r < nu % N);
    *lo *= 16, *hi *= 16;
    if (*lo > n) *lo = n;
    if (*hi > n) *hi = n;
}

int gt_dist_rank(void) { return g_rank; }
int gt_dist_size(void) { return g_size; }
