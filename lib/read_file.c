#include "lib/read_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Doubles buf up to max + 1 bytes; NULL (buf freed) when out of memory. */
static char *ReadFile_grow(char *buf, size_t *cap, size_t max)
{
    size_t next = *cap * 2 > max + 1 ? max + 1 : *cap * 2;
    char *grown = realloc(buf, next);
    if (!grown)
        free(buf);
    *cap = next;
    return grown;
}

char *ReadFile_all(const char *path, size_t max, size_t *len, char *err, size_t errsize)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = max < 4096 ? max + 1 : 4096, n = 0, got;
    char *buf = malloc(cap);
    /* Reads one byte past max, so a file of exactly max bytes is whole. */
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && cap < max + 1)
            buf = ReadFile_grow(buf, &cap, max);
        else if (n == cap)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed || n > max) {
        if (!buf)
            snprintf(err, errsize, "%s: out of memory", path);
        else if (failed)
            snprintf(err, errsize, "%s: read error", path);
        else
            snprintf(err, errsize, "%s: larger than %zu bytes", path, max);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}
