/* file.h - whole small files (configs, templates, tokenizers) read into memory:
 * the one reader of libcore. Large inputs stream through input.h or are mapped
 * (safetensors.h). */
#ifndef GT_FILE_H
#define GT_FILE_H

#include <stddef.h>

/* The bytes of PATH with a NUL after them (*LEN, if given, gets their count
 * without it); at most MAX bytes (0: no limit). NULL on error, with the reason
 * in ERR without the path ("cannot open: No such file or directory", "is a
 * directory", "read error: ...", "larger than 1048576 bytes") and errno kept
 * from the failing call (EISDIR, EFBIG for the limit). */
char *gt_read_file(const char *path, size_t max, size_t *len, char *err, size_t errsz);

/* The exit status for a file a tool could not load: EX_NOINPUT when PATH
 * cannot be opened for reading, else EX_DATAERR (what it holds was refused). */
int gt_file_status(const char *path);

#endif
