#include "lib/home_path.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int HomePath_expand(const char *path, char *out, size_t size)
{
    const char *home = getenv("HOME");
    bool tilde = strncmp(path, "~/", 2) == 0;
    if (tilde && (!home || !*home))
        return -1;
    int n = tilde ? snprintf(out, size, "%s%s", home, path + 1) : snprintf(out, size, "%s", path);
    return n >= 0 && (size_t)n < size ? 0 : -1;
}
