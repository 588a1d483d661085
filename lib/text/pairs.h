/* pairs.h - pair-build's parts: a compact set of 64-bit hashes for
 * de-duplication, the title+abstract normalisation behind "same text", and the
 * deterministic train/val/test split. */
#ifndef GT_PAIRS_H
#define GT_PAIRS_H

#include <stddef.h>
#include <stdint.h>

/* ---- hash set ----
 * Open addressing (linear probing) over 64-bit hashes, split in GT_HSET_SHARDS
 * shards by the top bits of the hash. Each shard grows by 1.4x when over 85%
 * full, so one shard at a time is rehashed: the whole set costs between 9.4 and
 * 13.2 bytes per hash, plus one shard's worth while that shard grows. Large shard
 * arrays are mmap'd so a freed one goes back to the system at once. */
#define GT_HSET_SHARDS 64

typedef struct {
    size_t cur, peak;      /* bytes of table memory now, and the most ever */
} gt_memacct;

typedef struct {
    uint64_t *slot;        /* 0 = empty */
    size_t cap, n;
} gt_hshard;

typedef struct {
    gt_hshard sh[GT_HSET_SHARDS];
    size_t n;
    gt_memacct *acct;      /* shared by sets whose memory is counted together */
} gt_hset;

void gt_hset_init(gt_hset *s, gt_memacct *acct);
void gt_hset_free(gt_hset *s);
/* Add H: 1 if it was new, 0 if it was already there. */
int gt_hset_add(gt_hset *s, uint64_t h);
int gt_hset_has(const gt_hset *s, uint64_t h);

/* ---- de-duplication ----
 * First one seen wins: a record is a duplicate when its id was seen before, or
 * when its normalised title+abstract was (see gt_text_hash). Only the hashes are
 * kept: ids of every record that passed the id check, texts of kept records. */
enum { GT_DUP_NONE = 0, GT_DUP_ID = 1, GT_DUP_TEXT = 2 };

typedef struct {
    gt_hset ids, texts;
    gt_memacct acct;
    char *buf; size_t cap;    /* normalisation scratch */
} gt_dedupe;

void gt_dedupe_init(gt_dedupe *d);
void gt_dedupe_free(gt_dedupe *d);
/* Check a record and remember it: GT_DUP_NONE (new, keep it), GT_DUP_ID or GT_DUP_TEXT. */
int gt_dedupe_check(gt_dedupe *d, const char *id, size_t idn,
                    const char *title, size_t tn, const char *abs, size_t an);

/* Normalise TITLE and ABS for comparison: ASCII letters folded to lower case,
 * ASCII digits kept, every other ASCII byte dropped, bytes >= 0x80 (UTF-8) kept
 * as they are; the two parts joined by one 0 byte. Writes into *BUF (grown as
 * needed) and returns the length; the normalised text of a record whose title
 * and abstract hold no letter or digit is 1 byte long (the 0). */
size_t gt_text_normalise(const char *title, size_t tn, const char *abs, size_t an,
                         char **buf, size_t *cap);

/* ---- splits ---- */
enum { GT_SPLIT_TRAIN = 0, GT_SPLIT_VAL = 1, GT_SPLIT_TEST = 2, GT_SPLIT_SKIP = -1 };
extern const char *const gt_split_name[3];

typedef struct {
    uint64_t w[3];         /* train:val:test weights (hash split) */
    uint64_t seed;
    char test_since[11];   /* "" = none */
    char val_since[11];    /* "" = none */
} gt_split;

/* Parse "A:B:C" or "A:B" (C = 0) into W. Each weight 0..1000000, sum > 0.
 * Returns the number of weights given (2 or 3), -1 when malformed. */
int gt_split_parse(const char *s, uint64_t w[3]);

/* Which split a record goes to. A time split (test_since or val_since set) needs
 * DATE (YYYY-MM-DD, else GT_SPLIT_SKIP): DATE >= test_since -> test, DATE >=
 * val_since -> val, otherwise the hash split over train:val. The hash split
 * puts gt_hash64(ID, seed) into [0, w0+w1+w2) and picks train, val, test in that
 * order: the same record always gets the same split for the same weights and seed. */
int gt_split_assign(const gt_split *sp, const char *id, size_t idn,
                    const char *date, size_t daten);

#endif
