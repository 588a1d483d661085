/* test_shard.c - io/shard.h: K/N parsing, which records a shard takes, the
 * environment of mpirun and srun, and the merge of units back into input order
 * (placeholders dropped, shards that do not line up refused). */
#include "t.h"
#include "core/util.h"
#include "io/output.h"
#include "io/shard.h"

#include <stdlib.h>
#include <unistd.h>

static int parses(const char *s, uint64_t k, uint64_t n)
{
    gt_shard sh = { 0 };
    return gt_shard_parse(&sh, s) == 0 && sh.k == k && sh.n == n;
}

static int refused(const char *s)
{
    gt_shard sh = { 0 };
    return gt_shard_parse(&sh, s) != 0;
}

/* A fake shard: its units as strings, "" a placeholder. */
typedef struct { const char *const *u; int n, at; } fake;

static int fake_next(void *src, gt_out *out)
{
    fake *f = src;
    if (f->at == f->n) return 0;
    const char *u = f->u[f->at++];
    if (out && *u) gt_out_str(out, u);
    return 1;
}

/* Merge the N fakes; the output in BUF (BUFSZ bytes), the status in *ST. */
static const char *merge(fake *fs, int n, int *st, char *buf, size_t bufsz)
{
    void *srcs[8];
    const char *names[8] = { "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7" };
    for (int i = 0; i < n; i++) srcs[i] = &fs[i];
    char path[] = "/tmp/gt_shard_XXXXXX";
    int fd = mkstemp(path);
    gt_out out;
    gt_out_init(&out, fd, path);
    *st = gt_shard_merge(srcs, names, n, fake_next, &out);
    gt_out_flush(&out);
    gt_out_free(&out);
    ssize_t got = pread(fd, buf, bufsz - 1, 0);
    buf[got > 0 ? got : 0] = 0;
    close(fd);
    unlink(path);
    return buf;
}

int main(void)
{
    gt_init("test_shard");
    CHECK(parses("0/1", 0, 1) && parses("2/3", 2, 3) && parses("0/2147483647", 0, 2147483647), "parse K/N");
    CHECK(refused("3/3") && refused("1/0") && refused("0/0") && refused("-1/2") && refused("1/-2") && refused("1/2x") &&
          refused("1") && refused("/2") && refused(" 1/2") && refused("1/ 2") && refused("0/2147483648") &&
          refused(""), "parse refuses what is not 0 <= K < N");

    gt_shard s = { 0 };
    gt_shard_parse(&s, "1/3");
    char took[16] = { 0 };
    for (int i = 0; i < 10; i++) took[i] = gt_shard_take(&s) ? 'x' : '.';
    CHECK_STR(took, ".x..x..x..", "shard 1/3 takes records 1, 4, 7");
    gt_shard one = { 0 };
    gt_shard_parse(&one, "0/1");
    CHECK(gt_shard_take(&one) && gt_shard_take(&one) && !gt_shard_on(&one), "0/1 takes everything, is no sharding");

    /* the environment: OMPI first, size 1 is no sharding, a bad value exits */
    setenv("SLURM_PROCID", "2", 1);
    setenv("SLURM_NTASKS", "4", 1);
    gt_shard e = { 0 };
    gt_shard_setup(&e);
    CHECK(e.k == 2 && e.n == 4, "srun's SLURM_PROCID / SLURM_NTASKS");
    setenv("OMPI_COMM_WORLD_RANK", "0", 1);
    setenv("OMPI_COMM_WORLD_SIZE", "1", 1);
    gt_shard e1 = { 0 };
    gt_shard_setup(&e1);
    CHECK(!gt_shard_on(&e1), "mpirun with one process before SLURM_*: no sharding");
    gt_shard e2 = { .arg = "1/2" };
    gt_shard_setup(&e2);
    CHECK(e2.k == 1 && e2.n == 2, "--shard before the environment");

    /* records 0..6 over 3 shards: 0 3 6 | 1 4 | 2 5; records 2 and 3 gave no output */
    char buf[256];
    int st;
    static const char *const a0[] = { "r0\n", "", "r6\n" }, *const a1[] = { "r1\n", "r4\n" }, *const a2[] = { "", "r5\n" };
    fake f[3] = { { a0, 3, 0 }, { a1, 2, 0 }, { a2, 2, 0 } };
    CHECK_STR(merge(f, 3, &st, buf, sizeof buf), "r0\nr1\nr4\nr5\nr6\n", "merge: input order, placeholders dropped");
    CHECK(st == 0, "merge: status 0");

    /* more shards than records: the later ones are empty */
    static const char *const b0[] = { "r0\n" };
    fake g[4] = { { b0, 1, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 }, { NULL, 0, 0 } };
    CHECK_STR(merge(g, 4, &st, buf, sizeof buf), "r0\n", "merge: empty shards");
    CHECK(st == 0, "merge: empty shards, status 0");

    /* shard 1 with a unit too many: after 8 records (shard 2 ended) it holds record 10 */
    static const char *const c1[] = { "r1\n", "r4\n", "r7\n", "r10\n" };
    fake h[3] = { { a0, 3, 0 }, { c1, 4, 0 }, { a2, 2, 0 } };
    merge(h, 3, &st, buf, sizeof buf);
    CHECK(st == EX_DATAERR, "merge: a shard with units after another's end is refused");
    static const char *const d0[] = { "r0\n" };
    fake k[3] = { { d0, 1, 0 }, { a1, 2, 0 }, { a2, 2, 0 } };
    CHECK_STR(merge(k, 3, &st, buf, sizeof buf), "r0\nr1\n", "merge: what lines up is written");
    CHECK(st == EX_DATAERR, "merge: a shard that ended early is refused");
    T_END();
}
