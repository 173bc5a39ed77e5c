/* Counting the target's own writes since the point of no return, by
 * reading its binary log with SHOW BINLOG EVENTS, a page at a time (a busy
 * target writes many events; one query for all of them would hold them all
 * in memory). See target_writes.h for what is counted. */
#include "checklist/target_writes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checklist/step.h"

enum { PAGE_EVENTS = 2000, MAX_LOGS = 4096 };

int TargetWrites_mark(StepCtx *c, TargetMark *m)
{
    memset(m, 0, sizeof *m);
    Db *db = Step_target(c);
    if (!db)
        return -1;
    char err[400];
    uint64_t pos = 0;
    int rc = Db_binlog_position(db, m->file, sizeof m->file, &pos, err, sizeof err);
    m->pos = (long long)pos;
    if (rc < 0)
        return Step_fail(c, "target: %s", err);
    if (!m->file[0])
        return Step_fail(c, "target: no binary log (log_bin is off): its own writes cannot "
                            "be counted");
    int64_t id = 0;
    if (Step_int(c, db, "target", "SELECT @@server_id", &id) != 1)
        return -1;
    m->server_id = id;
    m->known = true;
    return 0;
}

void TargetWrites_format_mark(const TargetMark *m, char *out, size_t size)
{
    snprintf(out, size, "target binlog %s:%lld server_id %lld", m->file, m->pos, m->server_id);
}

int TargetWrites_parse_mark(const char *text, TargetMark *m)
{
    memset(m, 0, sizeof *m);
    const char *p = text ? strstr(text, "target binlog ") : NULL;
    if (!p)
        return -1;
    p += strlen("target binlog ");
    size_t n = strcspn(p, ":");
    if (n == 0 || n >= sizeof m->file || p[n] != ':')
        return -1;
    memcpy(m->file, p, n);
    m->file[n] = '\0';
    if (sscanf(p + n + 1, "%lld server_id %lld", &m->pos, &m->server_id) != 2)
        return -1;
    m->known = true;
    return 0;
}

/* ---- counting -------------------------------------------------------- */

typedef struct Scan {
    const StepCtx *c;
    long long server_id;
    TargetWrites *out;
    bool own;           /* the open transaction is the target's own */
    bool excluded;      /* the last table map names a schema left out */
    long long txn_rows; /* counted row events in the open transaction */
    char txn_table[160];
    long long next_pos; /* End_log_pos of the last event read */
    size_t page_events;
    char logs[MAX_LOGS][128];
    size_t nlogs;
} Scan;

static bool Scan_schema_excluded(const StepCtx *c, const char *schema, size_t n)
{
    static const char *const system[] = {"mysql", "sys", "performance_schema", "information_schema",
                                         "awsdms_control"};
    for (size_t i = 0; i < sizeof system / sizeof system[0]; i++)
        if (strlen(system[i]) == n && strncmp(schema, system[i], n) == 0)
            return true;
    char own[80];
    return Plan_fence_schema(c->plan, own, sizeof own) == 0 && strlen(own) == n &&
           strncmp(own, schema, n) == 0;
}

static void Scan_close_txn(Scan *s)
{
    if (s->own && s->txn_rows > 0) {
        s->out->transactions++;
        s->out->row_events += s->txn_rows;
        if (!s->out->table[0])
            snprintf(s->out->table, sizeof s->out->table, "%s", s->txn_table);
    }
    s->own = false;
    s->txn_rows = 0;
}

/* "table_id: 33 (app.orders)" */
static void Scan_table_map(Scan *s, const char *info)
{
    const char *open = strrchr(info, '(');
    s->excluded = true;
    if (!open)
        return;
    size_t n = strcspn(open + 1, ".");
    s->excluded = Scan_schema_excluded(s->c, open + 1, n);
    if (!s->excluded)
        snprintf(s->txn_table, sizeof s->txn_table, "%.*s", (int)strcspn(open + 1, ")"), open + 1);
}

/* The schema a statement acts on: "use `app`; ..." (what the server logs
 * with a default database), or the name after DATABASE/SCHEMA [IF [NOT]
 * EXISTS] ("CREATE DATABASE IF NOT EXISTS awsdms_control", which DMS and
 * its stand-in run without one). Sets *n = 0 when neither says. */
static const char *Scan_query_schema(const char *info, size_t *n)
{
    const char *p = strstr(info, "use `");
    if (p) {
        *n = strcspn(p + 5, "`");
        return p + 5;
    }
    *n = 0;
    const char *kw = strcasestr(info, "DATABASE ");
    if (!kw)
        kw = strcasestr(info, "SCHEMA ");
    if (!kw)
        return NULL;
    p = kw + strcspn(kw, " ");
    while (*p == ' ')
        p++;
    if (strncasecmp(p, "IF NOT EXISTS ", 14) == 0)
        p += 14;
    else if (strncasecmp(p, "IF EXISTS ", 10) == 0)
        p += 10;
    if (*p == '`')
        p++;
    *n = strcspn(p, "` ;\n");
    return p;
}

/* A statement the target logged itself (statement or mixed format, DDL):
 * counts unless its schema is left out. */
static void Scan_query(Scan *s, const char *info)
{
    size_t n = 0;
    const char *schema = Scan_query_schema(info, &n);
    if (schema && n && Scan_schema_excluded(s->c, schema, n))
        return;
    s->txn_rows++;
    if (!s->txn_table[0])
        snprintf(s->txn_table, sizeof s->txn_table, "%.60s", info);
}

static bool Scan_is_rows(const char *type)
{
    return strncmp(type, "Write_rows", 10) == 0 || strncmp(type, "Update_rows", 11) == 0 ||
           strncmp(type, "Delete_rows", 11) == 0;
}

static void Scan_event(const char *const *cols, size_t ncols, void *arg)
{
    Scan *s = arg;
    if (ncols < 6 || !cols[2] || !cols[3] || !cols[4])
        return;
    const char *type = cols[2], *info = cols[5] ? cols[5] : "";
    bool own = atoll(cols[3]) == s->server_id;
    s->next_pos = atoll(cols[4]);
    s->page_events++;
    if (strcmp(type, "Gtid") == 0 || strcmp(type, "Anonymous_Gtid") == 0) {
        Scan_close_txn(s);
        s->own = own;
        s->txn_table[0] = '\0';
    } else if (strcmp(type, "Xid") == 0 ||
               (strcmp(type, "Query") == 0 && strcmp(info, "COMMIT") == 0)) {
        Scan_close_txn(s);
    } else if (strcmp(type, "Query") == 0 && strcmp(info, "BEGIN") == 0) {
        s->own = s->own || own; /* MySQL: BEGIN after its Gtid event */
    } else if (strcmp(type, "Table_map") == 0) {
        Scan_table_map(s, info);
    } else if (Scan_is_rows(type) && own && !s->excluded) {
        s->own = true;
        s->txn_rows++;
    } else if (strcmp(type, "Query") == 0 && own) {
        s->own = true;
        Scan_query(s, info);
    }
}

static void Scan_log_name(const char *const *cols, size_t ncols, void *arg)
{
    Scan *s = arg;
    if (ncols >= 1 && cols[0] && s->nlogs < MAX_LOGS)
        snprintf(s->logs[s->nlogs++], sizeof s->logs[0], "%s", cols[0]);
}

/* One file from pos to its end, a page at a time. */
static int Scan_file(StepCtx *c, Db *db, Scan *s, const char *file, long long pos)
{
    char sql[320], err[400];
    for (;;) {
        snprintf(sql, sizeof sql, "SHOW BINLOG EVENTS IN '%s' FROM %lld LIMIT %d", file, pos,
                 PAGE_EVENTS);
        s->page_events = 0;
        if (Db_query_each(db, sql, Scan_event, s, err, sizeof err) != 0)
            return Step_fail(c, "target: %s", err);
        if (s->page_events < PAGE_EVENTS || s->next_pos <= pos)
            return 0;
        pos = s->next_pos;
        if (Step_cancelled(c))
            return Step_fail(c, "cancelled while counting the target's writes");
    }
}

int TargetWrites_count(StepCtx *c, const TargetMark *m, TargetWrites *out)
{
    memset(out, 0, sizeof *out);
    if (!m->known)
        return Step_fail(c, "the target's binary log position at the point of no return is "
                            "not known: its writes cannot be counted");
    Db *db = Step_target(c);
    if (!db)
        return -1;
    Scan *s = calloc(1, sizeof *s);
    if (!s)
        return Step_fail(c, "out of memory");
    *s = (Scan){.c = c, .server_id = m->server_id, .out = out};
    char err[400];
    int rc = Db_query_each(db, "SHOW BINARY LOGS", Scan_log_name, s, err, sizeof err);
    if (rc != 0)
        rc = Step_fail(c, "target: %s", err);
    size_t first = s->nlogs;
    for (size_t i = 0; rc == 0 && i < s->nlogs; i++)
        if (strcmp(s->logs[i], m->file) == 0)
            first = i;
    if (rc == 0 && first == s->nlogs)
        rc = Step_fail(c,
                       "target: binary log %s (the point of no return) is gone: its writes "
                       "since then cannot be counted",
                       m->file);
    for (size_t i = first; rc == 0 && i < s->nlogs; i++)
        rc = Scan_file(c, db, s, s->logs[i], i == first ? m->pos : 4);
    Scan_close_txn(s);
    free(s);
    return rc;
}
