/* `cutover run --headless --yes PLAN`: the checklist without the full-screen
 * interface, one line per event on stdout, a summary at the end. */
#ifndef CUTOVER_CLI_HEADLESS_H
#define CUTOVER_CLI_HEADLESS_H

#include "cli/options.h"

/* Exit 0 only when the cutover completed; 1 when it failed, was rolled back
 * or interrupted; 2 for a bad plan or bad usage. */
int Headless_run(const RunOptions *opt);

#endif
