/* test_dist.c - train/dist.h without MPI: one process of one (every
 * collective a no-op on its buffer), and the shares of the parameters that
 * the ranks of a data-parallel run each update (gt_dist_share) for many sizes
 * and rank counts: in rank order, covering 0..n, starting at multiples of 16,
 * balanced to a unit of 16. */
#include "t.h"
#include "train/dist.h"

#include <stdint.h>

/* Every property of the shares of N items over SIZE ranks. */
static int shares_ok(size_t n, int size)
{
    size_t at = 0, nu = (n + 15) / 16, least = SIZE_MAX, most = 0;
    for (int r = 0; r < size; r++) {
        size_t lo, hi;
        gt_dist_share(n, r, size, &lo, &hi);
        if (lo != at || hi < lo || hi > n) return 0;
        if (lo % 16 && lo != n) return 0;
        if (hi != n && hi % 16) return 0;
        size_t units = (hi - lo + 15) / 16;
        if (units < least) least = units;
        if (units > most) most = units;
        at = hi;
    }
    return at == n && most - least <= 1 && most == (nu + (size_t)size - 1) / (size_t)size;
}

int main(void)
{
    CHECK(gt_dist_rank() == 0 && gt_dist_size() == 1, "one process: rank 0 of 1");
    size_t lo, hi;
    gt_dist_share(1000, 0, 1, &lo, &hi);
    CHECK(lo == 0 && hi == 1000, "one process: the whole");
    gt_dist_share(94680, 0, 3, &lo, &hi);
    CHECK(lo == 0 && hi == 31568, "94680 over 3: rank 0 [0, 31568)");
    gt_dist_share(94680, 2, 3, &lo, &hi);
    CHECK(lo == 63136 && hi == 94680, "94680 over 3: rank 2 [63136, 94680), the 8-value tail");
    gt_dist_share(20, 2, 4, &lo, &hi);
    CHECK(lo == 20 && hi == 20, "20 over 4: rank 2 empty, at the end");
    gt_dist_share(20, 1, 4, &lo, &hi);
    CHECK(lo == 16 && hi == 20, "20 over 4: rank 1 holds the tail");
    int bad = 0;
    static const size_t ns[] = { 0, 1, 15, 16, 17, 31, 32, 33, 100, 1664, 61584, 94680, 1000003, 41692672 };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (int size = 1; size <= 70; size++) bad += !shares_ok(ns[i], size);
    CHECK(bad == 0, "shares of 14 sizes over 1..70 ranks: in order, covering, aligned, balanced");

    float f[3] = { 1, 2, 3 };
    double d[2] = { 4, 5 };
    gt_dist_sum_shares_f32(f, 3);
    gt_dist_gather_shares_f32(f, 3);
    gt_dist_sum_f64(d, 2);
    CHECK(f[0] == 1 && f[1] == 2 && f[2] == 3 && d[0] == 4 && d[1] == 5, "one process: collectives leave buffers");
    uint64_t mine[2] = { 7, 8 }, all[2] = { 0, 0 };
    gt_dist_allgather_u64(mine, 2, all);
    CHECK(all[0] == 7 && all[1] == 8, "one process: allgather copies");
    T_END();
}
