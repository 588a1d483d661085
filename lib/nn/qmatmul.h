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

/* ---- panels: weights repacked once, at load, for the AVX-512 kernels ----
 *
 * Decoding from the file's blocks spends most of its time taking the blocks
 * apart (nibbles in two halves, F16 scales widened to lanes): 5-9 GB/s of
 * weights per core, below the memory's bandwidth. Repacked, the same bits sit
 * where the vector instructions want them: GT_QPACK_ROWS (16) weight rows
 * interleaved 4 bytes at a time, so that one 64-byte load is 16 rows x 4 (or
 * 8) values, one broadcast of 4 activation bytes meets all 16 rows, and a
 * group's integer sum takes its scale once, as a vector of the 16 rows'.
 * Same bits, same bytes (within 3%): no precision is lost or added.
 *
 * Layout: panel p holds rows 16p..16p+15 (rows past D are zeros), its units
 * of BV values (32, the K types 256) one after the other, each unit:
 *   header: legacy types d[16] (F16 bits, row r at r), Q4_1/Q5_1 then m[16];
 *     Q4_K/Q5_K d[16], dmin[16], sc[8][16], mn[8][16] (the 6-bit scales and
 *     mins of the 8 groups, one byte each); Q6_K d[16], sc[16][16] (int8);
 *   then each group of G values (32; Q6_K 16): its value vectors, 64 bytes
 *   each, lane r (bytes 4r..4r+3) row r: Q8_0 G/4 vectors, byte j of vector
 *   v value 4v + j as q + 128; the others G/8 vectors, byte j of vector v
 *   value 8v + j in its low nibble and value 8v + 4 + j in its high one
 *   (bits 0-3 of u); then for 5- and 6-bit types, per vector, 64-bit masks
 *   (bit 4r + j for byte j of lane r): bit 4 of the low values, of the high
 *   values (Q6_K: then bit 5 of each).
 * u, s, m as nn/qmatmul.h's w = s * (u - o) + m, s and m computed as
 * nn/ggml_types.c does (K types: d * sc, -(dmin * mn); Q6_K d * sc), so
 * gt_qpack_row_to_f32 equals gt_ggml_dequantize_row bit for bit and the
 * products keep qmatmul.h's error bound. */
#define GT_QPACK_ROWS 16

/* 1 when weights are worth repacking on this CPU: its best path is AVX-512
 * and $GT_QPACK is not "0" (the other paths run panels too, unpacking them
 * in plain C: correct, not fast). */
int gt_qpack_wanted(void);
/* Bytes of D rows of K values of TYPE as panels (0: TYPE unsupported or K
 * not a whole number of its blocks). */
size_t gt_qpack_bytes(uint32_t type, int d, int k);
/* Panels P0..P1-1 of the D rows SRC (the file's blocks, rows one after the
 * other) into DST (gt_qpack_bytes of them, panel P0 at DST). */
void gt_qpack(void *dst, const void *src, uint32_t type, int d, int k, int p0, int p1);
/* Row R of panels PK (rows of K values) as floats. */
void gt_qpack_row_to_f32(float *out, const void *pk, uint32_t type, int k, size_t r);
/* gt_qmatmul with W as panels (PK); same error bound. */
void gt_qpack_matmul(gt_kpath path, float *out, size_t ldo, const float *x, const void *pk, uint32_t type,
                     int n, int d, int k);

#endif
