/* The seek index kept beside its recording (PATH.idx), so that a long
 * night opens without reading it: the first open (or the console, when it
 * closes its recording) writes it; later opens load it when it still
 * describes the file: the same size, the same last 4 KiB (a hash), the same
 * build's layout. Anything else (missing, stale, torn, from another build,
 * damaged on purpose) is ignored and the index is built from the recording
 * again. A saved index is derived data: every count and offset is checked
 * against the recording before use, so a bad one can only cost the rebuild.
 * Follow mode never uses it: a growing file is always read. */
#ifndef CUTOVER_REPLAY_INDEX_FILE_H
#define CUTOVER_REPLAY_INDEX_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "replay/index.h"
#include "replay/reader.h"

/* The index file's path for a recording's. 0, or -1 when it does not fit. */
int IndexFile_path(const char *session_path, char *out, size_t size);

/* Loads the saved index of r's file into idx and moves r past what it
 * covers. 0 when used; -1 when there is none or it does not describe the
 * file (idx is then empty, r untouched). */
int IndexFile_load(SessionIndex *idx, SessionReader *r);

/* Writes idx (built from r's whole file) beside it, atomically. 0, or -1
 * with err (a read-only directory: the next open builds it again). */
int IndexFile_save(const SessionIndex *idx, const SessionReader *r, char *err, size_t errsize);

/* Builds and saves the index of the finished recording at path (the
 * console, as it closes its recording): the first replay opens at once.
 * 0, or -1 with err. */
int IndexFile_write_for(const char *session_path, char *err, size_t errsize);

/* The index for r: loaded when a saved one fits, else built from the file
 * and (unless following) saved. 0, or -1 with err (the file unreadable). */
int SessionIndex_open(SessionIndex *idx, SessionReader *r, bool follow, char *err, size_t errsize);

#endif
