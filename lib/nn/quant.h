/* quant.h - 8-bit weights (title-gen --load-8bit): every weight matrix of a
 * loaded model (the seven projections of each layer, the embeddings and the
 * LM head) replaced at load by a symmetric int8 copy with one F32 scale per
 * block of GT_Q8_BLOCK (32) consecutive values of a row:
 *     s = max |w| / 127 over the block,  q = round(w / s)  (in -127..127)
 * that is 1.125 bytes per weight: 56% of BF16, 28% of F32. gt_matmul
 * multiplies by such a gt_q8mat directly (kernels.h: widened to float inside
 * the kernel, one scale multiply per 8 or 16 weights). The memory-mapped
 * 16/32-bit weights are released afterwards (madvise DONTNEED). */
#ifndef GT_QUANT_H
#define GT_QUANT_H

#include <stddef.h>
#include "nn/kernels.h"
#include "nn/model.h"

/* Quantise ROWS x COLS weights of type DT into Q (allocated here). */
void gt_q8_quantize(gt_q8mat *q, const void *w, gt_dtype dt, int rows, int cols);
void gt_q8_free(gt_q8mat *q);

typedef struct gt_quant gt_quant;

/* Replace every weight matrix of M by an 8-bit copy; the result owns the
 * copies (free it before or after gt_model_free, not while M is in use).
 * NULL with a reason in ERR (a GGUF model, whose weights are already in
 * blocks: gt_model_check_unblocked). */
gt_quant *gt_quant_model(gt_model *m, char *err, size_t errsz);
size_t gt_quant_bytes(const gt_quant *q);     /* bytes of the 8-bit weights and scales */
void gt_quant_free(gt_quant *q);

#endif
