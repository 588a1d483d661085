/* ggml_types.h - the tensor types of llama.cpp's GGUF files: ids, names,
 * block sizes, and the dequantization of a row of each supported type to F32.
 *
 * A quantized row is a sequence of blocks; a block holds a fixed number of
 * values (32, or 256 for the K types) in a fixed number of bytes. Every
 * type id that ggml defines is known here (its name and block size), so a
 * file's tensors can all be sized and checked; dequantization covers the
 * types that published LLaMA files use:
 *
 *   type  values/bytes  layout (little-endian; f16 = IEEE half)
 *   F32      1 / 4      float
 *   F16      1 / 2      f16
 *   BF16     1 / 2      the top 16 bits of a float
 *   Q4_0    32 / 18     f16 d; 16 bytes of 4-bit q (low nibbles: values 0-15,
 *                       high nibbles: 16-31); x = d * (q - 8)
 *   Q4_1    32 / 20     f16 d, f16 m; 4-bit q as Q4_0; x = d * q + m
 *   Q5_0    32 / 22     f16 d; u32 qh (bit i: the 5th bit of value i); 4-bit
 *                       low parts as Q4_0; x = d * (q - 16)
 *   Q5_1    32 / 24     f16 d, f16 m; qh and low parts as Q5_0; x = d * q + m
 *   Q8_0    32 / 34     f16 d; 32 int8 q; x = q * d
 *   Q4_K   256 / 144    f16 d, f16 dmin; 12 bytes of eight 6-bit scales and
 *                       mins; 128 bytes of 4-bit q, 32 values per sub-block;
 *                       x = (d * sc) * q - (dmin * m)
 *   Q5_K   256 / 176    as Q4_K plus 32 bytes qh (bit j of qh[l]: the 5th bit
 *                       of value l of sub-block j)
 *   Q6_K   256 / 210    128 bytes low 4 bits, 64 bytes high 2 bits, sixteen
 *                       int8 scales, f16 d; x = (d * sc) * (q - 32)
 *
 * The arithmetic is float, one rounding per operation in the order written
 * above, which is the order of llama.cpp's gguf.quants.dequantize: the
 * results are equal to it bit for bit (tests/unit/test_gguf.c). This is the
 * portable reference path; faster kernels must match it.
 *
 * The other way, F32 to the types a writer needs (gt_ggml_quantize_row), as
 * ggml's reference code does it: F16 and BF16 rounded to nearest even (a NaN
 * stays a NaN: BF16 keeps its top bits with the quiet bit set), and Q8_0
 * blocks of 32 values: amax = max |x|, d = amax / 127, id = d ? 1 / d : 0,
 * q = roundf(x * id) (halves away from zero), d stored as F16
 * (quantize_row_q8_0_ref; gguf.quants.quantize does the same). Checked
 * byte for byte against gguf.quants and llama.cpp's llama_model_quantize
 * (tests/unit/test_gguf_merge.c). */
#ifndef GT_GGML_TYPES_H
#define GT_GGML_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* ggml's type ids (ggml.h, gguf's GGMLQuantizationType). */
typedef enum {
    GT_GGML_F32 = 0, GT_GGML_F16 = 1, GT_GGML_Q4_0 = 2, GT_GGML_Q4_1 = 3,
    GT_GGML_Q5_0 = 6, GT_GGML_Q5_1 = 7, GT_GGML_Q8_0 = 8, GT_GGML_Q8_1 = 9,
    GT_GGML_Q2_K = 10, GT_GGML_Q3_K = 11, GT_GGML_Q4_K = 12, GT_GGML_Q5_K = 13,
    GT_GGML_Q6_K = 14, GT_GGML_Q8_K = 15, GT_GGML_IQ2_XXS = 16, GT_GGML_IQ2_XS = 17,
    GT_GGML_IQ3_XXS = 18, GT_GGML_IQ1_S = 19, GT_GGML_IQ4_NL = 20, GT_GGML_IQ3_S = 21,
    GT_GGML_IQ2_S = 22, GT_GGML_IQ4_XS = 23, GT_GGML_I8 = 24, GT_GGML_I16 = 25,
    GT_GGML_I32 = 26, GT_GGML_I64 = 27, GT_GGML_F64 = 28, GT_GGML_IQ1_M = 29,
    GT_GGML_BF16 = 30, GT_GGML_TQ1_0 = 34, GT_GGML_TQ2_0 = 35, GT_GGML_MXFP4 = 39,
    GT_GGML_NVFP4 = 40, GT_GGML_Q1_0 = 41
} gt_ggml_type;

#define GT_QK_K 256   /* values per block of the K types */

/* "Q4_K", ...; NULL for an id ggml does not define (or no longer does). */
const char *gt_ggml_type_name(uint32_t type);
/* The ggml type id of gt_dtype DT (nn/dtype.h: F32, F16, BF16, Q8_0); -1 for others. */
int gt_ggml_type_of_dtype(int dt);
/* Values per block (1 for the plain types); 0 for an unknown id. */
int gt_ggml_block_values(uint32_t type);
/* Bytes per block; 0 for an unknown id. */
size_t gt_ggml_block_bytes(uint32_t type);
/* 1 when gt_ggml_dequantize_row handles TYPE. */
int gt_ggml_can_dequantize(uint32_t type);
/* The dequantizable types, for messages: "F32, F16, BF16, Q8_0, ...". */
const char *gt_ggml_dequantize_list(void);

/* Bytes of a row of N values of TYPE into *BYTES: 0, or -1 when TYPE is
 * unknown, N is negative or not a whole number of blocks, or the size
 * overflows a size_t. */
int gt_ggml_row_bytes(uint32_t type, int64_t n, size_t *bytes);

/* N values (a whole number of blocks) of TYPE at SRC as F32 into DST.
 * 0, or -1 (nothing written) when TYPE cannot be dequantized or N is not a
 * whole number of blocks. SRC needs no alignment. */
int gt_ggml_dequantize_row(uint32_t type, const void *src, float *dst, int64_t n);

/* 1 when gt_ggml_quantize_row writes TYPE: F32, F16, BF16, Q8_0. */
int gt_ggml_can_quantize(uint32_t type);
/* N F32 values (a whole number of blocks) at SRC as TYPE into DST (a row of
 * gt_ggml_row_bytes(TYPE, N) bytes), as said above. 0, or -1 (nothing
 * written) when TYPE cannot be written or N is not whole blocks. */
int gt_ggml_quantize_row(uint32_t type, const float *src, void *dst, int64_t n);
/* N values (a multiple of 32) of X as Q8_0 blocks into DST (N / 32 * 34
 * bytes): gt_ggml_quantize_row's Q8_0, without its checks (ggml's reference
 * quantizer: per block amax = max |x|, d = amax / 127, q = roundf(x / d),
 * 0 for an all-zero block, d stored as F16 rounded to nearest even). */
void gt_ggml_quantize_q8_0(const float *x, void *dst, int64_t n);

/* Copy ROWS rows of ROW_BYTES bytes from SRC to DST, row I of DST being row
 * PERM[I] of SRC: moves quantized rows whole, no dequantization. */
void gt_ggml_gather_rows(void *dst, const void *src, size_t row_bytes, const int32_t *perm, int rows);

#endif
