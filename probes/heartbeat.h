/* pt-heartbeat style lag: one thread writes NOW(6) into the heartbeat row on
 * the source every heartbeat_ms (creating the table if missing, unless the
 * console is an observer), another reads it on the target and posts
 * M_LAG_HEARTBEAT_S = target NOW(6) - ts, corrected for the clocks of the
 * two servers. Two threads, so a hung source never stops the reading: the
 * lag then grows, which is the truth. */
#ifndef CUTOVER_PROBES_HEARTBEAT_H
#define CUTOVER_PROBES_HEARTBEAT_H

#include <stddef.h>

#include "probes/probe.h"

/* Source thread (health PROBE_HEARTBEAT_WRITE): writes the row when allowed
 * and measures the source's clock offset for the reader. */
void Heartbeat_write_run(Probe *p);

/* Target thread (health PROBE_HEARTBEAT): reads the row, posts the lag. */
void Heartbeat_read_run(Probe *p);

/* Splits "schema.table" into backquoted parts; -1 when it is not two plain
 * identifiers ([A-Za-z0-9_$]). */
int Heartbeat_table_parts(const char *name, char *schema, size_t schema_size, char *table,
                          size_t table_size);

#endif
