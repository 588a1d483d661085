/* tokstream.h - binary token streams (gentitle-tokens(5)): a 32-byte header
 * (magic, version, id width, vocabulary size, tokenizer fingerprint) and
 * self-delimiting records (token count, response start, ids), all little-endian.
 * Streams concatenate with cat: a header may appear again between records. */
#ifndef GT_TOKSTREAM_H
#define GT_TOKSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define GT_TS_MAGIC "GTO\x8b\r\n\x1a\n"
#define GT_TS_VERSION 1
#define GT_TS_HEADER 32
#define GT_TS_MAXLEN 0x7fffffffu


typedef struct {
    uint32_t version, width, vocab;
    uint64_t fingerprint;
    uint32_t shard_k, shard_n;  /* the stream of tok-encode --shard K/N; N 0: not a shard's */
} gt_ts_header;

/* Id width for a vocabulary: 2 bytes up to 65536 ids, else 4. */
int gt_ts_width(uint32_t vocab);
/* Append a header / a record to B. */
void gt_ts_put_header(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp);
/* A shard's header: K and N (N > 1) in bytes 24-31 (io/shard.h, tok/tsmerge.h). */
void gt_ts_put_header_shard(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp, uint32_t k, uint32_t n);
void gt_ts_put_record(gt_buf *b, uint32_t width, const int32_t *ids, uint32_t n, uint32_t resp);
/* Parse a header at P (GT_TS_HEADER bytes): 0 ok, -1 with a reason. */
int gt_ts_parse_header(const unsigned char *p, gt_ts_header *h, char *err, size_t errsz);

/* Reader over a file ("-" standard input). */
typedef struct gt_tsr gt_tsr;
/* NULL with a reason in ERR when the file cannot be opened or does not start
 * with a stream header. */
gt_tsr *gt_tsr_open(const char *path, char *err, size_t errsz);
const gt_ts_header *gt_tsr_header(const gt_tsr *r);
/* Next record: 1 ok (ids in *IDS, grown as needed), 0 end, -1 error (reason in
 * gt_tsr_error: truncated record, id out of range, a later header that differs). */
int gt_tsr_next(gt_tsr *r, int32_t **ids, size_t *cap, uint32_t *n, uint32_t *resp);
const char *gt_tsr_error(const gt_tsr *r);
uint64_t gt_tsr_records(const gt_tsr *r);
void gt_tsr_close(gt_tsr *r);

/* Byte offset in the stream of the record gt_tsr_next last returned, and of
 * the next byte to read (at the end: the stream's size). */
uint64_t gt_tsr_last_offset(const gt_tsr *r);
uint64_t gt_tsr_offset(const gt_tsr *r);

/* Index files (gentitle-tokens(5), INDEX): magic, the stream's fingerprint,
 * the stream size it was made for, the record count, then one uint64 byte
 * offset per record, all little-endian. */
#define GT_TSIDX_MAGIC "GTIDX\0\1\0"
#define GT_TSIDX_HEADER 32
/* Append an index header to B (the offsets follow, 8 bytes each). */
void gt_tsidx_put_header(gt_buf *b, uint64_t fp, uint64_t stream_size, uint64_t count);
void gt_tsidx_put_offset(gt_buf *b, uint64_t off);
/* Read the whole stream at PATH (not "-") and put its index in *IDX:
 * 0 ok, else an exit status (EX_NOINPUT, EX_DATAERR, EX_IOERR) with a reason. */
int gt_tsidx_build(const char *path, gt_buf *idx, char *err, size_t errsz);

typedef struct gt_tokidx gt_tokidx;
/* Open index PATH for stream STREAM_PATH: NULL with a reason when either
 * cannot be opened (*CODE EX_NOINPUT), or the index is not one, is truncated,
 * was made for another stream (fingerprint) or for a stream of another size
 * (stale) (*CODE EX_DATAERR). CODE may be NULL. */
gt_tokidx *gt_tokidx_open(const char *path, const char *stream_path, char *err, size_t errsz, int *code);
const gt_ts_header *gt_tokidx_header(const gt_tokidx *x);
uint64_t gt_tokidx_count(const gt_tokidx *x);
/* Record I (from 0), read with pread at its offset and validated: 0 ok (ids in
 * *IDS, grown as needed, *CAP their capacity), -1 error (gt_tokidx_error). */
int gt_tokidx_read(gt_tokidx *x, uint64_t i, int32_t **ids, size_t *cap, uint32_t *n, uint32_t *resp);
const char *gt_tokidx_error(const gt_tokidx *x);
void gt_tokidx_close(gt_tokidx *x);

#endif
