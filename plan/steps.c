#include "plan/steps.h"

#include <stddef.h>

/* In execution order, indexed by StepKind. */
static const StepFacts Steps_table[STEP_KIND_COUNT] = {
    [STEP_PREFLIGHT] = {"preflight",
                        "Pre-flight checks",
                        false,
                        NULL,
                        "both servers, the endpoint and AWS (read only)",
                        {0},
                        -1},
    [STEP_MAINTENANCE_ON] = {"maintenance-on",
                             "Maintenance on",
                             true,
                             "turn maintenance off",
                             "the application (its maintenance switch)",
                             {[STEP_ROLE_FREEZE] = RANK_FIRST},
                             -1},
    [STEP_READ_ONLY] = {"read-only",
                        "Source read-only",
                        true,
                        "make the source writable",
                        "the source",
                        {[STEP_ROLE_FREEZE] = RANK_SECOND},
                        -1},
    [STEP_LAG_ZERO] = {"lag-zero",
                       "Wait for lag zero",
                       false,
                       NULL,
                       "the source (a fence row) and the target",
                       {0},
                       -1},
    [STEP_VERIFY] = {"verify", "Verify tables", false, NULL, "both servers (read only)", {0}, -1},
    [STEP_SWAP] = {"swap",
                   "Swap connection",
                   true,
                   "put the old connection string back",
                   "the application's connection string",
                   {[STEP_ROLE_THAW] = RANK_SECOND, [STEP_ROLE_POINT] = RANK_SECOND},
                   -1},
    [STEP_TARGET_HEALTH] = {"target-health",
                            "Target health",
                            false,
                            NULL,
                            "the target (a write rolled back)",
                            {0},
                            -1},
    [STEP_MAINTENANCE_OFF] = {"maintenance-off",
                              "Maintenance off",
                              true,
                              "turn maintenance on again",
                              "the application (its maintenance switch)",
                              {[STEP_ROLE_THAW] = RANK_FIRST, [STEP_ROLE_POINT] = RANK_FIRST},
                              STEP_MAINTENANCE_ON},
    [STEP_STOP_REPLICATION] = {"stop-replication",
                               "Stop replication",
                               true,
                               "start replication again",
                               "the replication (target or DMS)",
                               {0},
                               -1},
};

static const StepFacts Steps_unknown = {"unknown", "Unknown step", false, NULL, "", {0}, -1};

const StepFacts *Steps_facts(StepKind kind)
{
    return (int)kind >= 0 && kind < STEP_KIND_COUNT ? &Steps_table[kind] : &Steps_unknown;
}

/* Rank 1 only with the step it needs (maintenance-off is the point only when
 * maintenance went on: else the application was never held). */
static bool Steps_plays(const bool enabled[STEP_KIND_COUNT], int k, StepRole role, StepRank rank)
{
    const StepFacts *f = &Steps_table[k];
    if (!enabled[k] || f->role[role] != rank)
        return false;
    return rank != RANK_FIRST || f->role_needs < 0 || enabled[f->role_needs];
}

int Steps_with_role(const bool enabled[STEP_KIND_COUNT], StepRole role)
{
    for (StepRank rank = RANK_FIRST; rank <= RANK_SECOND; rank++)
        for (int k = 0; k < STEP_KIND_COUNT; k++)
            if (Steps_plays(enabled, k, role, rank))
                return k;
    return -1;
}
