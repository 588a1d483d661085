/* kpath.h - the kernel paths (portable, AVX2, AVX-512) and the choice among
 * them, shared by the float matmul (kernels.c, which defines these functions)
 * and the quantized one (qmatmul.c): a header of its own so that kernels.c can
 * dispatch GGUF block types to qmatmul without the two including each other. */
#ifndef GT_KPATH_H
#define GT_KPATH_H

typedef enum {
    GT_K_AUTO = -1,     /* the best the CPU supports (or $GT_KERNELS) */
    GT_K_PORTABLE = 0,
    GT_K_AVX2 = 1,      /* AVX2 + FMA + F16C */
    GT_K_AVX512 = 2     /* AVX-512 F/BW/VL */
} gt_kpath;

/* The path GT_K_AUTO uses: the best supported, or the one named by the
 * environment variable GT_KERNELS ("portable", "avx2", "avx512") when the CPU
 * has it. */
gt_kpath gt_kernels_best(void);
int gt_kernels_supported(gt_kpath p);
const char *gt_kernels_name(gt_kpath p);

#endif
