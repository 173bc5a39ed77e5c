/* External commands for the exec methods (maintenance, swap): run without a
 * shell, argv templates filled from the plan, a timeout after which the whole
 * process group is killed, and abort honoured at once. */
#ifndef CUTOVER_CHECKLIST_PROC_H
#define CUTOVER_CHECKLIST_PROC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"

/* Values for the templates {source.host} {source.port} {target.host}
 * {target.port} {value} {plan.name}. */
typedef struct ProcVars {
    const Plan *plan;
    const char *value; /* the connection string being put in place */
    bool swap_servers; /* undo: {target.*} names the source again */
} ProcVars;

/* A new NULL-terminated argv with the templates filled in (free with
 * Proc_free). NULL when out of memory. */
char **Proc_expand(const PlanCommand *cmd, const ProcVars *vars);
void Proc_free(char **argv);

/* The command line for messages and the audit: words joined by spaces,
 * quoted when they hold spaces or quotes. */
void Proc_describe(char *const *argv, char *out, size_t size);

/* Runs argv, stdin from /dev/null, stdout captured into out (truncated to
 * size-1 bytes; trailing newlines removed), stderr's first line into err.
 * Returns the exit status (0-255), or -1 with err when it could not start,
 * was killed by a signal, ran past timeout_ms or was cancelled. */
int Proc_run(char *const *argv, int timeout_ms, atomic_bool *cancel, char *out, size_t size,
             char *err, size_t errsize);

#endif
