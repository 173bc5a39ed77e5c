/* Every fact about a kind of step that is not in the plan, in one const
 * table: its recorded id, its title, whether it changes anything, what its
 * undo does, what it acts on, and its part in the downtime window and the
 * point of no return. The parser, the checklist engine, the executor and
 * the screen read them here; adding a step is one row (and its StepOps). */
#ifndef CUTOVER_PLAN_STEPS_H
#define CUTOVER_PLAN_STEPS_H

#include <stdbool.h>

#include "plan/plan.h"

/* A role a step may play, in order of preference: the first enabled step
 * with the role at rank 1 takes it, else the one at rank 2. */
typedef enum { RANK_NONE = 0, RANK_FIRST = 1, RANK_SECOND = 2 } StepRank;

typedef enum {
    STEP_ROLE_FREEZE = 0, /* its start stops the application's writes: the downtime starts */
    STEP_ROLE_THAW,       /* its completion lets the application write: the downtime ends */
    STEP_ROLE_POINT,      /* its action lets the application reach the target */
    STEP_ROLE_COUNT
} StepRole;

typedef struct StepFacts {
    const char *id;    /* recorded in audits and sessions: never renamed */
    const char *title; /* the checklist's default title */
    bool destructive;  /* changes something (the plan lock is checked first) */
    const char *undo;  /* what undoing it does, NULL when nothing to undo */
    const char *acts_on;
    StepRank role[STEP_ROLE_COUNT];
    int role_needs; /* a step that must be enabled too for its rank-1 roles, -1 none */
} StepFacts;

/* The row of kind (a row of "unknown" when out of range). */
const StepFacts *Steps_facts(StepKind kind);

/* The enabled step that plays role, or -1. */
int Steps_with_role(const bool enabled[STEP_KIND_COUNT], StepRole role);

#endif
