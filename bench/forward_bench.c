/* forward_bench.c - time libcore's LLaMA forward pass: prefill of a prompt in
 * one batched call, then greedy-free decoding of fixed tokens one at a time
 * with the KV cache. Built and run by bench/forward.sh.
 *
 *   forward_bench MODEL_DIR PROMPT_TOKENS DECODE_TOKENS [RUNS]
 *
 * MODEL_DIR may also be a llama2.c .bin checkpoint (gt_model_load reads both).
 * Prints one line: "c prefill_tok_s=N decode_tok_s=N peak_rss_mb=N weights_mb=N kv_mb=N kernels=NAME
 * argmax=N maxlogit=X" (the last two: the final token's logits, to compare loaders). */
#include "nn/model.h"
#include "nn/kernels.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    if (argc < 4) gt_usage_error("usage: forward_bench MODEL_DIR PROMPT_TOKENS DECODE_TOKENS [RUNS]");
    int np = (int)gt_parse_ll("PROMPT_TOKENS", argv[2], 1, 1 << 20);
    int nd = (int)gt_parse_ll("DECODE_TOKENS", argv[3], 0, 1 << 20);
    int runs = argc > 4 ? (int)gt_parse_ll("RUNS", argv[4], 1, 100) : 3;
    gt_model m;
    char err[512];
    if (gt_model_load(&m, argv[1], err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    gt_state *s = gt_state_new(&m, np + nd, 0, err, sizeof err);
    if (!s) gt_die(EX_OSERR, "%s", err);
    int32_t *tok = gt_xmalloc(sizeof(int32_t) * (size_t)(np + nd));
    for (int i = 0; i < np + nd; i++) tok[i] = (int32_t)((i * 7919 + 13) % m.c.vocab_size);
    float *logits = gt_xmalloc(sizeof(float) * (size_t)m.c.vocab_size);
    double best_p = 1e30, best_d = 1e30;
    for (int r = 0; r < runs; r++) {
        double t0 = gt_now();
        if (gt_model_forward(&m, s, tok, np, 0, logits, 0) != 0) gt_die(EX_SOFTWARE, "%s", s->err);
        double t1 = gt_now();
        for (int i = 0; i < nd; i++)
            if (gt_model_forward(&m, s, tok + np + i, 1, np + i, logits, 0) != 0) gt_die(EX_SOFTWARE, "%s", s->err);
        double t2 = gt_now();
        if (t1 - t0 < best_p) best_p = t1 - t0;
        if (t2 - t1 < best_d) best_d = t2 - t1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    int am = 0;
    for (int j = 1; j < m.c.vocab_size; j++)
        if (logits[j] > logits[am]) am = j;
    printf("c prefill_tok_s=%.1f decode_tok_s=%.1f peak_rss_mb=%.1f weights_mb=%.1f kv_mb=%.1f kernels=%s "
           "argmax=%d maxlogit=%.6f\n",
           np / best_p, nd ? nd / best_d : 0.0, ru.ru_maxrss / 1024.0, m.weight_bytes / 1048576.0,
           s->kv_bytes / 1048576.0, gt_kernels_name(gt_kernels_best()), am, logits[am]);
    free(tok);
    free(logits);
    gt_state_free(s);
    gt_model_free(&m);
    return 0;
}
