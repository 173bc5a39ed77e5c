/* The DMS half of the "aws" probe: the replication task's status, full-load
 * progress and table counts (DescribeReplicationTasks), and per-table
 * changes and validation (DescribeTableStatistics), posted under the
 * M_DMS_* keys with origin "DMS API". */
#ifndef CUTOVER_PROBES_DMS_H
#define CUTOVER_PROBES_DMS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/dms.h"
#include "probes/probe.h"

typedef struct DmsProbe {
    char instance_id[128]; /* the replication instance's identifier, once known */
    bool errored_alarm;
    bool bad_alarm;
} DmsProbe;

/* One round; 0, or -1 with err. */
int DmsProbe_round(Probe *p, DmsProbe *d, Aws_client *c, char *err, size_t errlen);

/* Posts what the table statistics say (also used by the unit tests). */
void DmsProbe_post_tables(Probe *p, DmsProbe *d, const Dms_table *t, size_t n);

#endif
