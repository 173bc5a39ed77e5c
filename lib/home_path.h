/* "~/x" as the shell reads it, for paths people write in plans, prompts
 * and environment variables. */
#ifndef CUTOVER_LIB_HOME_PATH_H
#define CUTOVER_LIB_HOME_PATH_H

#include <stddef.h>

/* $HOME/x for "~/x", any other path as it is, into out. 0, or -1 when the
 * path starts with ~/ and HOME is unset or empty, or the result does not
 * fit. */
int HomePath_expand(const char *path, char *out, size_t size);

#endif
