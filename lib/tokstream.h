/* tokstream.h - binary token streams (gentitle-tokens(5)): a 32-byte header
 * (magic, version, id width, vocabulary size, tokenizer fingerprint) and
 * self-delimiting records (token count, response start, ids), all little-endian.
 * Streams concatenate with cat: a header may appear again between records. */
#ifndef GT_TOKSTREAM_H
#define GT_TOKSTREAM_H

#include <stddef.h>
#include <stdint.h>

#define GT_TS_MAGIC "GTO\x8b\r\n\x1a\n"
#define GT_TS_VERSION 1
#define GT_TS_HEADER 32
#define GT_TS_MAXLEN 0x7fffffffu

typedef struct { char *p; size_t n, cap; } gt_buf;
void gt_buf_add(gt_buf *b, const void *p, size_t n);
void gt_buf_free(gt_buf *b);

typedef struct {
    uint32_t version, width, vocab;
    uint64_t fingerprint;
} gt_ts_header;

/* Id width for a vocabulary: 2 bytes up to 65536 ids, else 4. */
int gt_ts_width(uint32_t vocab);
/* Append a header / a record to B. */
void gt_ts_put_header(gt_buf *b, uint32_t width, uint32_t vocab, uint64_t fp);
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

/* Does P (N bytes) start like a stream? */
int gt_ts_is_stream(const void *p, size_t n);

#endif
