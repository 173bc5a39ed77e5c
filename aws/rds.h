/* RDS over the Query protocol: set one parameter of a DB parameter group
 * (ModifyDBParameterGroup) and read it back (DescribeDBParameters, paged),
 * as the read-only step does on the source's custom parameter group, where
 * the master user cannot SET GLOBAL read_only; and read instances
 * (DescribeDBInstances, paged) for pre-flight's RDS rules and the failover
 * sentinel. */
#ifndef CUTOVER_AWS_RDS_H
#define CUTOVER_AWS_RDS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/http.h"

/* The form body of ModifyDBParameterGroup for one parameter. free() it. */
char *Rds_modify_body(const char *group, const char *name, const char *value,
                      const char *apply_method);

/* From a DescribeDBParameters reply: the parameter's value (1), absent (0);
 * the page's Marker into marker. */
int Rds_parse_parameter(const char *body, const char *name, char *value, size_t size, char *marker,
                        size_t marker_size);

/* apply_method: "immediate" or "pending-reboot". */
int Rds_modify_parameter(Aws_client *c, const char *group, const char *name, const char *value,
                         const char *apply_method, char *err, size_t errlen);

/* 1 with the value, 0 when the group does not list it, -1 error. */
int Rds_parameter(Aws_client *c, const char *group, const char *name, char *value, size_t size,
                  char *err, size_t errlen);

/* What the console reads of a DB instance. */
typedef struct {
    char id[64];
    char status[48];           /* DBInstanceStatus: "available" */
    char address[256];         /* Endpoint.Address: the instance's own DNS name */
    int port;                  /* Endpoint.Port */
    char parameter_group[256]; /* the attached DB parameter group */
    char parameter_apply[48];  /* its ParameterApplyStatus: "in-sync", "pending-reboot" */
    int backup_retention_days; /* BackupRetentionPeriod: 0 = automated backups off */
    bool multi_az;
} Rds_instance;

/* Reads the first DBInstance of a DescribeDBInstances reply at or after
 * *cursor (start: NULL); its Marker into marker. 1 read, 0 none left. */
int Rds_parse_instance(const char *body, const char **cursor, Rds_instance *out, char *marker,
                       size_t marker_size);

/* One instance by identifier: 0, or -1 with err (DBInstanceNotFound: "not
 * found"). */
int Rds_describe_instance(Aws_client *c, const char *id, Rds_instance *out, char *err,
                          size_t errlen);

/* The instances other than except whose parameter group is group, their
 * identifiers joined with ", " into out; returns how many, -1 on error. */
int Rds_instances_using_group(Aws_client *c, const char *group, const char *except, char *out,
                              size_t size, char *err, size_t errlen);

#endif
