/* Which tables verification covers: the plan's list, or with "tables":
 * "all" every base table of the source outside the system schemas and the
 * console's own (heartbeat, fence), and of those only the ones the DMS
 * task's table mappings carry when the plan names a task (a table DMS does
 * not carry is not on the target by design). What was left out is named in
 * the summary, never dropped silently. */
#ifndef CUTOVER_VERIFY_TABLE_LIST_H
#define CUTOVER_VERIFY_TABLE_LIST_H

#include <stddef.h>

#include "db/db.h"
#include "plan/plan.h"

/* The schemas that are the server's own, never the application's (an SQL
 * list for NOT IN). */
#define TABLE_LIST_SYSTEM_SCHEMAS "'mysql', 'information_schema', 'performance_schema', 'sys'"

typedef struct TableList {
    char **names; /* "schema.table" */
    size_t n;
    char summary[400]; /* "all: 5 tables on the source; not carried by the DMS task: a.b" */
} TableList;

/* Fills list from the plan (source: the connection to list "all" on).
 * 0, or -1 with err (the source or the DMS task unreadable, no table). */
int TableList_resolve(const Plan *plan, Db *source, TableList *list, char *err, size_t errsize);

void TableList_free(TableList *list);

#endif
