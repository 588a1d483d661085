/* encode.h - tok-encode's work apart from its options: lines of pairs (each
 * rendered by a prompt template, cut to --cutoff-len) or of plain text,
 * gathered in batches, encoded over worker threads into token stream records
 * (gentitle-tokens(5)) or lines of ids, written in input order; with the
 * counts and length statistics tok-encode reports. */
#ifndef GT_ENCODE_H
#define GT_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "io/output.h"
#include "tok/template.h"
#include "tok/tokenizer.h"

typedef struct {
    const gt_tok *tok;
    const gt_template *tpl;     /* pairs: the prompt */
    int text;                   /* lines are plain texts, not pairs */
    int ids_fmt;                /* write lines of ids, not stream records */
    int bos, eos;               /* add BOS / EOS to each example */
    int bos_id, eos_id;         /* which ids they are (specials.h) */
    int quiet, strict;          /* as tok-encode's --quiet and --strict */
    int train_on_inputs;        /* records' response start 0 */
    long cutoff;                /* at most this many tokens an example (0: no limit) */
    size_t max_line;            /* the reader's limit, named in messages */
    uint32_t shard_k, shard_n;  /* --shard K/N, N > 1 (io/shard.h): a stream header with K and N first
                                 * and for each record without an example (ids: the shard's header
                                 * line first, and a line "-" for each); else N 0 */
} gt_enc_opts;

typedef struct {
    uint64_t lines;             /* examples read: every text line, every pair line not blank */
    uint64_t records, bad;      /* written; malformed */
    uint64_t shortened, dropped;    /* inputs cut for the cutoff; examples too long even without */
    uint64_t tokens;            /* in the records written */
} gt_enc_counts;

typedef struct gt_encoder gt_encoder;

gt_encoder *gt_enc_new(const gt_enc_opts *o, int jobs);
void gt_enc_free(gt_encoder *e);

/* A stream's header, for the records to follow, to OUT; the bytes written
 * (lines of ids: nothing, or under --shard the shard's header line, 0). */
uint64_t gt_enc_header(const gt_encoder *e, gt_out *out);

/* Is the batch full (4 MB of text, or 16384 lines a thread)? */
int gt_enc_full(const gt_encoder *e);
/* Is a line as gt_reader_next gave it (ST, LEN) an input record (counted in
 * .lines, and for --shard)? Every line of text, every pair line not blank,
 * and every line too long. */
int gt_enc_is_record(const gt_encoder *e, int st, size_t len);
/* Queue a line as gt_reader_next gave it (ST: GT_READ_LINE, or GT_READ_TOOLONG
 * for a line that was too long) with its number. */
void gt_enc_add(gt_encoder *e, int st, const char *line, size_t len, long lineno);
/* Encode the queued lines over the threads, then write in input order each
 * one's messages ("prog: FNAME:LINE: reason", to standard error after OUT is
 * flushed) and output (to OUT; with IDX, each record's offset, *WRITTEN
 * counting the stream's bytes so far, appended as index entries); the batch
 * is then empty. 1 when --strict stopped at a malformed line (nothing after
 * it written), else 0. */
int gt_enc_run(gt_encoder *e, const char *fname, gt_out *out, gt_buf *idx, uint64_t *written);

/* The counts so far, over every thread. */
gt_enc_counts gt_enc_counts_of(const gt_encoder *e);
/* tok-encode --stats on standard error: examples, tokens and their mean,
 * length percentiles, and with a cutoff what it shortened and left out. */
void gt_enc_print_stats(const gt_encoder *e);

#endif
