#include "checklist/audit_anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklist/step.h"

/* `schema`.`audit_head` beside the fence table. */
static int AuditAnchor_table(const Plan *plan, char *out, size_t size)
{
    char schema[80], name[160];
    if (Plan_fence_schema(plan, schema, sizeof schema) != 0)
        return -1;
    snprintf(name, sizeof name, "%s.audit_head", schema);
    return Step_quote_table(name, out, size);
}

static int AuditAnchor_create(StepCtx *c, Db *db, const char *table)
{
    char sql[512], schema[80];
    snprintf(schema, sizeof schema, "%.*s", (int)strcspn(table, "."), table);
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS %s", schema);
    if (Step_exec(c, db, "target", sql) != 0)
        return -1;
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS %s (plan VARCHAR(128) NOT NULL PRIMARY KEY, "
             "seq BIGINT NOT NULL, head CHAR(64) NOT NULL, at DATETIME(3) NOT NULL)",
             table);
    return Step_exec(c, db, "target", sql);
}

int AuditAnchor_write(StepCtx *c, long seq, const char *head)
{
    char table[200], plan[300], sql[1024];
    if (AuditAnchor_table(c->plan, table, sizeof table) != 0)
        return Step_fail(c, "the fence table's name is not plain: no audit_head beside it");
    Db *db = Step_target(c);
    if (!db)
        return -1;
    if (!c->memo->anchor_table_ready) {
        if (AuditAnchor_create(c, db, table) != 0)
            return -1;
        c->memo->anchor_table_ready = true;
    }
    Db_escape(db, c->plan->name, plan, sizeof plan);
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (plan, seq, head, at) VALUES ('%s', %ld, '%s', UTC_TIMESTAMP(3)) "
             "ON DUPLICATE KEY UPDATE seq = VALUES(seq), head = VALUES(head), at = VALUES(at)",
             table, plan, seq, head);
    if (Step_exec(c, db, "target", sql) != 0)
        return -1;
    long back_seq = 0;
    char back[AUDIT_HEAD_HEX];
    int found = AuditAnchor_read(c, &back_seq, back);
    if (found != 1)
        return found < 0 ? -1 : Step_fail(c, "target: the audit head row is not there");
    if (back_seq != seq || strcmp(back, head) != 0)
        return Step_fail(c, "target: the audit head reads back as record %ld %.12s...", back_seq,
                         back);
    return 0;
}

int AuditAnchor_read(StepCtx *c, long *seq, char head[AUDIT_HEAD_HEX])
{
    char table[200], name[300], sql[600], row[128];
    if (AuditAnchor_table(c->plan, table, sizeof table) != 0)
        return Step_fail(c, "the fence table's name is not plain: no audit_head beside it");
    Db *db = Step_target(c);
    if (!db)
        return -1;
    Db_escape(db, c->plan->name, name, sizeof name);
    snprintf(sql, sizeof sql, "SELECT CONCAT(seq, ' ', head) FROM %s WHERE plan = '%s'", table,
             name);
    int found = Step_string(c, db, "target", sql, row, sizeof row);
    if (found == 0)
        snprintf(c->error, sizeof c->error, "no row for plan '%s' in %s", c->plan->name, table);
    if (found == 1 && (sscanf(row, "%ld %64s", seq, head) != 2 || strlen(head) != 64))
        return Step_fail(c, "target: unreadable audit head %.60s", row);
    return found;
}

int AuditAnchor_read_target(const char *plan_path, long *seq, char head[AUDIT_HEAD_HEX], char *err,
                            size_t errsize)
{
    Plan *plan = Plan_load(plan_path, err, errsize);
    if (!plan)
        return -1;
    StepMemo memo;
    memset(&memo, 0, sizeof memo);
    StepCtx c = {.plan = plan, .timeouts = Step_timeouts(plan), .memo = &memo};
    int found = AuditAnchor_read(&c, seq, head);
    if (found != 1)
        snprintf(err, errsize, "%s", c.error);
    Step_drop(&c, c.target);
    Plan_free(plan);
    return found;
}
