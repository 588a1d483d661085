/* rand.h - the pseudo-random numbers of libcore, one home for each generator:
 * splitmix64 (data shuffling, weight initialisation, sampling; also the
 * finalizer of gt_hash64) and xoshiro256** (title-eval's bootstrap). All are
 * stable across platforms: a seed gives the same numbers everywhere. */
#ifndef GT_RAND_H
#define GT_RAND_H

#include <stdint.h>

#define GT_GOLDEN64 0x9e3779b97f4a7c15ULL

/* splitmix64's output function (a bijective 64-bit mix). */
static inline uint64_t gt_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* splitmix64: advance the state *S by the golden gamma, return its mix. */
static inline uint64_t gt_splitmix64(uint64_t *s) { return gt_mix64(*s += GT_GOLDEN64); }

/* A uniform double in [0, 1) from the top 53 bits of X. */
static inline double gt_unit53(uint64_t x) { return (double)(x >> 11) * (1.0 / 9007199254740992.0); }

/* xoshiro256**, seeded through splitmix64. */
typedef struct { uint64_t s[4]; } gt_xoshiro;
static inline void gt_xoshiro_seed(gt_xoshiro *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = gt_splitmix64(&seed);
}
static inline uint64_t gt_xoshiro_next(gt_xoshiro *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    x = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return x;
}

#endif
