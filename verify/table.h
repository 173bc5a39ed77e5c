/* What the verifier needs to know of a table, read from the source's
 * information_schema: every column in order (for the row digest) and the
 * key that orders its chunks: the primary key, else a unique key over NOT
 * NULL columns; chunked when that key is a single integer column. */
#ifndef CUTOVER_VERIFY_TABLE_H
#define CUTOVER_VERIFY_TABLE_H

#include <stddef.h>

#include "db/db.h"
#include "verify/chunk.h"

/* Fills t for "schema.table"; -1 with err (no such table, no columns). */
int VerifyTable_load(Db *db, const char *name, VerifyTable *t, char *err, size_t errsize);

#endif
