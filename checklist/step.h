/* The step actions: one file per action (step_*.c), each a const table of
 * functions the executor calls: prepare (read what the action needs, change
 * nothing), describe (every statement, request and command it will run),
 * run (do it and read the effect back), undo (and read back), and effect
 * (read back now whether the action's effect is in place, for resume). */
#ifndef CUTOVER_CHECKLIST_STEP_H
#define CUTOVER_CHECKLIST_STEP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/http.h"
#include "aws/ssm.h"
#include "checklist/engine.h"
#include "checklist/target_writes.h"
#include "db/db.h"
#include "plan/plan.h"
#include "session/event.h"

/* What one step hands to a later one, or to a resumed run: kept by the
 * executor for the life of the plan's cutover. */
typedef struct StepMemo {
    char fence_id[64];     /* lag-zero: the fence row's id */
    char freeze_file[128]; /* lag-zero: SHOW MASTER STATUS at the freeze */
    long long freeze_pos;
    char freeze_gtid[512];   /* @@gtid_binlog_pos at the freeze */
    char lag_zero_proof[32]; /* "fence", "gtid", "binlog position" */
    int64_t lag_zero_us;     /* fence written -> seen on the target */
    bool swap_old_known;
    bool swap_found_done;        /* prepare found the new value already in place */
    char swap_old[8193];         /* the key's old value, whole (an SSM parameter holds up to
                                  * 8 KB; secret-bearing: never logged) */
    bool swap_ssm_known;         /* swap_ssm read (DescribeParameters) */
    Ssm_meta swap_ssm;           /* ssm swap: the type, KMS key and tier every put keeps */
    ReplicationKind replication; /* how the target is fed; AUTO until decided */
    bool point_crossed;          /* the point of no return is audited */
    bool anchor_table_ready;     /* SCHEMA.audit_head exists on the target */
    bool anchor_warned;          /* the anchor could not be written: said once */
    TargetMark point_mark;       /* the target's binlog there (to count its writes) */
    bool reverse_paused;         /* a failed carry-back's DMS task: resume, not restart */
} StepMemo;

typedef void (*StepLogFn)(void *arg, LogLevel level, const char *text);
/* Appends an audit record to the running step's trail: action, what ran,
 * and its outcome (an AWS write and who made it). */
typedef void (*StepAuditFn)(void *arg, const char *action, const char *executed,
                            const char *result);

typedef struct StepCtx {
    const Plan *plan;
    Db *source; /* the console's own connections, opened on first use */
    Db *target;
    DbTimeouts timeouts;
    atomic_bool *cancel; /* set by abort: every wait returns at once */
    StepMemo *memo;
    StepLogFn log;
    void *log_arg;
    StepAuditFn audit; /* NULL: not audited (dry run, tests) */
    void *audit_arg;
    struct Verifier *verifier; /* verify mode "chunks": what was compared before the freeze */
    char executed[4096];       /* what was (or would be) run, one item a line */
    char result[256];          /* the short result or proof */
    char error[512];
} StepCtx;

typedef struct StepOps {
    StepKind kind;
    int (*prepare)(StepCtx *c);        /* optional; changes nothing */
    void (*describe)(StepCtx *c);      /* appends to c->executed */
    int (*run)(StepCtx *c);            /* 0 done (effect read back), -1 failed */
    void (*describe_undo)(StepCtx *c); /* NULL when nothing to undo */
    int (*undo)(StepCtx *c);
    Effect (*effect)(StepCtx *c); /* NULL: a check, leaves no effect */
} StepOps;

/* The table for a step kind. */
const StepOps *Step_ops(StepKind kind);

/* Every action's table (defined in its step_*.c). */
extern const StepOps StepPreflight_ops, StepMaintenanceOn_ops, StepMaintenanceOff_ops,
    StepReadOnly_ops, StepLagZero_ops, StepVerify_ops, StepSwap_ops, StepTargetHealth_ops,
    StepStopReplication_ops;

/* The timeouts of the steps' own connections, from the plan's timings
 * (writes are bounded like reads). */
DbTimeouts Step_timeouts(const Plan *plan);

/* Clears executed/result/error before a step or undo. */
void Step_reset(StepCtx *c);

/* Appends one line to c->executed. */
void Step_say(StepCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets c->result / c->error (printf style). Step_fail returns -1. */
void Step_result(StepCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int Step_fail(StepCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Posts a log line through the executor. */
void Step_log(StepCtx *c, LogLevel level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool Step_cancelled(const StepCtx *c);
/* Sleeps up to ms, returning early (true) when cancelled. */
bool Step_pause(StepCtx *c, int ms);

/* The console's connection to the source / target, connected on demand;
 * NULL with c->error set when it cannot connect. */
Db *Step_source(StepCtx *c);
Db *Step_target(StepCtx *c);
/* Forgets a connection after a failure so the next use reconnects. */
void Step_drop(StepCtx *c, Db *db);

/* Runs a statement on db; on failure sets c->error ("source: ERRNO: msg"),
 * drops a broken connection and returns -1. */
int Step_exec(StepCtx *c, Db *db, const char *who, const char *sql);
/* One integer / string from a query; 1 row, 0 none, -1 error (c->error set). */
int Step_int(StepCtx *c, Db *db, const char *who, const char *sql, int64_t *out);
int Step_string(StepCtx *c, Db *db, const char *who, const char *sql, char *out, size_t size);

/* Waits (up to target_health.timeout_ms) until no session of the app
 * account is left on the source and, when need_target, at least one is on
 * the target. Returns how many are on the target, or -1 (c->error). */
int TargetHealth_wait_app(StepCtx *c, bool need_target);

/* An AWS client in one side's account (the plan's settings for it) whose
 * retries are logged as warnings; NULL with c->error ("WHAT: ...") when it
 * cannot be made. */
Aws_client *Step_aws(StepCtx *c, AwsSide side, const char *what);

/* After a DMS start or stop request failed with err: 0 when the task is
 * nevertheless on its way (running/starting, stopped/stopping: a retry
 * after a lost reply is refused because the first attempt was taken),
 * said as a warning; else the step fails with err. */
int Step_dms_taken(StepCtx *c, Aws_client *a, const char *arn, bool running, const char *err);

/* "`schema`.`table`" from "schema.table"; -1 when the name is not plain. */
int Step_quote_table(const char *name, char *out, size_t size);

#endif
