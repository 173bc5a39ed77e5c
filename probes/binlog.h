/* Distances between binlog coordinates (file, position), across rotations,
 * for the source's binlog rate and the replica's backlog. */
#ifndef CUTOVER_PROBES_BINLOG_H
#define CUTOVER_PROBES_BINLOG_H

#include <stddef.h>
#include <stdint.h>

#define BINLOG_NAME_MAX  96
#define BINLOG_FILES_MAX 64

/* One line of SHOW BINARY LOGS: a file and its size in bytes. */
typedef struct BinlogFile {
    char name[BINLOG_NAME_MAX];
    uint64_t size;
} BinlogFile;

/* Bytes from (from_file, from_pos) to (to_file, to_pos). Within one file
 * that is the position difference; across files it is the rest of the first
 * file, the whole files in between and to_pos into the last, taken from
 * files[] (in SHOW BINARY LOGS order; each file's header bytes are counted,
 * a few hundred bytes per rotation). Returns 0, or -1 when the distance is
 * unknown: a file missing from the list, or "to" before "from". */
int Binlog_distance(const BinlogFile *files, size_t n, const char *from_file, uint64_t from_pos,
                    const char *to_file, uint64_t to_pos, uint64_t *out);

/* One number that orders binlog coordinates: the file's numeric suffix
 * (mariadb-bin.000042 -> 42) above bit 40, the position below it (a binlog
 * file stays far under 1 TB). 0 when the file has no numeric suffix. */
uint64_t Binlog_coord(const char *file, uint64_t pos);

#endif
