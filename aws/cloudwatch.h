/* CloudWatch GetMetricData over AWS JSON 1.0: every figure of a refresh in
 * one batched request (paged with NextToken only when AWS pages), the newest
 * datapoint of each query kept. */
#ifndef CUTOVER_AWS_CLOUDWATCH_H
#define CUTOVER_AWS_CLOUDWATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/http.h"

#define CW_MAX_DIMS 2

typedef struct {
    char id[48]; /* a lower-case letter, then letters, digits, '_' */
    const char *namespace_name;
    const char *metric;
    const char *dim_name[CW_MAX_DIMS];
    char dim_value[CW_MAX_DIMS][128];
    int ndims;
    const char *stat; /* NULL: "Average" */
    int period_s;     /* 0: 60 */
} Cw_query;

typedef struct {
    bool has_value;
    double value;     /* the newest datapoint */
    double timestamp; /* its epoch seconds */
    int points;       /* datapoints seen over all pages */
    char status[24];  /* StatusCode: Complete, PartialData, Forbidden ... */
} Cw_result;

/* The request body for queries [0, n) over [start, end] (epoch seconds),
 * with next_token when paging. free() the result. */
char *Cw_request_body(const Cw_query *q, size_t n, double start, double end,
                      const char *next_token);

/* Folds one reply page into res (indexed like q, matched by Id); the page's
 * NextToken into next ("" when the last page). Returns 0, or -1 with err. */
int Cw_parse_reply(const char *body, const Cw_query *q, size_t n, Cw_result *res, char *next,
                   size_t next_size, char *err, size_t errlen);

/* One GetMetricData (and its pages) for queries [0, n) over the last
 * window_s seconds; res is cleared first. *attempts counts the HTTP attempts made (retries
 * included). Returns 0, or -1 with err. */
int Cw_get_metric_data(Aws_client *c, const Cw_query *q, size_t n, int window_s, Cw_result *res,
                       int *attempts, char *err, size_t errlen);

/* A query on one metric of an RDS instance. */
void Cw_rds_query(Cw_query *q, const char *id, const char *metric, const char *instance);

/* A query on one metric of a DMS task (both dimensions the task metrics need). */
void Cw_dms_query(Cw_query *q, const char *id, const char *metric, const char *instance_id,
                  const char *task_resource_id);

#endif
