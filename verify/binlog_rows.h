/* The row changes in the text `mariadb-binlog --verbose
 * --base64-output=decode-rows` prints: for every row image of an INSERT,
 * UPDATE (its WHERE and its SET image) or DELETE, the table and the value
 * of the one column the caller asks for (the table's integer key, by its
 * position @N), with the binlog coordinate of the row event. The verifier
 * uses it to learn which chunks changed after it last found them equal.
 * No I/O: fed bytes, it calls back, so it is unit-tested on recorded
 * output. */
#ifndef CUTOVER_VERIFY_BINLOG_ROWS_H
#define CUTOVER_VERIFY_BINLOG_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BINLOG_ROWS_NAME_MAX 130

/* The key column's position (1-based, as @N) for "schema.table", or 0 to
 * hear of its rows without a key (the table is tracked as a whole), or -1
 * to ignore the table. */
typedef int (*BinlogRowsKeyFn)(const char *table, void *ctx);

/* One row image: has_key false when the table has no integer key column or
 * the value did not fit an int64. coord as Binlog_coord. */
typedef void (*BinlogRowsChangeFn)(const char *table, bool has_key, int64_t key, uint64_t coord,
                                   void *ctx);

/* One line of a statement event that is not transaction control or a
 * session setting: DDL, TRUNCATE, or DML logged as a statement. Rows it
 * changes have no row images, so the caller marks any table it names. */
typedef void (*BinlogRowsStatementFn)(const char *line, uint64_t coord, void *ctx);

typedef struct BinlogRows {
    BinlogRowsKeyFn key_of;
    BinlogRowsChangeFn on_change;
    BinlogRowsStatementFn on_statement; /* optional */
    void *ctx;
    char line[8192]; /* the line being gathered (longer ones are cut: only heads matter) */
    size_t len;
    char file[128];     /* the binlog file the stream is in */
    uint64_t pos;       /* end_log_pos of the last event header */
    uint64_t coord;     /* Binlog_coord(file, pos): how far the stream has been read */
    uint64_t at;        /* the last "# at N": where the event being read starts */
    char trx_file[128]; /* where the last transaction started (its GTID event): a reader */
    uint64_t trx_pos;   /* restarted there sees every row of it with its table map */
    char table[BINLOG_ROWS_NAME_MAX];
    int ordinal;     /* of the current row's table: as key_of said */
    bool image_open; /* a WHERE/SET image whose key is not yet seen */
} BinlogRows;

void BinlogRows_init(BinlogRows *b, const char *file, BinlogRowsKeyFn key_of,
                     BinlogRowsChangeFn on_change, void *ctx);
void BinlogRows_feed(BinlogRows *b, const char *bytes, size_t n);

/* Parses "@N=value" (value a decimal, or "-6 (250)" as unsigned columns
 * print); exported for the unit test. 1 with *n and *value, 0 when the value
 * is not an integer that fits, -1 when the line is not "@N=...". */
int BinlogRows_value(const char *text, int *n, int64_t *value);

#endif
