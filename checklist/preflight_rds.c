/* RDS's own rules, checked before the night. On RDS the console's account
 * is the master user or less: no SUPER, so KILL, SET sql_log_bin and writes
 * through read_only are refused, RDS keeps binlogs as long as its own
 * configuration says (not binlog_expire_logs_seconds), and parameters are
 * set through the instance's parameter group, which other instances may
 * share. Each rule is a go/no-go line with what to do about it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/rds.h"
#include "checklist/checks.h"
#include "checklist/replication.h"

#define RETENTION_SETTING "binlog retention hours"

typedef struct {
    bool found;
    bool null;
    char value[32];
} RdsRetention;

static void PreflightRds_config_row(const char *const *cols, size_t n, void *arg)
{
    RdsRetention *r = arg;
    if (n < 2 || !cols[0] || strcmp(cols[0], RETENTION_SETTING) != 0)
        return;
    r->found = true;
    r->null = cols[1] == NULL;
    snprintf(r->value, sizeof r->value, "%s", cols[1] ? cols[1] : "");
}

void PreflightRds_retention(Checks *k)
{
    const char *name = "binlog retention";
    int need = k->c->plan->binlog_retention_min_hours;
    RdsRetention r = {0};
    char err[400];
    Db *src = k->c->source;
    if (!src) {
        Check(k, name, false, "no connection to the source");
        return;
    }
    if (Db_query_each(src, "CALL mysql.rds_show_configuration", PreflightRds_config_row, &r, err,
                      sizeof err) != 0)
        Check(k, name, false,
              "CALL mysql.rds_show_configuration: %s (the plan names source.rds_instance: "
              "is the source an RDS instance?)",
              err);
    else if (!r.found)
        Check(k, name, false, "mysql.rds_show_configuration has no '%s'", RETENTION_SETTING);
    else if (r.null)
        Check(k, name, false,
              "'%s' is NULL: RDS keeps no binlogs for DMS to read after a stop or a lag; "
              "CALL mysql.rds_set_configuration('%s', %d)",
              RETENTION_SETTING, RETENTION_SETTING, need);
    else
        Check(k, name, atoi(r.value) >= need, "RDS keeps binlogs %s h ('%s'; %d h needed%s)",
              r.value, RETENTION_SETTING, need,
              atoi(r.value) >= need ? "" : ": CALL mysql.rds_set_configuration to raise it");
}

void PreflightRds_row_image(Checks *k)
{
    char image[32] = "";
    /* Without both connections there is nothing to ask (and asking how the
     * target is fed would try the target again: one more refused login). */
    if (!k->c->source || !k->c->target || Replication_kind(k->c) != REPLICATION_DMS) {
        k->c->error[0] = '\0';
        return;
    }
    if (Step_string(k->c, k->c->source, "source", "SELECT @@global.binlog_row_image", image,
                    sizeof image) < 0)
        Check(k, "binlog row image", false, "%s", k->c->error);
    else
        Check(k, "binlog row image", strcmp(image, "FULL") == 0,
              "binlog_row_image=%s (DMS needs FULL: with less, updates reach the target "
              "without the columns they did not change)",
              image);
}

/* Whether the console's account may write while read_only=1: SUPER, or
 * READ_ONLY ADMIN (MariaDB), or CONNECTION_ADMIN (MySQL 8), granted to it
 * directly. 1 yes, 0 no, -1 error (c->error). */
static int PreflightRds_writes_through_read_only(Checks *k)
{
    int64_t n = 0;
    int rc = Step_int(k->c, k->c->source, "source",
                      "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = "
                      "CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
                      "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') AND PRIVILEGE_TYPE IN "
                      "('SUPER', 'READ_ONLY ADMIN', 'CONNECTION_ADMIN')",
                      &n);
    return rc < 0 ? -1 : n > 0;
}

void PreflightRds_fence_under_read_only(Checks *k)
{
    const Plan *p = k->c->plan;
    const char *name = "read-only fence";
    if (!k->c->source || !k->c->target || !p->lag_zero.fence ||
        p->readonly.method != READONLY_RDS_PARAMETER_GROUP ||
        Replication_kind(k->c) == REPLICATION_NATIVE) {
        k->c->error[0] = '\0';
        return;
    }
    int rc = PreflightRds_writes_through_read_only(k);
    if (rc < 0)
        Check(k, name, false, "%s", k->c->error);
    else if (rc == 0)
        Check(k, name, false,
              "use read_only.method lock-accounts: read_only=1 would refuse the fence write "
              "too (no SUPER, READ_ONLY ADMIN or CONNECTION_ADMIN, as on RDS), and a %s gives "
              "no other proof of lag zero",
              Replication_describe(Replication_kind(k->c)));
    else
        Check(k, name, true, "the console's account may write through read_only=1");
}

static void PreflightRds_parameter_group(Checks *k)
{
    const Plan *p = k->c->plan;
    const char *name = "RDS param group", *group = p->readonly.parameter_group;
    char err[1024], others[512];
    Rds_instance inst;
    Aws_client *a = Step_aws(k->c, AWS_SIDE_SOURCE, name);
    if (!a) {
        Check(k, name, false, "%s", k->c->error);
        return;
    }
    int n = -1;
    int rc = Rds_describe_instance(a, p->source.rds_instance, &inst, err, sizeof err);
    bool attached = rc == 0 && !strcmp(inst.parameter_group, group);
    if (attached)
        n = Rds_instances_using_group(a, group, inst.id, others, sizeof others, err, sizeof err);
    Aws_client_free(a);
    if (rc != 0 || (attached && n < 0))
        Check(k, name, false, "%s", err);
    else if (!attached)
        Check(k, name, false,
              "%s uses parameter group %s, not %s: read_only=1 in %s would freeze nothing", inst.id,
              inst.parameter_group[0] ? inst.parameter_group : "(none)", group, group);
    else if (n > 0)
        Check(k, name, false,
              "%s is also the parameter group of %s: read_only=1 would freeze %s too; give "
              "%s a parameter group of its own",
              group, others, n == 1 ? "it" : "them", inst.id);
    else
        Check(k, name, true, "%s is attached to %s alone (%s, parameters %s)", group, inst.id,
              inst.status, inst.parameter_apply[0] ? inst.parameter_apply : "?");
}

static void PreflightRds_target_backups(Checks *k)
{
    const char *name = "target backups", *id = k->c->plan->target.rds_instance;
    char err[1024];
    Rds_instance inst;
    Aws_client *a = Step_aws(k->c, AWS_SIDE_TARGET, name);
    if (!a) {
        Check(k, name, false, "%s", k->c->error);
        return;
    }
    int rc = Rds_describe_instance(a, id, &inst, err, sizeof err);
    Aws_client_free(a);
    if (rc != 0)
        Check(k, name, false, "%s", err);
    else if (inst.backup_retention_days == 0)
        Check(k, name, false,
              "automated backups are off on %s (BackupRetentionPeriod 0): turn them on; after "
              "the cutover it holds the only copy, with no point-in-time recovery",
              id);
    else
        Check(k, name, strcmp(inst.status, "available") == 0,
              "%s is %s, automated backups kept %d day(s)%s", id, inst.status,
              inst.backup_retention_days, inst.multi_az ? ", Multi-AZ" : "");
}

void PreflightRds_instances(Checks *k)
{
    const Plan *p = k->c->plan;
    if (p->source.rds_instance && p->readonly.method == READONLY_RDS_PARAMETER_GROUP)
        PreflightRds_parameter_group(k);
    if (p->target.rds_instance)
        PreflightRds_target_backups(k);
}

void PreflightRds_describe(StepCtx *c)
{
    const Plan *p = c->plan;
    if (p->source.rds_instance)
        Step_say(c, "source: CALL mysql.rds_show_configuration ('%s' >= %d)", RETENTION_SETTING,
                 p->binlog_retention_min_hours);
    Step_say(c, "when DMS feeds the target: source: SELECT @@global.binlog_row_image (FULL)");
    if (p->readonly.method == READONLY_RDS_PARAMETER_GROUP && p->lag_zero.fence)
        Step_say(c, "when DMS feeds the target: source: the console's account may write "
                    "through read_only (information_schema.USER_PRIVILEGES)");
    if (p->source.rds_instance && p->readonly.method == READONLY_RDS_PARAMETER_GROUP)
        Step_say(c,
                 "RDS DescribeDBInstances %s (parameter group %s attached), DescribeDBInstances "
                 "(no other instance uses it)",
                 p->source.rds_instance, p->readonly.parameter_group);
    if (p->target.rds_instance)
        Step_say(c, "RDS DescribeDBInstances %s (available, automated backups on)",
                 p->target.rds_instance);
}
