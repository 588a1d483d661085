/* tsmerge.h - tok-encode --shard-merge: the token streams of the N shards of
 * a --shard run (io/shard.h) as the one stream of an unsharded run. In a
 * shard's stream, a header repeated after the first stands for a record that
 * gave no example (malformed, left out by --cutoff-len, an empty text). */
#ifndef GT_TSMERGE_H
#define GT_TSMERGE_H

#include <stdint.h>

#include "core/buf.h"
#include "io/output.h"
#include "tok/tokstream.h"

/* Merge the streams FILES (NFILES, in shard order K = 0 .. N-1, each
 * header saying K and N; one stream not of a shard is copied) to OUT: one
 * header (*H: theirs, which must all have one tokenizer; K and N 0), then the records in input
 * order; with IDX, each record's offset in OUT appended (index entries);
 * *WRITTEN the bytes written. 0, or an exit status after "prog: FILE:
 * reason" on standard error: EX_NOINPUT (a file cannot be opened),
 * EX_DATAERR (not a stream, damaged, another tokenizer, or records that do
 * not line up: see gt_shard_merge), EX_IOERR (a read error). */
int gt_ts_shard_merge(char *const *files, int nfiles, gt_out *out, gt_buf *idx, uint64_t *written, gt_ts_header *h);

#endif
