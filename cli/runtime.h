/* Everything a `cutover run` holds while it runs, opened in one place so the
 * full-screen console and the headless runner start and stop the same way:
 * plan, session directory and lock, audit log, bus, recorder, probes,
 * executor and notifier. An observer (--readonly) gets only the plan, bus and probes. */
#ifndef CUTOVER_CLI_RUNTIME_H
#define CUTOVER_CLI_RUNTIME_H

#include <stddef.h>

#include "checklist/executor.h"
#include "cli/options.h"
#include "db/plan_lock.h"
#include "notify/notifier.h"
#include "plan/plan.h"
#include "probes/probes.h"
#include "session/audit.h"
#include "session/bus.h"
#include "session/recorder.h"
#include "session/session_dir.h"
#include "verify/verifier.h"

typedef struct Runtime {
    Plan *plan;
    SessionDir dir;
    int lock_fd;         /* the session directory's lock: one console per plan on this host */
    PlanLock *plan_lock; /* the databases' lock: one console per plan anywhere */
    Audit *audit;
    Bus *bus;
    BusQueue *events; /* the UI's (or headless printer's) queue, with a wake pipe */
    Recorder *recorder;
    Probes *probes;
    Verifier *verifier; /* verify mode "chunks" (not for observers or dry runs) */
    Executor *executor;
    Notifier *notifier; /* the plan's webhooks (not for observers or dry runs) */
} Runtime;

/* Opens everything. cols/rows go into the recording's header (0 headless).
 * Returns 0, or an exit status (EXIT_USAGE for a bad plan, EXIT_LOCKED when
 * another console holds the plan, EXIT_NO for an unwritable session
 * directory) after printing why. */
int Runtime_open(Runtime *rt, const RunOptions *opt, int cols, int rows);

/* Stops the executor and probes, flushes the recording, releases the lock. */
void Runtime_close(Runtime *rt);

/* As Runtime_close, with last (when its key is set) recorded after every
 * producer stopped: the recording's last event. */
void Runtime_close_with(Runtime *rt, const Event *last);

#endif
