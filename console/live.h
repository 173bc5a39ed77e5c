/* The live console: the loop (console/loop.h) over the bus, drawn by the
 * shell, with the keys that drive the executor. */
#ifndef CUTOVER_CONSOLE_LIVE_H
#define CUTOVER_CONSOLE_LIVE_H

#include <stdbool.h>

#include "checklist/executor.h"
#include "plan/plan.h"
#include "session/bus.h"

typedef struct LiveConfig {
    const Plan *plan;
    Bus *bus;
    BusQueue *queue;          /* the UI's queue, attached before the first event */
    Executor *executor;       /* NULL for an observer (--readonly) */
    const char *session_file; /* NULL when not recording */
    const char *theme;        /* NULL: the plan's, else dark */
    bool yes;                 /* confirmations given in advance */
    bool ascii;
    int exit_after_frames;
    /* Filled with the decision that ends the run (the operator quit, the
     * terminal went away), for the owner to post once the probes have
     * stopped: the recording's last word is why it ends, not a sample. */
    Event *last_word;
} LiveConfig;

/* Runs until the operator quits or a terminating signal arrives. Returns the
 * exit status. */
int Live_run(const LiveConfig *config);

#endif
