/* Durable file changes for the file methods: a flag file created or removed
 * with the directory fsynced, and a KEY=value line rewritten atomically. */
#ifndef CUTOVER_CHECKLIST_FSUTIL_H
#define CUTOVER_CHECKLIST_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Creates (or rewrites) path with text, fsyncs it and its directory. */
int Fs_write_durable(const char *path, const char *text, int mode, char *err, size_t errsize);

/* Removes path (absent is fine) and fsyncs the directory. */
int Fs_remove_durable(const char *path, char *err, size_t errsize);

bool Fs_exists(const char *path);

/* Reads KEY's value from a file of KEY=value lines. 1 found, 0 no such key,
 * -1 with err when the file cannot be read. */
int Fs_read_key(const char *path, const char *key, char *value, size_t size, char *err,
                size_t errsize);

/* Rewrites KEY's line to KEY=value, keeping every other byte: a temp file in
 * the same directory with the original's mode, owner and group, fsync,
 * rename over, fsync the directory. A symlink is followed: the file it names
 * is replaced and the link stays. -1 with err (the original untouched) on
 * failure, when the key is not in the file, or when the owner cannot be
 * kept. */
int Fs_replace_key(const char *path, const char *key, const char *value, char *err, size_t errsize);

#endif
