/* One chunk compared: its row count and digest sum read on the source and
 * on the target, each on its own connection, at the same time when asked
 * (inside the window every millisecond counts). */
#ifndef CUTOVER_VERIFY_COMPARE_H
#define CUTOVER_VERIFY_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "verify/chunk.h"

typedef struct CompareResult {
    VerifySum source, target;
    int64_t source_ms; /* the source's query alone */
    char error[400];   /* "source: ..." or "target: ..."; "" when both answered */
} CompareResult;

/* Reads both sides; 0 when both answered (then compare source and target),
 * -1 with r->error. parallel: the target's read runs on a second thread. */
int Compare_chunk(Db *source, Db *target, const VerifyTable *t, const VerifyChunk *c, bool parallel,
                  CompareResult *r);

bool Compare_equal(const CompareResult *r);

/* "source 1000 rows, sum 123; target 999 rows, sum 456" */
void Compare_describe(const CompareResult *r, char *out, size_t size);

#endif
