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

/* Open PATH for reading if it is a regular file (after symbolic links): its
 * descriptor (O_CLOEXEC, blocking), or -1 with the reason in ERR without the
 * path ("cannot open: ...", "is a directory", "not a regular file (a FIFO)")
 * and errno (from open, EISDIR, or EINVAL for a FIFO, socket or device). A
 * FIFO is never opened blocking, so nobody writing to it cannot hang us. The
 * one opener of model, tokenizer and adapter files. */
int gt_open_regular(const char *path, char *err, size_t errsz);
/* gt_read_file for files that must be regular (through gt_open_regular). */
char *gt_read_regular(const char *path, size_t max, size_t *len, char *err, size_t errsz);

/* The exit status for a file a tool could not load: EX_NOINPUT when PATH
 * cannot be opened for reading or is not a regular file or folder (a FIFO, a
 * socket, a device), else EX_DATAERR (what it holds was refused). */
int gt_file_status(const char *path);

#endif
