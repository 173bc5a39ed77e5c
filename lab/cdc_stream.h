/* The text that `mariadb-binlog --verbose` prints, cut into the items the
 * lab's DMS stand-in acts on: a statement to run on the target (a BINLOG row
 * statement with the tables its table maps name, a session setting, DDL with
 * the table or schema it touches), the transaction's start and commit (with
 * the end position of its Xid event), a rotation to the next binlog file,
 * and one ROWS item per row of the verbose "### INSERT/UPDATE/DELETE" lines
 * (for the counters). Statements end at the client's delimiter "/+!+/;" as
 * the dump sets it (DELIMITER /+!+/;), written here with + for the stars.
 * No I/O: fed bytes, it hands out items, so it is unit-tested on recorded
 * output. */
#ifndef CUTOVER_LAB_CDC_STREAM_H
#define CUTOVER_LAB_CDC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CDC_ITEM_SESSION, /* run it: SET ..., use `db` */
    CDC_ITEM_NOISE,   /* leave it out: the source's GTID/server_id, client commands */
    CDC_ITEM_OTHER,   /* a statement that is not DDL on a table (accounts, FLUSH ...) */
    CDC_ITEM_BEGIN,
    CDC_ITEM_COMMIT, /* end_pos: where the next transaction starts */
    CDC_ITEM_BINLOG, /* tables[]: what its table maps name */
    CDC_ITEM_ROWS,   /* table, row_kind: one row of the last BINLOG statement */
    CDC_ITEM_DDL,    /* table ("schema.table") or schema (CREATE DATABASE); end_pos */
    CDC_ITEM_ROTATE, /* file, end_pos (the position in the new file) */
} CdcItemKind;

enum { CDC_ROW_INSERT, CDC_ROW_UPDATE, CDC_ROW_DELETE };
enum { CDC_MAX_MAPS = 8, CDC_NAME_MAX = 130 };

typedef struct CdcItem {
    CdcItemKind kind;
    const char *sql; /* the statement without its delimiter (valid until the next call) */
    size_t len;
    uint64_t end_pos;
    double ts; /* the source's commit time (SET TIMESTAMP), epoch seconds */
    int row_kind;
    char table[CDC_NAME_MAX];
    char schema[64];
    char file[256];
    int ntables;
    char tables[CDC_MAX_MAPS][CDC_NAME_MAX];
} CdcItem;

typedef struct CdcStream {
    char *in; /* bytes fed, not yet cut into lines */
    size_t in_len, in_cap, in_off;
    char *stmt; /* the statement being gathered */
    size_t stmt_len, stmt_cap;
    uint64_t end_pos; /* of the event whose header was read last */
    double ts;
    char db[64];         /* the default database (use `db`) */
    bool dump_delimiter; /* the dump's DELIMITER is in force, not ";" */
    int nmaps;
    char maps[CDC_MAX_MAPS][CDC_NAME_MAX];
} CdcStream;

void CdcStream_feed(CdcStream *s, const char *bytes, size_t n);

/* The next complete item into it: 1, or 0 when more bytes are needed. */
int CdcStream_next(CdcStream *s, CdcItem *it);

/* Forgets everything fed (a new reader starts). */
void CdcStream_reset(CdcStream *s);
void CdcStream_free(CdcStream *s);

/* "CREATE TABLE IF NOT EXISTS `a`.b (..." -> table "a.b"; CREATE DATABASE
 * -> schema; unqualified names take db. 1 when it is DDL on a table or a
 * schema, else 0 (exported for the unit test). */
int CdcStream_ddl_target(const char *sql, const char *db, char *table, size_t tsize, char *schema,
                         size_t ssize);

#endif
