/* generate.h - text generation over gt_model_forward: greedy decoding,
 * temperature / top-k / top-p sampling with a seeded generator of our own
 * (splitmix64; the same seed gives the same tokens on every machine and for
 * any thread count), and beam search with one KV cache per beam, the live
 * beams advancing together in one batched pass per step (gt_model_decode_multi:
 * the weights are read once per step, not once per beam), returning the n best
 * distinct candidates.
 *
 * Scores. Every candidate carries the sum of the log-probabilities of its
 * generated tokens under the model's own distribution (log_softmax of the raw
 * logits: no temperature, top-k or top-p), the stopping token (EOS or the
 * token holding a newline) included, and its score
 *     score = sum_logprob / ntokens
 * where ntokens counts the generated tokens, the stopping one included: the
 * length normalisation of Hugging Face's beam search with length_penalty 1.0.
 * Candidates are ranked by score, highest first.
 *
 * Beam search follows Hugging Face's BeamSearchScorer (early_stopping False):
 * each step takes the 2*B best (beam, token) continuations by sum of
 * log-probabilities; a stopping token among the first B finishes a hypothesis,
 * the others fill the B live beams; the search ends when B hypotheses have
 * finished and the best live beam's sum / its length is no better than the
 * B-th best finished score, or at max_new_tokens (live beams then finish
 * unstopped). With B = 1 this is exactly greedy decoding. */
#ifndef GT_GENERATE_H
#define GT_GENERATE_H

#include <stddef.h>
#include <stdint.h>
#include "nn/model.h"
#include "tok/tokenizer.h"

typedef struct {
    int beams;              /* B >= 1; raised to n when n > B (deterministic search) */
    int n;                  /* distinct candidates wanted, >= 1 */
    float temperature;      /* > 0: sample; 0: greedy / beam search */
    int top_k;              /* sampling: keep the k most likely tokens (0: all) */
    float top_p;            /* sampling: nucleus mass (1: off) */
    uint64_t seed;
    int max_new_tokens;
    int force_beam;         /* run the beam search code even for B = 1 (tests) */
    int no_repeat_ngram;    /* > 0: no n-gram of this many tokens twice in a title (Hugging
                               Face's no_repeat_ngram_size, over the generated tokens only:
                               phrases of the abstract may still be copied) */
    float encoder_repetition_penalty;   /* P != 1: the scores of the prompt's tokens are
                               multiplied by 1/P when negative, by P when positive (Hugging
                               Face's encoder_repetition_penalty; > 1 favours copying) */
    float repetition_penalty;   /* P != 1: the scores of the tokens of the sequence so far (the
                               prompt's and the generated ones) are divided by P when positive,
                               multiplied by P when negative (Hugging Face's repetition_penalty;
                               > 1 avoids repeating) */
    int max_word_repeats;   /* > 0, beam search: no title with a word more than this many times
                               (words as title-eval's rep3+ counts them: stemmed, function words
                               left out; checked on each hypothesis as it grows; 0: off) */
} gt_gen_opts;

void gt_gen_opts_default(gt_gen_opts *o);   /* beams 4, n 1, greedy, 64 tokens, no penalties */

enum { GT_STOP_NONE = 0, GT_STOP_EOS = 1, GT_STOP_NEWLINE = 2 };

typedef struct {
    int32_t *ids;           /* generated ids, the stopping token included */
    int nids;
    int stop;               /* GT_STOP_EOS, GT_STOP_NEWLINE, or NONE (max_new_tokens) */
    double logprob;         /* sum of log-probabilities */
    double score;           /* logprob / nids */
    char *text;             /* the title: decoded, cut at the first newline, trimmed */
    size_t len;
} gt_cand;

typedef struct gt_gen gt_gen;

/* A generator for model M; TOK (may be NULL) decodes titles and marks every
 * id whose text holds a newline as a stop token. EOS ids come from the
 * model's config and the tokenizer. NULL with a reason in ERR. */
gt_gen *gt_gen_new(const gt_model *m, const gt_tok *tok, char *err, size_t errsz);
void gt_gen_free(gt_gen *g);
/* Make ID stop generation (GT_STOP_EOS / GT_STOP_NEWLINE) or not (NONE). */
void gt_gen_set_stop(gt_gen *g, int id, int kind);

/* Generate continuations of PROMPT (NP ids, BOS included if wanted). 0 with
 * *OUT pointing at *NOUT candidates, best first (owned by G, valid until the
 * next run); -1 with the reason in gt_gen_error (prompt longer than the
 * context, bad token id, no memory). Fewer than n candidates come back when
 * the search does not find n distinct titles. */
int gt_gen_run(gt_gen *g, const gt_gen_opts *o, const int32_t *prompt, int np, const gt_cand **out, int *nout);
const char *gt_gen_error(const gt_gen *g);

/* Log-probabilities: out[j] = x[j] - logsumexp(x). */
void gt_log_softmax(float *out, const float *x, int n);

/* Totals over every run of G: tokens prefilled and decoded (one per beam and
 * step), seconds spent in each. */
typedef struct {
    long long prefill_tokens, decode_tokens;
    double prefill_s, decode_s;
    size_t kv_bytes_peak;   /* the largest KV cache held at once, all beams' states */
} gt_gen_stats;
const gt_gen_stats *gt_gen_totals(const gt_gen *g);
/* Add FROM's totals to G's (generators that ran at once: the seconds are
 * summed, and so are the KV cache peaks). */
void gt_gen_add_totals(gt_gen *g, const gt_gen *from);

#endif
