/* A DMS task's TableMappings (the JSON string DescribeReplicationTasks
 * returns): which tables the task carries. Only selection rules matter here:
 * a table is carried when an "include" (or "explicit") rule's object-locator
 * matches it and no "exclude" rule does. '%' in a schema or table name
 * matches any run of characters (DMS's wildcard); names compare
 * case-sensitively, so a doubtful match answers "not carried" (a no-go that a
 * person checks beats a fence that silently never arrives). Transformation
 * rules do not change which tables are carried and are ignored. Used by the
 * pre-flight (is the fence table carried?) and by the lab's DMS stand-in. */
#ifndef CUTOVER_AWS_DMS_MAPPINGS_H
#define CUTOVER_AWS_DMS_MAPPINGS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct DmsMappings DmsMappings;

/* Parses the TableMappings JSON; NULL with a message naming the rule that
 * is wrong (its position and what is missing) in err. */
DmsMappings *DmsMappings_parse(const char *json, char *err, size_t errlen);

void DmsMappings_free(DmsMappings *m);

bool DmsMappings_carries(const DmsMappings *m, const char *schema, const char *table);

/* The same for a qualified "schema.table" (a name without a dot, or with a
 * schema too long to be one, is not carried). */
bool DmsMappings_carries_table(const DmsMappings *m, const char *qualified);

/* Does some include rule match schema (any table in it)? For CREATE
 * DATABASE: DMS creates a schema only for the tables it carries. */
bool DmsMappings_carries_schema(const DmsMappings *m, const char *schema);

/* DMS's '%' wildcard match (exported for the unit test). */
bool DmsMappings_like(const char *pattern, const char *name);

#endif
