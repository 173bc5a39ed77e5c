#include "verify/table.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/step.h"

enum { TABLE_COLUMNS_MAX = 1024, TABLE_KEYS_MAX = 64 };

typedef struct TableColumn {
    char name[65];
    int ordinal;
    bool integer;
    bool nullable;
} TableColumn;

typedef struct TableInfo {
    TableColumn cols[TABLE_COLUMNS_MAX];
    size_t ncols;
    /* unique keys: index name and column, in index order */
    char key_index[TABLE_KEYS_MAX][65];
    char key_column[TABLE_KEYS_MAX][65];
    size_t nkeys;
} TableInfo;

static bool Table_is_integer(const char *type)
{
    static const char *const ints[] = {"tinyint", "smallint", "mediumint", "int", "bigint", NULL};
    for (size_t i = 0; ints[i]; i++)
        if (strcmp(type, ints[i]) == 0)
            return true;
    return false;
}

static void Table_on_column(const char *const *cols, size_t ncols, void *ctx)
{
    TableInfo *info = ctx;
    if (ncols < 4 || !cols[0] || info->ncols >= TABLE_COLUMNS_MAX)
        return;
    TableColumn *c = &info->cols[info->ncols++];
    snprintf(c->name, sizeof c->name, "%s", cols[0]);
    c->integer = cols[1] && Table_is_integer(cols[1]);
    c->ordinal = cols[2] ? atoi(cols[2]) : 0;
    c->nullable = cols[3] && strcmp(cols[3], "YES") == 0;
}

static void Table_on_key(const char *const *cols, size_t ncols, void *ctx)
{
    TableInfo *info = ctx;
    if (ncols < 2 || !cols[0] || !cols[1] || info->nkeys >= TABLE_KEYS_MAX)
        return;
    snprintf(info->key_index[info->nkeys], sizeof info->key_index[0], "%s", cols[0]);
    snprintf(info->key_column[info->nkeys], sizeof info->key_column[0], "%s", cols[1]);
    info->nkeys++;
}

static const TableColumn *Table_column(const TableInfo *info, const char *name)
{
    for (size_t i = 0; i < info->ncols; i++)
        if (strcmp(info->cols[i].name, name) == 0)
            return &info->cols[i];
    return NULL;
}

/* The first key (primary first) whose columns are all NOT NULL: its first
 * row in key_*[] and how many columns it has; -1 when there is none. */
static long Table_pick_key(const TableInfo *info, size_t *ncols)
{
    size_t i = 0;
    while (i < info->nkeys) {
        size_t end = i;
        bool usable = true;
        while (end < info->nkeys && strcmp(info->key_index[end], info->key_index[i]) == 0) {
            const TableColumn *c = Table_column(info, info->key_column[end]);
            usable = usable && c && !c->nullable;
            end++;
        }
        if (usable) {
            *ncols = end - i;
            return (long)i;
        }
        i = end;
    }
    return -1;
}

static int Table_read(Db *db, const char *name, TableInfo *info, char *err, size_t errsize)
{
    const char *dot = strchr(name, '.'); /* the name is plain: checked by the caller */
    char schema[70], esc_schema[150], table[150], sql[800];
    snprintf(schema, sizeof schema, "%.*s", (int)(dot - name), name);
    Db_escape(db, schema, esc_schema, sizeof esc_schema);
    Db_escape(db, dot + 1, table, sizeof table);
    snprintf(sql, sizeof sql,
             "SELECT COLUMN_NAME, DATA_TYPE, ORDINAL_POSITION, IS_NULLABLE FROM "
             "information_schema.COLUMNS WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' "
             "ORDER BY ORDINAL_POSITION",
             esc_schema, table);
    if (Db_query_each(db, sql, Table_on_column, info, err, errsize) != 0)
        return -1;
    if (info->ncols == 0) {
        snprintf(err, errsize, "%s: no such table on the source", name);
        return -1;
    }
    snprintf(sql, sizeof sql,
             "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE "
             "TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' AND NON_UNIQUE = 0 "
             "ORDER BY INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX",
             esc_schema, table);
    return Db_query_each(db, sql, Table_on_key, info, err, errsize);
}

static void Table_choose_key(const TableInfo *info, VerifyTable *t)
{
    size_t nkey = 0;
    long k = Table_pick_key(info, &nkey);
    if (k < 0) {
        snprintf(t->why_whole, sizeof t->why_whole, "no primary or unique key");
        return;
    }
    const TableColumn *c = Table_column(info, info->key_column[k]);
    if (nkey != 1 || !c->integer) {
        snprintf(t->why_whole, sizeof t->why_whole, "its key is not a single integer column");
        return;
    }
    Chunk_quote_name(c->name, t->key, sizeof t->key);
    t->key_ordinal = c->ordinal;
}

int VerifyTable_load(Db *db, const char *name, VerifyTable *t, char *err, size_t errsize)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    if (Step_quote_table(name, t->quoted, sizeof t->quoted) != 0) {
        snprintf(err, errsize, "%s: not a plain schema.table name", name);
        return -1;
    }
    TableInfo *info = calloc(1, sizeof *info);
    if (!info) {
        snprintf(err, errsize, "%s: out of memory", name);
        return -1;
    }
    int rc = Table_read(db, name, info, err, errsize);
    if (rc == 0) {
        Table_choose_key(info, t);
        const char *names[TABLE_COLUMNS_MAX];
        for (size_t i = 0; i < info->ncols; i++)
            names[i] = info->cols[i].name;
        t->row_digest = Chunk_row_digest(names, info->ncols);
        if (!t->row_digest) {
            snprintf(err, errsize, "%s: out of memory", name);
            rc = -1;
        }
    }
    free(info);
    return rc;
}
