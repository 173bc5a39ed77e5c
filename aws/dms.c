#include "aws/dms.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DMS_MAX_PAGES 100

const char *Dms_resource_id(const char *arn)
{
    const char *p = arn ? strstr(arn, ":task:") : NULL;
    return p ? p + 6 : (arn ? arn : "");
}

static void Dms_str(json_object *o, const char *key, char *out, size_t size)
{
    json_object *v;
    out[0] = '\0';
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        snprintf(out, size, "%s", json_object_get_string(v));
}

static double Dms_num(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v))
        return 0;
    if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))
        return json_object_get_double(v);
    if (json_object_is_type(v, json_type_string))
        return strtod(json_object_get_string(v), NULL);
    return 0;
}

static json_object *Dms_array(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static void Dms_stats(json_object *task, Dms_task *out)
{
    json_object *s;
    if (!json_object_object_get_ex(task, "ReplicationTaskStats", &s) ||
        !json_object_is_type(s, json_type_object))
        return;
    out->have_stats = true;
    out->full_load_pct = Dms_num(s, "FullLoadProgressPercent");
    out->tables_loaded = (int)Dms_num(s, "TablesLoaded");
    out->tables_loading = (int)Dms_num(s, "TablesLoading");
    out->tables_queued = (int)Dms_num(s, "TablesQueued");
    out->tables_errored = (int)Dms_num(s, "TablesErrored");
    out->elapsed_ms = Dms_num(s, "ElapsedTimeMillis");
    out->full_load_finish = Dms_num(s, "FullLoadFinishDate");
}

int Dms_parse_task(const char *body, Dms_task *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_object *o = json_tokener_parse(body ? body : "");
    json_object *tasks = Dms_array(o, "ReplicationTasks");
    if (!tasks || json_object_array_length(tasks) == 0) {
        snprintf(err, errlen, "DMS reply has no ReplicationTasks");
        json_object_put(o);
        return -1;
    }
    json_object *t = json_object_array_get_idx(tasks, 0);
    Dms_str(t, "ReplicationTaskArn", out->arn, sizeof out->arn);
    Dms_str(t, "ReplicationTaskIdentifier", out->identifier, sizeof out->identifier);
    Dms_str(t, "ReplicationInstanceArn", out->instance_arn, sizeof out->instance_arn);
    Dms_str(t, "Status", out->status, sizeof out->status);
    Dms_str(t, "StopReason", out->stop_reason, sizeof out->stop_reason);
    Dms_str(t, "LastFailureMessage", out->last_failure, sizeof out->last_failure);
    Dms_stats(t, out);
    json_object_put(o);
    if (!out->status[0]) {
        snprintf(err, errlen, "DMS reply: the task has no Status");
        return -1;
    }
    return 0;
}

static void Dms_table_from(json_object *j, Dms_table *t)
{
    memset(t, 0, sizeof *t);
    Dms_str(j, "SchemaName", t->schema, sizeof t->schema);
    Dms_str(j, "TableName", t->table, sizeof t->table);
    t->inserts = Dms_num(j, "Inserts");
    t->updates = Dms_num(j, "Updates");
    t->deletes = Dms_num(j, "Deletes");
    t->ddls = Dms_num(j, "Ddls");
    t->full_load_rows = Dms_num(j, "FullLoadRows");
    Dms_str(j, "TableState", t->state, sizeof t->state);
    Dms_str(j, "ValidationState", t->validation, sizeof t->validation);
    t->validation_pending = Dms_num(j, "ValidationPendingRecords");
    t->validation_failed = Dms_num(j, "ValidationFailedRecords");
    t->validation_suspended = Dms_num(j, "ValidationSuspendedRecords");
}

int Dms_parse_tables(const char *body, Dms_table **tables, size_t *n, char *marker,
                     size_t marker_size, char *err, size_t errlen)
{
    marker[0] = '\0';
    json_object *o = json_tokener_parse(body ? body : "");
    json_object *list = Dms_array(o, "TableStatistics");
    if (!list) {
        snprintf(err, errlen, "DMS reply has no TableStatistics");
        json_object_put(o);
        return -1;
    }
    size_t add = json_object_array_length(list);
    Dms_table *grown = realloc(*tables, (*n + add + 1) * sizeof *grown);
    if (!grown) {
        snprintf(err, errlen, "out of memory");
        json_object_put(o);
        return -1;
    }
    *tables = grown;
    for (size_t i = 0; i < add; i++)
        Dms_table_from(json_object_array_get_idx(list, i), &grown[(*n)++]);
    Dms_str(o, "Marker", marker, marker_size);
    json_object_put(o);
    return 0;
}

/* One JSON 1.1 call; the reply's body into *body (free it) on success. */
static int Dms_call(Aws_client *c, const char *op, json_object *req, char **body, char *err,
                    size_t errlen)
{
    char target[96];
    snprintf(target, sizeof target, "AmazonDMSv20160101.%s", op);
    const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    Aws_call call = {.service = &AWS_DMS,
                     .operation = op,
                     .target = target,
                     .body = text,
                     .body_len = strlen(text)};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    json_object_put(req);
    if (rc == 0 && body) {
        *body = resp.body;
        resp.body = NULL;
    }
    Aws_response_free(&resp);
    return rc;
}

static json_object *Dms_filter(const char *name, const char *value)
{
    json_object *values = json_object_new_array();
    json_object_array_add(values, json_object_new_string(value));
    json_object *f = json_object_new_object();
    json_object_object_add(f, "Name", json_object_new_string(name));
    json_object_object_add(f, "Values", values);
    json_object *filters = json_object_new_array();
    json_object_array_add(filters, f);
    json_object *req = json_object_new_object();
    json_object_object_add(req, "Filters", filters);
    return req;
}

/* DescribeReplicationTasks for one task; its settings (the mappings among
 * them) only when asked, as they can be large. The body into *body. */
static int Dms_describe_body(Aws_client *c, const char *arn, bool settings, char **body, char *err,
                             size_t errlen)
{
    json_object *req = Dms_filter("replication-task-arn", arn);
    if (!settings)
        json_object_object_add(req, "WithoutSettings", json_object_new_boolean(1));
    *body = NULL;
    return Dms_call(c, "DescribeReplicationTasks", req, body, err, errlen);
}

int Dms_describe_task(Aws_client *c, const char *arn, Dms_task *out, char *err, size_t errlen)
{
    char *body;
    if (Dms_describe_body(c, arn, false, &body, err, errlen) != 0)
        return -1;
    int rc = Dms_parse_task(body, out, err, errlen);
    free(body);
    return rc;
}

int Dms_parse_task_mappings(const char *body, char **mappings, char *err, size_t errlen)
{
    *mappings = NULL;
    json_object *o = json_tokener_parse(body ? body : ""), *v;
    json_object *tasks = Dms_array(o, "ReplicationTasks");
    json_object *t =
        tasks && json_object_array_length(tasks) > 0 ? json_object_array_get_idx(tasks, 0) : NULL;
    if (t && json_object_object_get_ex(t, "TableMappings", &v) &&
        json_object_is_type(v, json_type_string))
        *mappings = strdup(json_object_get_string(v));
    else
        snprintf(err, errlen, "DMS reply: %s",
                 t ? "the task has no TableMappings" : "no ReplicationTasks");
    json_object_put(o);
    return *mappings ? 0 : -1;
}

int Dms_task_mappings(Aws_client *c, const char *arn, char **mappings, char *err, size_t errlen)
{
    char *body;
    *mappings = NULL;
    if (Dms_describe_body(c, arn, true, &body, err, errlen) != 0)
        return -1;
    int rc = Dms_parse_task_mappings(body, mappings, err, errlen);
    free(body);
    return rc;
}

int Dms_table_statistics(Aws_client *c, const char *arn, Dms_table **tables, size_t *n, char *err,
                         size_t errlen)
{
    char marker[1024] = "";
    *tables = NULL;
    *n = 0;
    for (int page = 0; page < DMS_MAX_PAGES; page++) {
        json_object *req = json_object_new_object();
        json_object_object_add(req, "ReplicationTaskArn", json_object_new_string(arn));
        json_object_object_add(req, "MaxRecords", json_object_new_int(500));
        if (marker[0])
            json_object_object_add(req, "Marker", json_object_new_string(marker));
        char *body = NULL;
        int rc = Dms_call(c, "DescribeTableStatistics", req, &body, err, errlen);
        if (rc == 0)
            rc = Dms_parse_tables(body, tables, n, marker, sizeof marker, err, errlen);
        free(body);
        if (rc != 0)
            return -1;
        if (!marker[0])
            return 0;
    }
    snprintf(err, errlen, "DMS DescribeTableStatistics: more than %d pages", DMS_MAX_PAGES);
    return -1;
}

int Dms_instance_identifier(Aws_client *c, const char *instance_arn, char *out, size_t size,
                            char *err, size_t errlen)
{
    char *body = NULL;
    json_object *req = Dms_filter("replication-instance-arn", instance_arn);
    if (Dms_call(c, "DescribeReplicationInstances", req, &body, err, errlen) != 0)
        return -1;
    json_object *o = json_tokener_parse(body);
    json_object *list = Dms_array(o, "ReplicationInstances");
    out[0] = '\0';
    if (list && json_object_array_length(list) > 0)
        Dms_str(json_object_array_get_idx(list, 0), "ReplicationInstanceIdentifier", out, size);
    json_object_put(o);
    free(body);
    if (!out[0]) {
        snprintf(err, errlen, "DMS DescribeReplicationInstances: no identifier for %s",
                 instance_arn);
        return -1;
    }
    return 0;
}

int Dms_stop_task(Aws_client *c, const char *arn, char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "ReplicationTaskArn", json_object_new_string(arn));
    return Dms_call(c, "StopReplicationTask", req, NULL, err, errlen);
}

int Dms_resume_task(Aws_client *c, const char *arn, char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "ReplicationTaskArn", json_object_new_string(arn));
    json_object_object_add(req, "StartReplicationTaskType",
                           json_object_new_string("resume-processing"));
    return Dms_call(c, "StartReplicationTask", req, NULL, err, errlen);
}

int Dms_start_task_at(Aws_client *c, const char *arn, const char *cdc_start_position, char *err,
                      size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "ReplicationTaskArn", json_object_new_string(arn));
    json_object_object_add(req, "StartReplicationTaskType",
                           json_object_new_string("start-replication"));
    json_object_object_add(req, "CdcStartPosition", json_object_new_string(cdc_start_position));
    return Dms_call(c, "StartReplicationTask", req, NULL, err, errlen);
}

bool Dms_table_bad(const Dms_table *t)
{
    return strstr(t->state, "error") || strstr(t->state, "Error") ||
           strstr(t->validation, "Mismatched") || strstr(t->validation, "Failed") ||
           strstr(t->validation, "Error") || t->validation_failed > 0;
}
