/* bpe_train.h - learn a SentencePiece-style BPE vocabulary with byte fallback
 * and write it as a Hugging Face tokenizer.json (the layout of LLaMA-1/2:
 * <unk> <s> </s>, the 256 <0xNN> byte pieces, then characters and merged
 * pieces; normalizer Sequence[Prepend("▁"), Replace(" ", "▁")], no
 * pre-tokenizer, decoder Sequence[Replace("▁", " "), ByteFallback, Fuse,
 * Strip(" ", 1, 0)], TemplateProcessing adding <s>).
 *
 * Texts are seen as that pipeline sees them: "▁" prepended to a non-empty
 * text, every space replaced by "▁", each invalid UTF-8 byte taken as U+FFFD.
 * The text is cut into words before each "▁" and words are counted; merges are
 * learnt inside words only, and no merge has a right side that starts with
 * "▁", so every piece holds "▁" at most at its start and encoding a whole text
 * (the tokenizer has no pre-tokenizer) gives the same pieces as encoding its
 * words one by one.
 *
 * Alphabet: characters seen at least MIN_FREQUENCY times (U+0000 never), the
 * most frequent first when they do not all fit (ties: smaller code point);
 * other characters fall back to byte pieces and never merge. Merges: each step
 * merges the pair of adjacent pieces with the highest count (summed over word
 * occurrences) that is at least MIN_FREQUENCY, ties broken by the
 * lexicographically smallest pair (left piece's bytes, then right piece's).
 * A merge whose result spells a special or byte piece ("<s>", "<0x41>") is
 * never made. A merge whose result is already a piece adds no new id. Training
 * stops when the vocabulary is full or no pair qualifies. Pair counts are kept
 * with incremental updates over the table of distinct words, and a lazy
 * max-heap picks the best pair, so each merge costs time in proportion to the
 * words that hold the pair. */
#ifndef GT_BPE_TRAIN_H
#define GT_BPE_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include "io/output.h"

#define GT_BPE_NSPECIAL 3       /* <unk> <s> </s> */
#define GT_BPE_MIN_VOCAB (GT_BPE_NSPECIAL + 256)

typedef struct gt_bpe gt_bpe;

typedef struct {
    uint64_t texts;             /* non-empty texts added */
    uint64_t words;             /* word occurrences */
    uint64_t uniq_words;
    uint64_t chars_seen;        /* distinct characters */
    int alphabet;               /* characters given a piece */
    int merges;                 /* merges learnt */
    int vocab;                  /* final vocabulary size */
    uint64_t fallback_chars;    /* character occurrences outside the alphabet */
} gt_bpe_stats;

gt_bpe *gt_bpe_new(void);
void gt_bpe_free(gt_bpe *b);

/* Count the words of one text (N bytes, any bytes). */
void gt_bpe_add_text(gt_bpe *b, const char *s, size_t n);

/* Learn the vocabulary: VOCAB_SIZE pieces at most (>= GT_BPE_MIN_VOCAB),
 * MIN_FREQUENCY >= 1. 0 ok; -1 with a reason in ERR (no text). Call once. */
int gt_bpe_train(gt_bpe *b, int vocab_size, long min_frequency, char *err, size_t errsz);

const gt_bpe_stats *gt_bpe_stats_get(const gt_bpe *b);

/* Write the trained tokenizer.json to O. */
void gt_bpe_write_json(const gt_bpe *b, gt_out *o);

#endif
