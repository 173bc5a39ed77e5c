/* RDS over the Query protocol: set one parameter of a DB parameter group
 * (ModifyDBParameterGroup) and read it back (DescribeDBParameters, paged).
 * The read-only step uses them on the source's custom parameter group,
 * where the master user cannot SET GLOBAL read_only. */
#ifndef CUTOVER_AWS_RDS_H
#define CUTOVER_AWS_RDS_H

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

#endif
