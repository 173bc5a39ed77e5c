#include "probes/binlog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static long Binlog_find(const BinlogFile *files, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].name, name) == 0)
            return (long)i;
    return -1;
}

int Binlog_distance(const BinlogFile *files, size_t n, const char *from_file, uint64_t from_pos,
                    const char *to_file, uint64_t to_pos, uint64_t *out)
{
    if (strcmp(from_file, to_file) == 0) {
        if (to_pos < from_pos)
            return -1;
        *out = to_pos - from_pos;
        return 0;
    }
    long from = Binlog_find(files, n, from_file);
    long to = Binlog_find(files, n, to_file);
    if (from < 0 || to < 0 || to <= from || files[from].size < from_pos)
        return -1;
    uint64_t bytes = files[from].size - from_pos;
    for (long i = from + 1; i < to; i++)
        bytes += files[i].size;
    *out = bytes + to_pos;
    return 0;
}

uint64_t Binlog_coord(const char *file, uint64_t pos)
{
    const char *dot = strrchr(file, '.');
    if (!dot || !dot[1])
        return 0;
    for (const char *p = dot + 1; *p; p++)
        if (!isdigit((unsigned char)*p))
            return 0;
    uint64_t seq = strtoull(dot + 1, NULL, 10);
    if (seq == 0 || seq >= (1ULL << 23) || pos >= (1ULL << 40))
        return 0;
    return seq << 40 | pos;
}
