/* qmatmul.h - matrix products straight from GGUF blocks: weights stay in
 * their quantized blocks (Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K;
 * layouts in nn/ggml_types.h), the activations are quantized to 8 bits once
 * per call and the dot products run on integers, as llama.cpp does.
 *
 * Activations: each row of X is cut into blocks of B values (B = 32 for the
 * legacy types, 256 for the K types) and each block quantized as
 *     amax = max |x|,  d = amax / 127,  q = rint(x * (127 / amax))
 * (float arithmetic, rint rounding to nearest even; q = 0 and d = 0 for a
 * block of zeros), so x is replaced by x' = d * q with |x - x'| <= amax / 254.
 * The block sums of q (over 32 values, 16 for Q6_K) are kept, for the types'
 * offsets and mins. A weight row decodes to groups of 32 (Q6_K: 16) values
 * w = s * (u - o) + m: u the block's unsigned integers (4, 5, 6 or 8 bits),
 * o a constant of the type (Q4_0 8, Q5_0 16, Q6_K 32, Q8_0 128 as q + 128),
 * s the group's scale and m its min (Q4_1, Q5_1, Q4_K, Q5_K; else 0). A
 * group's dot product is then s * d * (sum u*q - o * sum q) + m * d * sum q,
 * its integer part exact (vpdpbusd with VNNI, vpmaddubsw/vpmaddwd without,
 * or plain C: every path computes the same integers).
 *
 * The error, for finite X, against the exact product with the dequantized
 * weights w' (gt_ggml_dequantize_row) and the exact activations:
 *     |out[i][j] - sum_t x[t] w'[t]| <= Q + F
 *     Q = sum over the activation blocks b of (amax_b / 254) * sum_{t in b} |w'[t]|
 *         (the activation rounding; the integer parts add nothing)
 *     F = (k / 16 + 8) * 2^-24 * sum_t (|x[t]| + amax_b(t) / 254) * (|w'[t]| + |m(t)|)
 *         (float rounding: scales, group sums, the sum over groups; m(t) the
 *         min of t's group, 0 for the types without)
 * tests/unit/test_qmatmul.c checks both terms on random blocks, Q + F against
 * the exact product and F alone against the product with x' (the activation
 * rounding done the same way in the test), and the paths against each other.
 * Q is about 1% of sum |x||w'| for Gaussian activations (amax ~ 3 mean |x|
 * per block); the typical error is far smaller, as the roundings' signs
 * vary (random walk: ~ Q / sqrt(k)).
 *
 * Paths: AVX-512 (F/BW/VL, with VNNI's vpdpbusd when the CPU has it), AVX2
 * (vpmaddubsw, vpmaddwd) and portable C, picked at run time as gt_matmul
 * picks (gt_kernels_best, $GT_KERNELS). OpenMP splits the weight rows over
 * the threads (one thread when called inside a parallel region, as
 * gt_matmul). Decoding (n below 8: one token, beams) reads each weight row
 * from memory once, prefetched, and decodes it in registers for up to 4
 * activation rows at a time; from 8 rows on (prefill) weight rows are
 * decoded once per call into panels of 32 (AVX2: 16) interleaved rows that
 * the activation rows sweep in register tiles, each weight byte loaded
 * serving 6 (AVX2: 3) activation rows and each broadcast activation word
 * 16 (8) weight rows. Scratch memory is allocated per call (n k bytes and
 * a panel per thread). */
#ifndef GT_QMATMUL_H
#define GT_QMATMUL_H

#include <stddef.h>
#include <stdint.h>
#include "nn/kpath.h"

/* The AVX-512 path without VNNI (vpmaddubsw + vpmaddwd), which GT_K_AVX512
 * runs on a CPU without avx512_vnni: named here so that tests and benchmarks
 * can run it on a CPU that has VNNI too. Only gt_qmatmul_path takes it. */
#define GT_QK_AVX512_BW ((gt_kpath)3)

/* 1 when gt_qmatmul multiplies by weights of ggml type TYPE (the eight above). */
int gt_qmatmul_supported(uint32_t ggml_type);
/* 1 when the CPU runs PATH (GT_K_PORTABLE, GT_K_AVX2, GT_K_AVX512, GT_QK_AVX512_BW). */
int gt_qmatmul_path_supported(gt_kpath path);
/* "portable", "avx2", "avx512-vnni", "avx512-bw": the kernels PATH runs here
 * (GT_K_AUTO: the ones gt_qmatmul runs). */
const char *gt_qmatmul_path_name(gt_kpath path);

/* out[i][j] = sum_t x[i][t] * W[j][t]  for i < n, j < d, t < k, as gt_matmul:
 * X is n x k floats (row stride k), OUT n x d floats (row stride LDO >= d),
 * W d rows of k values of ggml type TYPE, each row gt_ggml_row_bytes(TYPE, k)
 * bytes, the rows one after the other (a GGUF tensor's data; no alignment
 * needed). TYPE must be supported and K a whole number of its blocks (32, or
 * 256 for the K types): otherwise OUT's n x d values are set to NaN. */
void gt_qmatmul(float *out, size_t ldo, const float *x, const void *w, uint32_t ggml_type, int n, int d, int k);
/* The same on PATH (GT_K_AUTO: the best; a path the CPU lacks: the best). */
void gt_qmatmul_path(gt_kpath path, float *out, size_t ldo, const float *x, const void *w, uint32_t ggml_type,
                     int n, int d, int k);

#endif
