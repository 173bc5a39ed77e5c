/* The one way the console reads a whole small file (a plan, a theme, a
 * token, a KEY=value file): bounded, NUL-terminated, and the reason in
 * words when it cannot. */
#ifndef CUTOVER_LIB_READ_FILE_H
#define CUTOVER_LIB_READ_FILE_H

#include <stddef.h>

/* The file's bytes (malloc'd, NUL added; len may be NULL), or NULL with
 * "PATH: why" in err ("larger than N bytes" when it exceeds max). */
char *ReadFile_all(const char *path, size_t max, size_t *len, char *err, size_t errsize);

#endif
