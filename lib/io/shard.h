/* shard.h - sharded batch work for the record tools (title-gen, tok-encode):
 * --shard K/N (or the MPI/Slurm rank and size) takes every N-th input record,
 * record i (from 0, in input order, bad records included) going to shard
 * i % N; --shard-merge puts the N shards' outputs back in input order.
 *
 * With N > 1 a shard's output holds exactly one unit per record of its
 * shard, in order: the record's output, or, for a record that gives none
 * (malformed, left out), a placeholder that the tool's output never holds
 * otherwise (title-gen: an empty line; tok-encode: a repeated stream header,
 * gentitle-tokens(5)), after a header that names K and N, which the merge
 * checks (so that outputs given out of order, or of a run with another N, are refused). The merge takes a unit from shard 0, 1, .., N-1, 0, ..
 * in turn, drops the placeholders, and stops at the first shard that has no
 * unit left; every shard must then be at its end. So the merge is exact
 * whether a record gives output or not; N = 1 is no sharding at all. */
#ifndef GT_SHARD_H
#define GT_SHARD_H

#include <getopt.h>
#include <stdint.h>

#include "io/output.h"

typedef struct {
    uint64_t k, n;              /* this shard of N; N <= 1: no sharding */
    uint64_t seen;              /* records counted so far */
    const char *arg;            /* --shard's value, NULL: the environment's */
    int merge;                  /* --shard-merge given */
} gt_shard;

/* Above core/opts.h's codes and any tool's own. */
enum { GT_OPT_SHARD = 0x1100, GT_OPT_SHARD_MERGE };
#define GT_OPTS_SHARD \
    {"shard", required_argument, NULL, GT_OPT_SHARD}, {"shard-merge", no_argument, NULL, GT_OPT_SHARD_MERGE}

/* Take option C (ARG its value) when it is --shard or --shard-merge: 1, else 0. */
int gt_shard_opt(gt_shard *s, int c, const char *arg);

/* Parse "K/N" (0 <= K < N < 2^31) into *S: 0, or -1 when it is not one. */
int gt_shard_parse(gt_shard *s, const char *text);

/* The rank and size a launcher put in the environment: the first pair set
 * of OMPI_COMM_WORLD_RANK and OMPI_COMM_WORLD_SIZE (mpirun), PMI_RANK and
 * PMI_SIZE (MPICH, srun --mpi), SLURM_PROCID and SLURM_NTASKS (srun): 1 with
 * VARS[0], VARS[1] the pair's names and *RANK, *SIZE their values; 0 when
 * none is set. (title-gen and tok-encode shard by it; lora-train joins an MPI
 * run, train/dist.h.) */
int gt_launcher_env(const char *vars[2], const char **rank, const char **size);

/* After the options: K/N from --shard (a bad value exits 64), else from the
 * environment of a launcher, the first pair set of OMPI_COMM_WORLD_RANK and
 * OMPI_COMM_WORLD_SIZE (mpirun), PMI_RANK and PMI_SIZE (MPICH, srun --mpi),
 * SLURM_PROCID and SLURM_NTASKS (srun), used when its size is above 1 and
 * said on standard error ("prog: shard K/N, from VAR and VAR"). */
void gt_shard_setup(gt_shard *s);

static inline int gt_shard_on(const gt_shard *s) { return s->n > 1; }

/* Count the next input record: 1 when it is this shard's (always without sharding). */
static inline int gt_shard_take(gt_shard *s)
{
    if (s->n <= 1) return 1;
    return s->seen++ % s->n == s->k;
}

/* Line outputs, when sharding: first a header line naming the shard,
 * {"gentitle-shard":"K/N"}; then the placeholder of each record without
 * output, an empty line (title-gen's). */
void gt_shard_begin_lines(const gt_shard *s, gt_out *out);
void gt_shard_skip_line(const gt_shard *s, gt_out *out);
/* The header line of shard K/N of a line output whose placeholder is the
 * line PLACEHOLDER (at most GT_SHARD_PH_MAX bytes, no '"'), for outputs in
 * which an empty line is a record's output (tok-encode --format ids: "-"):
 * {"gentitle-shard":"K/N","placeholder":"P"}; "" gives the plain header. */
#define GT_SHARD_PH_MAX 16
void gt_shard_line_header(gt_out *out, uint64_t k, uint64_t n, const char *placeholder);

/* A shard's output for the merge: NEXT takes its next unit and writes it to
 * OUT (nothing for a placeholder; OUT NULL: only take it), returning 1, or 0
 * at its end, or minus an exit status (EX_DATAERR, EX_IOERR) after printing
 * "prog: NAME: reason". */
typedef int (*gt_shard_next_fn)(void *src, gt_out *out);

/* Merge the N sources (in order K = 0 .. N-1; NAMES for messages) into OUT:
 * 0, the status of a source that failed, or EX_DATAERR when one has units left after another
 * one's end (outputs of different inputs, given out of order, or of a shard
 * that stopped early: said on standard error; what came before is written). */
int gt_shard_merge(void *const *srcs, const char *const *names, int n, gt_shard_next_fn next, gt_out *out);

/* --shard-merge for line outputs (title-gen's NDJSON, tok-encode's ids): the
 * FILES, each with the header line of its shard K/N (one file without one is
 * copied), merged to OUT, each file's placeholder lines (its header's, the
 * same in all) dropped; the exit status (EX_NOINPUT when a file cannot be
 * opened, EX_DATAERR when one is not of its place's shard, of another kind,
 * or they do not line up). */
int gt_shard_merge_lines(char *const *files, int nfiles, gt_out *out);

#endif
