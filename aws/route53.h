/* Route 53 over REST-XML: read a CNAME record (ListResourceRecordSets),
 * UPSERT it, and follow the change until INSYNC. The plan names a record as
 * "ZONE_ID/record.name" (the zone id with or without "/hostedzone/"). */
#ifndef CUTOVER_AWS_ROUTE53_H
#define CUTOVER_AWS_ROUTE53_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/http.h"

typedef struct {
    char zone[64];
    char name[256]; /* always ends with '.' */
} R53_record_id;

/* Splits "ZONE/name"; -1 with err when the form is wrong. */
int R53_parse_id(const char *id, R53_record_id *out, char *err, size_t errlen);

/* The ChangeResourceRecordSetsRequest body for one CNAME UPSERT. free() it. */
char *R53_upsert_body(const char *name, const char *value, long ttl);

/* From a ListResourceRecordSets reply: the CNAME named name. 1 found (value,
 * ttl), 0 absent, -1 when a record set of that name is an alias or has a
 * routing policy (err says which: the swap handles a simple CNAME only). */
int R53_parse_list(const char *body, const char *name, char *value, size_t size, long *ttl,
                   char *err, size_t errlen);

/* 1 found, 0 absent, -1 error. */
int R53_get_cname(Aws_client *c, const R53_record_id *r, char *value, size_t size, long *ttl,
                  char *err, size_t errlen);

/* UPSERT; the change id ("C2682N5HXP0BZ4") into change. */
int R53_upsert_cname(Aws_client *c, const R53_record_id *r, const char *value, long ttl,
                     char *change, size_t change_size, char *err, size_t errlen);

/* GetChange: "PENDING" or "INSYNC" into status. */
int R53_change_status(Aws_client *c, const char *change, char *status, size_t size, char *err,
                      size_t errlen);

#endif
