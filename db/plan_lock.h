/* One console per plan, everywhere: a user-level lock (GET_LOCK) named
 * after the plan, taken on the source and on the target by a connection
 * kept for the whole run. Two leads on two bastions cannot both arm the
 * same plan (the session directory's file lock only covers one host), and a
 * console that dies releases it with its connection, as the server drops
 * the connection's locks when it closes: at once when its process dies,
 * within a minute when its host does (the connections' wait_timeout, kept
 * alive by a ping). A second console waits up to 10 s for the lock, the
 * time a server may take to see a killed console's connection close. */
#ifndef CUTOVER_DB_PLAN_LOCK_H
#define CUTOVER_DB_PLAN_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "plan/plan.h"

typedef struct PlanLock PlanLock;

typedef enum {
    PLAN_LOCK_TAKEN = 0, /* held on every server that answered */
    PLAN_LOCK_HELD,      /* another console holds it: err says who */
    PLAN_LOCK_ERROR,     /* could not be taken (a server refused the statement) */
} PlanLockResult;

/* "cutover:" and 32 hex digits of the plan name's SHA-256 (GET_LOCK names
 * are at most 64 characters). */
void PlanLock_name(const char *plan_name, char *out, size_t size);

/* Takes the lock on both servers. A server that cannot be reached is not
 * locked: it is named in *warning (the run goes on; PlanLock_ensure takes
 * the lock once it answers). On PLAN_LOCK_HELD and PLAN_LOCK_ERROR nothing
 * is held and NULL is returned. */
PlanLock *PlanLock_acquire(const Plan *plan, const DbTimeouts *timeouts, PlanLockResult *result,
                           char *warning, size_t warnsize, char *err, size_t errsize);

/* Before a destructive step: the lock is still this console's on both
 * servers (a connection lost with a restarted server is reopened and the
 * lock taken again). -1 with err when a server cannot be reached or another
 * console holds it now. */
int PlanLock_ensure(PlanLock *lock, char *err, size_t errsize);

/* Releases the lock (RELEASE_LOCK) and closes the connections. */
void PlanLock_release(PlanLock *lock);

#endif
