#include "aws/cloudwatch.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CW_TARGET    "GraniteServiceVersion20100801.GetMetricData"
#define CW_MAX_PAGES 20

void Cw_rds_query(Cw_query *q, const char *id, const char *metric, const char *instance)
{
    memset(q, 0, sizeof *q);
    snprintf(q->id, sizeof q->id, "%s", id);
    q->namespace_name = "AWS/RDS";
    q->metric = metric;
    q->dim_name[0] = "DBInstanceIdentifier";
    snprintf(q->dim_value[0], sizeof q->dim_value[0], "%s", instance);
    q->ndims = 1;
}

void Cw_dms_query(Cw_query *q, const char *id, const char *metric, const char *instance_id,
                  const char *task_resource_id)
{
    memset(q, 0, sizeof *q);
    snprintf(q->id, sizeof q->id, "%s", id);
    q->namespace_name = "AWS/DMS";
    q->metric = metric;
    q->dim_name[0] = "ReplicationInstanceIdentifier";
    snprintf(q->dim_value[0], sizeof q->dim_value[0], "%s", instance_id);
    q->dim_name[1] = "ReplicationTaskIdentifier";
    snprintf(q->dim_value[1], sizeof q->dim_value[1], "%s", task_resource_id);
    q->ndims = 2;
}

static json_object *Cw_query_json(const Cw_query *q)
{
    json_object *dims = json_object_new_array();
    for (int i = 0; i < q->ndims; i++) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "Name", json_object_new_string(q->dim_name[i]));
        json_object_object_add(d, "Value", json_object_new_string(q->dim_value[i]));
        json_object_array_add(dims, d);
    }
    json_object *metric = json_object_new_object();
    json_object_object_add(metric, "Namespace", json_object_new_string(q->namespace_name));
    json_object_object_add(metric, "MetricName", json_object_new_string(q->metric));
    json_object_object_add(metric, "Dimensions", dims);
    json_object *stat = json_object_new_object();
    json_object_object_add(stat, "Metric", metric);
    json_object_object_add(stat, "Period", json_object_new_int(q->period_s > 0 ? q->period_s : 60));
    json_object_object_add(stat, "Stat", json_object_new_string(q->stat ? q->stat : "Average"));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(q->id));
    json_object_object_add(o, "ReturnData", json_object_new_boolean(1));
    json_object_object_add(o, "MetricStat", stat);
    return o;
}

char *Cw_request_body(const Cw_query *q, size_t n, double start, double end, const char *next_token)
{
    json_object *req = json_object_new_object();
    json_object *queries = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(queries, Cw_query_json(&q[i]));
    json_object_object_add(req, "MetricDataQueries", queries);
    json_object_object_add(req, "StartTime", json_object_new_int64((int64_t)start));
    json_object_object_add(req, "EndTime", json_object_new_int64((int64_t)end));
    json_object_object_add(req, "ScanBy", json_object_new_string("TimestampDescending"));
    if (next_token && *next_token)
        json_object_object_add(req, "NextToken", json_object_new_string(next_token));
    char *body = strdup(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
    json_object_put(req);
    return body;
}

static const char *Cw_string(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *Cw_array(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static bool Cw_number(json_object *v, double *out)
{
    if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
        return false;
    *out = json_object_get_double(v);
    return true;
}

/* Keeps the newest datapoint of one result object. */
static int Cw_fold_result(json_object *r, Cw_result *res, char *err, size_t errlen)
{
    json_object *stamps = Cw_array(r, "Timestamps"), *values = Cw_array(r, "Values");
    const char *status = Cw_string(r, "StatusCode");
    if (status)
        snprintf(res->status, sizeof res->status, "%s", status);
    size_t ns = stamps ? json_object_array_length(stamps) : 0;
    size_t nv = values ? json_object_array_length(values) : 0;
    if (ns != nv) {
        snprintf(err, errlen, "CloudWatch reply: %zu timestamps for %zu values", ns, nv);
        return -1;
    }
    for (size_t i = 0; i < nv; i++) {
        double t, v;
        if (!Cw_number(json_object_array_get_idx(stamps, i), &t) ||
            !Cw_number(json_object_array_get_idx(values, i), &v)) {
            snprintf(err, errlen, "CloudWatch reply: a datapoint is not a number");
            return -1;
        }
        res->points++;
        if (!res->has_value || t > res->timestamp) {
            res->has_value = true;
            res->value = v;
            res->timestamp = t;
        }
    }
    return 0;
}

int Cw_parse_reply(const char *body, const Cw_query *q, size_t n, Cw_result *res, char *next,
                   size_t next_size, char *err, size_t errlen)
{
    next[0] = '\0';
    json_object *o = json_tokener_parse(body ? body : "");
    json_object *results = o ? Cw_array(o, "MetricDataResults") : NULL;
    if (!results) {
        snprintf(err, errlen, "CloudWatch reply has no MetricDataResults");
        json_object_put(o);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);
        const char *id = Cw_string(r, "Id");
        for (size_t k = 0; id && k < n; k++)
            if (!strcmp(q[k].id, id))
                rc = Cw_fold_result(r, &res[k], err, errlen);
    }
    const char *token = Cw_string(o, "NextToken");
    snprintf(next, next_size, "%s", token ? token : "");
    json_object_put(o);
    return rc;
}

int Cw_get_metric_data(Aws_client *c, const Cw_query *q, size_t n, int window_s, Cw_result *res,
                       int *attempts, char *err, size_t errlen)
{
    memset(res, 0, n * sizeof *res);
    double end = (double)time(NULL), start = end - (window_s > 0 ? window_s : 600);
    char next[2048] = "";
    for (int page = 0; page < CW_MAX_PAGES; page++) {
        char *body = Cw_request_body(q, n, start, end, next);
        Aws_call call = {.service = &AWS_CLOUDWATCH,
                         .operation = "GetMetricData",
                         .target = CW_TARGET,
                         .body = body,
                         .body_len = strlen(body)};
        Aws_response resp;
        int rc = Aws_perform(c, &call, &resp, err, errlen);
        free(body);
        if (attempts)
            *attempts += resp.attempts;
        if (rc == 0)
            rc = Cw_parse_reply(resp.body, q, n, res, next, sizeof next, err, errlen);
        Aws_response_free(&resp);
        if (rc != 0)
            return -1;
        if (!next[0])
            return 0;
    }
    snprintf(err, errlen, "CloudWatch GetMetricData: more than %d pages", CW_MAX_PAGES);
    return -1;
}
