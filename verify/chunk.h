/* The tables the verifier compares and their chunks: ranges of an integer
 * key, each compared source against target by a row count and a sum of
 * per-row digests, and each remembering the binlog coordinate at which it
 * was last found equal and the coordinate of the last change the binlog
 * showed inside it. A chunk is settled (equal, and unchanged since) when
 * its last change is not after its last check. A table without a single
 * integer key is one chunk covering the whole table, its changes tracked
 * per table. Pure: the SQL is built here and run by the verifier. */
#ifndef CUTOVER_VERIFY_CHUNK_H
#define CUTOVER_VERIFY_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERIFY_SUM_MAX   48
#define CHUNK_DIRTY_KEYS 16

typedef enum {
    CHUNK_NEW = 0,   /* never compared */
    CHUNK_EQUAL,     /* equal at checked_at */
    CHUNK_UNSETTLED, /* differed while the binlog still moved: rechecked */
} ChunkState;

typedef struct VerifySum {
    int64_t rows;
    char sum[VERIFY_SUM_MAX]; /* the digest sum as the server printed it */
} VerifySum;

typedef struct VerifyChunk {
    int64_t lo, hi; /* keys lo..hi, both included; the first starts at INT64_MIN, the last
                     * ends at INT64_MAX so rows inserted past either end are inside */
    ChunkState state;
    uint64_t checked_at; /* Binlog_coord read before the source's side of the last check */
    uint64_t changed_at; /* the newest change inside seen in the binlog (0: none) */
    /* The keys changed since the last comparison, lo..hi (lo > hi: none):
     * a chunk found equal and changed only there needs only that span
     * compared again. A change without a key spans the whole chunk. */
    int64_t dirty_lo, dirty_hi;
    /* The same keys one by one while they are few (ndirty -1: more than
     * fit, or a change without a key; the span holds them): a chunk found
     * equal and changed at a few rows needs only those rows compared, which
     * under changes spread over a big table is far less than the span. */
    int64_t dirty_keys[CHUNK_DIRTY_KEYS];
    int ndirty;
    bool keys_only; /* a recheck span (Chunk_recheck_span): only dirty_keys */
    int64_t checked_mono_ms;
    int64_t rows; /* at the last check */
} VerifyChunk;

typedef struct VerifyTable {
    char name[130];     /* schema.table, as the plan names it */
    char quoted[200];   /* `schema`.`table` */
    char key[70];       /* the integer key column, quoted; "" when not chunked */
    int key_ordinal;    /* its position (@N in the binlog); 0 when not chunked */
    char why_whole[96]; /* why it is one chunk ("no primary or unique key", ...) */
    char *row_digest;   /* SQL: one row's 64-bit digest over every column */
    VerifyChunk *chunks;
    size_t nchunks, cap;
    bool planned; /* chunks cover the whole key range */
} VerifyTable;

/* `name`, any backtick in it doubled. */
void Chunk_quote_name(const char *name, char *out, size_t size);

/* The row digest expression over columns (names as read from the server):
 * the first 16 hex digits of MD5 over every value and a null mask, so a NULL
 * and an empty string differ. Allocated; NULL on no memory. */
char *Chunk_row_digest(const char *const *columns, size_t n);

/* SELECT COUNT(*), SUM(digest) of the chunk (c NULL: the whole table). */
void Chunk_sum_sql(const VerifyTable *t, const VerifyChunk *c, char *sql, size_t size);

/* The key n rows past lo (where the next chunk starts). */
void Chunk_boundary_sql(const VerifyTable *t, int64_t lo, int64_t n, char *sql, size_t size);

/* Appends the chunk lo..hi; -1 on no memory. */
int Chunk_append(VerifyTable *t, int64_t lo, int64_t hi);
/* Splits chunk i before key at (lo < at <= hi); both halves keep its state. */
int Chunk_split(VerifyTable *t, size_t i, int64_t at);
/* Joins chunk i and i+1 when both are settled and hold together at most
 * max_rows: the tail's cuts would otherwise leave a chunk per comparison.
 * The joined chunk keeps the older comparison. 1 joined, 0 not. */
int Chunk_merge_settled(VerifyTable *t, size_t i, int64_t max_rows);

/* The chunk holding key, or NULL (not yet planned). */
VerifyChunk *Chunk_of(VerifyTable *t, int64_t key);

/* A change at coord inside key (has_key) or anywhere in the table. */
void Chunk_mark_changed(VerifyTable *t, bool has_key, int64_t key, uint64_t coord);

/* Equal at its last check and not changed after it. */
bool Chunk_settled(const VerifyChunk *c);

/* Records a comparison at coord: its state, and the changed span forgotten
 * unless a change after coord is already known (then the span is kept
 * whole: it holds that change). */
void Chunk_compared(VerifyChunk *c, bool equal, uint64_t coord);

/* What must be compared again: of a chunk found equal before, only the
 * rows changed since (keys_only, while they are few) or their span
 * (narrowed, true); else the whole chunk (false). */
bool Chunk_recheck_span(const VerifyChunk *c, VerifyChunk *span);

/* "id 1..5000", "id 300001..end", "whole table": for messages. */
void Chunk_describe(const VerifyTable *t, const VerifyChunk *c, char *out, size_t size);

void Chunk_table_free(VerifyTable *t);

#endif
