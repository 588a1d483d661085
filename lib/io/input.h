/* input.h - line reader over plain or zstd-compressed files (detected by magic). */
#ifndef GT_INPUT_H
#define GT_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include "core/progress.h"

typedef struct gt_reader gt_reader;

/* Open PATH ("-" or NULL: standard input). Lines longer than MAX_LINE bytes are
 * skipped without being buffered (gt_reader_next reports them). Returns NULL and
 * prints "prog: PATH: reason" when the file cannot be opened. */
gt_reader *gt_reader_open(const char *path, size_t max_line);

enum { GT_READ_EOF = 0, GT_READ_LINE = 1, GT_READ_TOOLONG = 2, GT_READ_ERROR = -1 };

/* Next line, without its '\n' (and without a trailing '\r'; the first line
 * without a UTF-8 byte order mark, EF BB BF, at its start). The pointer stays
 * valid until the next call. GT_READ_TOOLONG: a line over the limit was skipped
 * (its number is gt_reader_lineno). GT_READ_ERROR: a read or decompression error
 * (gt_reader_error says what; gt_reader_error_code gives EX_IOERR or EX_DATAERR). */
int gt_reader_next(gt_reader *r, const char **line, size_t *len);

/* 1 when the next gt_reader_next will not wait for a writer (a line or the
 * end is at hand, or the input is a regular file); 0 when it may. */
int gt_reader_ready(const gt_reader *r);
long gt_reader_lineno(const gt_reader *r);
const char *gt_reader_name(const gt_reader *r);   /* "<stdin>" for standard input */
const char *gt_reader_error(const gt_reader *r);
int gt_reader_error_code(const gt_reader *r);
int gt_reader_is_zstd(const gt_reader *r);
uint64_t gt_reader_bytes_in(const gt_reader *r);  /* file bytes consumed */
uint64_t gt_reader_size(const gt_reader *r);      /* file size if known, else 0 */
void gt_reader_close(gt_reader *r);

/* The non-blank lines of FILES one after the other (standard input when
 * NFILES is 0; "-" also names it), for the tools' main loops: a file that
 * cannot be opened ends the input with status EX_NOINPUT (the reader printed
 * why); a read or decompression error is reported as "prog: NAME: reason
 * (after line N)" (OUT, when not NULL, flushed first) and ends it with the
 * reader's code; progress is shown per file (on: see gt_progress_wanted). */
typedef struct {
    char *const *files;
    int nfiles, next;
    size_t max_line;
    int progress_on;
    uint64_t progress_mask;     /* see gt_progress.mask (open: 1023; 0: every record) */
    gt_progress prog;
    struct gt_out_s *out;
    gt_reader *r;
    uint64_t bytes_done;        /* bytes of the files finished */
    uint64_t lines;             /* lines returned */
    int status;                 /* 0, or what ended the input early */
} gt_lines;

void gt_lines_open(gt_lines *L, char *const *files, int nfiles, size_t max_line, int progress_on,
                   struct gt_out_s *out);
/* GT_READ_LINE or GT_READ_TOOLONG with the line, or GT_READ_EOF when the input
 * is over (L->status tells an early end). */
int gt_lines_next(gt_lines *L, const char **line, size_t *len);
static inline const char *gt_lines_name(const gt_lines *L) { return gt_reader_name(L->r); }
static inline long gt_lines_lineno(const gt_lines *L) { return gt_reader_lineno(L->r); }
/* gt_reader_ready for the next line (1 between files) */
int gt_lines_ready(const gt_lines *L);
/* Progress with RECORDS done (call after each line; cheap). */
void gt_lines_progress(gt_lines *L, uint64_t records);
/* Stop early (or after the end): close the current file, end its progress line. */
void gt_lines_close(gt_lines *L, uint64_t records);

#endif
