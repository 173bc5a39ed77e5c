/* The freeze gate: whether the figures allow the freeze now. The drain after
 * the freeze is the floor of the downtime, so arming waits (bounded by the
 * plan's timeout) until the heartbeat lag and the backlog's drain estimate
 * have stayed under freeze.max_lag_at_freeze_ms for freeze.samples lag
 * samples in a row, and, in verify mode chunks, every chunk was compared
 * once (a chunk never compared is compared whole inside the window).
 *
 * Pure: it is fed the events the probes post and the verifier's coverage,
 * and is given the time, so every decision is unit-tested. Only samples fed
 * after FreezeGate_init count: a figure from before the key is not trusted.
 * The executor's wait around it is Exec_gate (checklist/executor.c). */
#ifndef CUTOVER_CHECKLIST_FREEZE_GATE_H
#define CUTOVER_CHECKLIST_FREEZE_GATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"
#include "session/event.h"

typedef enum { GATE_WAITING = 0, GATE_OPEN, GATE_TIMED_OUT } GateState;

typedef struct FreezeGate {
    PlanFreeze cfg;
    int64_t start_ms; /* monotonic */
    int below;        /* consecutive lag samples at most the limit */
    int lag_samples;  /* lag samples seen since the key */
    double lag_s;     /* the newest heartbeat lag; -1 none yet */
    double drain_s;   /* the newest drain estimate; -1 none posted, -2 "not draining" */
    bool verify_needed;
    bool verify_known;
    size_t verify_chunks, verify_never;
} FreezeGate;

/* A gate for the plan's freeze section, waiting from now_ms; verify_needed
 * when the verifier runs and the plan waits for its first pass. */
void FreezeGate_init(FreezeGate *g, const PlanFreeze *cfg, bool verify_needed, int64_t now_ms);

/* A posted event: heartbeat lag and drain samples count, the rest is ignored. */
void FreezeGate_feed(FreezeGate *g, const Event *ev);

/* The verifier's coverage now: chunks in all, never compared. */
void FreezeGate_verify(FreezeGate *g, size_t chunks, size_t never);

/* Open when every condition holds; timed out past the plan's timeout. */
GateState FreezeGate_state(const FreezeGate *g, int64_t now_ms);

/* What it waits for, for the step's line, the log and the audit:
 * "lag 1.2 s > 500 ms (1/3 below), drain 0.8 s, verify first pass, 12 to compare". */
void FreezeGate_describe(const FreezeGate *g, char *buf, size_t size);

/* Whole seconds left before the timeout (the countdown leads the step's
 * line, so a narrow column still shows it). */
int64_t FreezeGate_left_s(const FreezeGate *g, int64_t now_ms);

/* ---- the wait (checklist/freeze_wait.c) ----------------------------------- */

struct Verifier;
typedef struct Bus Bus;

typedef struct GateOutcome {
    GateState state; /* open, timed out, or waiting when cancelled */
    int64_t waited_ms;
    char text[EVENT_TEXT_MAX]; /* FreezeGate_describe at the end */
} GateOutcome;

/* Waits on the bus's figures (and the verifier's coverage; NULL: none
 * needed) until the gate opens, times out or *cancel is set; calls
 * progress(ctx, text) about once a second with what it waits for. */
void FreezeGate_wait(const PlanFreeze *cfg, Bus *bus, struct Verifier *verifier,
                     atomic_bool *cancel, void (*progress)(void *ctx, const char *text), void *ctx,
                     GateOutcome *out);

#endif
