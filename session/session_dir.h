/* Where a plan's files live: the audit log (one per plan, its chain carried
 * across runs so a restart can read where the cutover stands), one recording
 * per run, and the executor lock. The directory is created 0700. */
#ifndef CUTOVER_SESSION_SESSION_DIR_H
#define CUTOVER_SESSION_SESSION_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plan/plan.h"

typedef struct SessionDir {
    char dir[1024];       /* the directory */
    char audit[1200];     /* DIR/SLUG.audit.jsonl */
    char recording[1200]; /* DIR/SLUG-YYYYMMDDTHHMMSSZ[-N].session.jsonl (new each run) */
    char lock[1200];      /* DIR/SLUG.lock */
    char name[256];       /* the plan's name, for messages */
} SessionDir;

/* Picks the directory (override, else the plan's session_dir, else
 * $XDG_STATE_HOME/cutover, else ~/.local/state/cutover), creates it and fills
 * in the paths. The slug is the plan's name in lowercase letters, digits, '-'.
 * 0 on success, -1 with err. */
int SessionDir_prepare(SessionDir *sd, const Plan *plan, const char *override, char *err,
                       size_t errsize);

/* Takes the one-executor-per-plan lock: writes pid, host and start time
 * into the lock file, held with an flock for the life of the process.
 * Returns the fd (>= 0), or -1 with err naming the holder's pid, host and
 * start time when another executor has it. A lock left by a dead process is
 * taken over. */
int SessionDir_lock(const SessionDir *sd, char *err, size_t errsize);

#endif
