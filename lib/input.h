/* input.h - line reader over plain or zstd-compressed files (detected by magic). */
#ifndef GT_INPUT_H
#define GT_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct gt_reader gt_reader;

/* Open PATH ("-" or NULL: standard input). Lines longer than MAX_LINE bytes are
 * skipped without being buffered (gt_reader_next reports them). Returns NULL and
 * prints "prog: PATH: reason" when the file cannot be opened. */
gt_reader *gt_reader_open(const char *path, size_t max_line);

enum { GT_READ_EOF = 0, GT_READ_LINE = 1, GT_READ_TOOLONG = 2, GT_READ_ERROR = -1 };

/* Next line, without its '\n' (and without a trailing '\r'). The pointer stays
 * valid until the next call. GT_READ_TOOLONG: a line over the limit was skipped
 * (its number is gt_reader_lineno). GT_READ_ERROR: a read or decompression error
 * (gt_reader_error says what; gt_reader_error_code gives EX_IOERR or EX_DATAERR). */
int gt_reader_next(gt_reader *r, const char **line, size_t *len);

long gt_reader_lineno(const gt_reader *r);
const char *gt_reader_name(const gt_reader *r);   /* "<stdin>" for standard input */
const char *gt_reader_error(const gt_reader *r);
int gt_reader_error_code(const gt_reader *r);
int gt_reader_is_zstd(const gt_reader *r);
uint64_t gt_reader_bytes_in(const gt_reader *r);  /* file bytes consumed */
uint64_t gt_reader_size(const gt_reader *r);      /* file size if known, else 0 */
void gt_reader_close(gt_reader *r);

#endif
