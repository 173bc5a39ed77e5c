/* The one way the console writes a file a reader must never see half
 * written (a report, an export): into a temporary file beside it, created
 * exclusively, flushed and fsynced, renamed over the target, and the
 * directory fsynced so the rename survives a crash. On any failure the
 * target is untouched and the temporary file removed. */
#ifndef CUTOVER_LIB_ATOMIC_FILE_H
#define CUTOVER_LIB_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the content into f; 0, or -1 with err (errno kept for the
 * message when err is left empty). */
typedef int (*AtomicFileWriter)(FILE *f, void *ctx, char *err, size_t errsize);

/* 0, or -1 with "cannot write PATH: why" in err. */
int AtomicFile_write(const char *path, int mode, AtomicFileWriter write, void *ctx, char *err,
                     size_t errsize);

/* fsyncs the directory holding path, so a create, rename or unlink in it
 * survives a crash. 0, or -1 with err. */
int AtomicFile_sync_dir(const char *path, char *err, size_t errsize);

#endif
