/* AWS DMS over JSON 1.1: the replication task's status and statistics
 * (DescribeReplicationTasks), per-table statistics with paging
 * (DescribeTableStatistics), the replication instance's identifier for the
 * CloudWatch dimension (DescribeReplicationInstances), and stopping and
 * resuming the task. */
#ifndef CUTOVER_AWS_DMS_H
#define CUTOVER_AWS_DMS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/http.h"

typedef struct {
    char arn[256];
    char identifier[128];
    char instance_arn[256];
    char status[32]; /* running, stopped, failed ... */
    char stop_reason[128];
    char last_failure[256];
    bool have_stats;
    double full_load_pct;
    int tables_loaded, tables_loading, tables_queued, tables_errored;
    double elapsed_ms;
    double full_load_finish; /* epoch seconds, 0 when not finished */
} Dms_task;

typedef struct {
    char schema[64];
    char table[64];
    double inserts, updates, deletes, ddls, full_load_rows;
    char state[48];      /* "Table completed", "Table error" ... */
    char validation[48]; /* "Validated", "Mismatched records" ... */
    double validation_pending, validation_failed, validation_suspended;
} Dms_table;

/* The task's resource id: the part of the ARN after "task:" (the value of
 * CloudWatch's ReplicationTaskIdentifier dimension). */
const char *Dms_resource_id(const char *arn);

/* Parses a DescribeReplicationTasks reply (its first task). */
int Dms_parse_task(const char *body, Dms_task *out, char *err, size_t errlen);

/* Appends a DescribeTableStatistics page to *tables (n entries, realloc'ed);
 * the page's Marker into marker ("" when the last). */
int Dms_parse_tables(const char *body, Dms_table **tables, size_t *n, char *marker,
                     size_t marker_size, char *err, size_t errlen);

int Dms_describe_task(Aws_client *c, const char *arn, Dms_task *out, char *err, size_t errlen);

/* The task's TableMappings (a JSON string; free it), from a
 * DescribeReplicationTasks reply with the settings included. */
int Dms_parse_task_mappings(const char *body, char **mappings, char *err, size_t errlen);
int Dms_task_mappings(Aws_client *c, const char *arn, char **mappings, char *err, size_t errlen);

/* Every table's statistics, all pages; free(*tables). */
int Dms_table_statistics(Aws_client *c, const char *arn, Dms_table **tables, size_t *n, char *err,
                         size_t errlen);

/* The replication instance's identifier (its given name) from its ARN. */
int Dms_instance_identifier(Aws_client *c, const char *instance_arn, char *out, size_t size,
                            char *err, size_t errlen);

int Dms_stop_task(Aws_client *c, const char *arn, char *err, size_t errlen);

/* StartReplicationTask with StartReplicationTaskType resume-processing. */
int Dms_resume_task(Aws_client *c, const char *arn, char *err, size_t errlen);
/* StartReplicationTask start-replication from CdcStartPosition ("FILE:POS"
 * of the task's source binlog): a task started afresh there, as the reverse
 * task of a rollback past the point of no return is. */
int Dms_start_task_at(Aws_client *c, const char *arn, const char *cdc_start_position, char *err,
                      size_t errlen);

/* A table counts as a problem when it errored or its validation found
 * mismatches or failures. */
bool Dms_table_bad(const Dms_table *t);

#endif
