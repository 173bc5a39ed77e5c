/* `cutover check --offline PLAN` (cli/check_offline.c). */
#ifndef CUTOVER_CLI_CHECK_OFFLINE_H
#define CUTOVER_CLI_CHECK_OFFLINE_H

#include <stdbool.h>

/* Prints the checks (a table, or with json one JSON document,
 * cli/check_report.h); returns the exit status (0 ready, 1 not, 2 plan
 * error). */
int CheckOffline_run(const char *path, bool json);

#endif
