/* dataloader.h - training examples from a token stream (gentitle-tokens(5))
 * held in memory, and their batching for lora-train: each epoch the examples
 * are shuffled with the seed, sorted by length within windows of examples (so
 * that a micro-batch holds sequences of similar length and little padding),
 * cut into micro-batches, and the micro-batches shuffled again. Everything is
 * a function of (seed, epoch): a run resumed at any step sees the same data. */
#ifndef GT_DATALOADER_H
#define GT_DATALOADER_H

#include <stddef.h>
#include <stdint.h>

#include "core/rand.h"

typedef struct {
    int32_t *ids;           /* every example's tokens, back to back */
    size_t *off;            /* example i is ids[off[i] .. off[i+1]) */
    uint32_t *resp;         /* response start of each example (token index) */
    size_t n;               /* examples */
    size_t tokens;          /* sum of the lengths */
    size_t labels;          /* response tokens after the first token (the counted labels) */
    int maxlen;             /* longest example */
    uint64_t hash;          /* of every id and response start, for checks on resume */
} gt_dataset;

/* Load stream PATH. VOCAB: ids must be below it. MAXLEN: no example may be
 * longer; LIMIT_WHAT names the limit in the message ("--cutoff-len 256").
 * FINGERPRINT: when not NULL the stream's tokenizer fingerprint must equal it.
 * 0 ok; -1 with "PATH: reason" in ERR. */
int gt_dataset_load(gt_dataset *d, const char *path, int vocab, int maxlen, const char *limit_what,
                    const uint64_t *fingerprint, char *err, size_t errsz);
void gt_dataset_free(gt_dataset *d);

/* Hold out NVAL examples of ALL (0 < NVAL < ALL->n), chosen by SEED
 * (a splitmix64 Fisher-Yates shuffle), as VAL; the others go to TRAIN. Both
 * keep the stream's order; their hashes are of their own examples. ALL is
 * left as it was. */
void gt_dataset_split(const gt_dataset *all, size_t nval, uint64_t seed, gt_dataset *train, gt_dataset *val);

/* An epoch's micro-batches: batch b holds the examples ex[start[b] .. start[b+1]). */
typedef struct {
    size_t *ex;
    size_t *start;
    size_t nb;
} gt_epoch;

/* The order of epoch EPOCH (0-based) for micro-batches of MICRO examples,
 * sorting by length within windows of WINDOW examples (rounded up to a
 * multiple of MICRO; 0: no grouping by length). */
void gt_epoch_plan(gt_epoch *e, const gt_dataset *d, int micro, int window, uint64_t seed, long epoch);
void gt_epoch_free(gt_epoch *e);

/* Fill TOKENS / MASK [nb][T] for micro-batch B (T = its longest example):
 * right padding with id PAD, mask 1 on response tokens only. Returns T. */
int gt_batch_fill(const gt_dataset *d, const gt_epoch *e, size_t b, int32_t *tokens, uint8_t *mask, int32_t pad,
                  int *nseq);


#endif
