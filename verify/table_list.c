#include "verify/table_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awsplan.h"
#include "aws/dms.h"
#include "aws/dms_mappings.h"

enum { TABLE_LIST_AWS_TIMEOUT_MS = 10000 };

typedef struct TableCollect {
    TableList *list;
    size_t cap;
    bool oom;
    size_t odd; /* names with '.' or '`' in them: not addressable as schema.table */
} TableCollect;

static int TableList_add(TableList *list, size_t *cap, const char *name)
{
    if (list->n == *cap) {
        size_t grown = *cap ? *cap * 2 : 16;
        char **p = realloc(list->names, grown * sizeof *p);
        if (!p)
            return -1;
        list->names = p;
        *cap = grown;
    }
    if (!(list->names[list->n] = strdup(name)))
        return -1;
    list->n++;
    return 0;
}

static void TableList_row(const char *const *cols, size_t ncols, void *ctx)
{
    TableCollect *tc = ctx;
    char name[300];
    if (ncols < 2 || !cols[0] || !cols[1] || tc->oom)
        return;
    if (strpbrk(cols[0], ".`") || strpbrk(cols[1], ".`")) {
        tc->odd++;
        return;
    }
    snprintf(name, sizeof name, "%s.%s", cols[0], cols[1]);
    if (TableList_add(tc->list, &tc->cap, name) != 0)
        tc->oom = true;
}

/* The schema part of a "schema.table" setting, escaped for a quoted list. */
static void TableList_schema_of(Db *db, const char *name, const char *fallback, char *out,
                                size_t size)
{
    char schema[130];
    const char *n = name ? name : fallback;
    const char *dot = strchr(n, '.');
    snprintf(schema, sizeof schema, "%.*s", dot ? (int)(dot - n) : (int)strlen(n), n);
    Db_escape(db, schema, out, size);
}

static int TableList_source(const Plan *plan, Db *source, TableList *list, size_t *odd, char *err,
                            size_t errsize)
{
    char hb[270], fence[270], sql[900];
    TableList_schema_of(source, plan->lag_zero.heartbeat_table, "cutover.heartbeat", hb, sizeof hb);
    TableList_schema_of(source, plan->lag_zero.fence_table, "cutover.fence", fence, sizeof fence);
    snprintf(sql, sizeof sql,
             "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = "
             "'BASE TABLE' AND TABLE_SCHEMA NOT IN (" TABLE_LIST_SYSTEM_SCHEMAS ", '%s', '%s') "
             "ORDER BY TABLE_SCHEMA, TABLE_NAME",
             hb, fence);
    TableCollect tc = {.list = list};
    if (Db_query_each(source, sql, TableList_row, &tc, err, errsize) != 0)
        return -1;
    if (tc.oom) {
        snprintf(err, errsize, "out of memory listing the source's tables");
        return -1;
    }
    *odd = tc.odd;
    return 0;
}

static void TableList_note(TableList *list, const char *prefix, const char *what)
{
    size_t len = strlen(list->summary);
    if (len < sizeof list->summary)
        snprintf(list->summary + len, sizeof list->summary - len, "%s%s", prefix, what);
}

/* Keeps the tables the task's mappings carry; names the others. */
static int TableList_carried(const Plan *plan, TableList *list, char *err, size_t errsize)
{
    char *json = NULL, why[600];
    Aws_client *a =
        Awsplan_client(&plan->aws, AWS_SIDE_TARGET, TABLE_LIST_AWS_TIMEOUT_MS, why, sizeof why);
    int rc = a ? Dms_task_mappings(a, plan->aws.dms_task_arn, &json, why, sizeof why) : -1;
    if (a)
        Aws_client_free(a);
    DmsMappings *m = rc == 0 ? DmsMappings_parse(json, why, sizeof why) : NULL;
    free(json);
    if (!m) {
        snprintf(err, errsize, "the DMS task's table mappings: %s", why);
        return -1;
    }
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < list->n; i++) {
        char *name = list->names[i];
        if (DmsMappings_carries_table(m, name)) {
            list->names[kept++] = name;
            continue;
        }
        TableList_note(list, dropped++ ? ", " : "; not carried by the DMS task: ", name);
        free(name);
    }
    list->n = kept;
    DmsMappings_free(m);
    return 0;
}

static int TableList_all(const Plan *plan, Db *source, TableList *list, char *err, size_t errsize)
{
    size_t odd = 0;
    if (!source) {
        snprintf(err, errsize, "no connection to the source to list its tables");
        return -1;
    }
    if (TableList_source(plan, source, list, &odd, err, errsize) != 0)
        return -1;
    snprintf(list->summary, sizeof list->summary, "all: %zu table(s) on the source", list->n);
    if (odd) {
        char note[96];
        snprintf(note, sizeof note, "%zu with '.' or '`' in a name left out", odd);
        TableList_note(list, "; ", note);
    }
    if (plan->aws.dms_task_arn && TableList_carried(plan, list, err, errsize) != 0)
        return -1;
    if (list->n == 0) {
        snprintf(err, errsize, "verify.tables \"all\": no table to verify (%s)", list->summary);
        return -1;
    }
    return 0;
}

int TableList_resolve(const Plan *plan, Db *source, TableList *list, char *err, size_t errsize)
{
    size_t cap = 0;
    memset(list, 0, sizeof *list);
    int rc = 0;
    if (plan->verify.all_tables) {
        rc = TableList_all(plan, source, list, err, errsize);
    } else {
        for (size_t i = 0; rc == 0 && i < plan->verify.ntables; i++)
            rc = TableList_add(list, &cap, plan->verify.tables[i]);
        if (rc != 0)
            snprintf(err, errsize, "out of memory");
    }
    if (rc != 0)
        TableList_free(list);
    return rc;
}

void TableList_free(TableList *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->names[i]);
    free(list->names);
    memset(list, 0, sizeof *list);
}
