/* membw.c - single-thread memory read bandwidth: 8 interleaved sequential
 * streams over a buffer far larger than the caches (as a decoder reads weight
 * rows), best of 5 passes. Prints "read_gb_s=N". Build: cc -O3 -march=native. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atol(argv[1]) : 512, n = mb << 17, per = n / 8;   /* uint64 words */
    uint64_t *p = malloc(n * sizeof *p);
    if (!p) return 1;
    for (size_t i = 0; i < n; i++) p[i] = i;
    double best = 1e30;
    uint64_t sink = 0;
    for (int pass = 0; pass < 5; pass++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        uint64_t s[8] = { 0 };
        for (size_t i = 0; i < per; i++)
            for (int k = 0; k < 8; k++) s[k] += p[(size_t)k * per + i];
        clock_gettime(CLOCK_MONOTONIC, &b);
        for (int k = 0; k < 8; k++) sink += s[k];
        double t = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
        if (t < best) best = t;
    }
    printf("read_gb_s=%.1f (checksum %llu)\n", (double)(per * 8 * sizeof *p) / best / 1e9, (unsigned long long)sink);
    free(p);
    return 0;
}
