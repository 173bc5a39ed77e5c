/* External commands for the exec methods (maintenance, swap,
 * stop-replication): argv templates filled from the plan, described for the
 * audit. They run through Subprocess_run (lib/subprocess.h). */
#ifndef CUTOVER_CHECKLIST_PROC_H
#define CUTOVER_CHECKLIST_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"

/* Values for the templates {source.host} {source.port} {target.host}
 * {target.port} {value} {plan.name} {point.binlog}. */
typedef struct ProcVars {
    const Plan *plan;
    const char *value;        /* the connection string being put in place */
    bool swap_servers;        /* undo: {target.*} names the source again */
    const char *point_binlog; /* "FILE:POS" of the target at the point of no return */
} ProcVars;

/* A new NULL-terminated argv with the templates filled in (free with
 * Proc_free). NULL when out of memory. */
char **Proc_expand(const PlanCommand *cmd, const ProcVars *vars);
void Proc_free(char **argv);

/* The command line for messages and the audit: words joined by spaces,
 * quoted when they hold spaces or quotes. */
void Proc_describe(char *const *argv, char *out, size_t size);

/* Running them: lib/subprocess.h. */

#endif
