#include "session/step_state.h"

static const char *const state_names[STEP_STATE_COUNT] = {
    [STEP_PENDING] = "pending",
    [STEP_WAITING] = "waiting",
    [STEP_RUNNING] = "running",
    [STEP_DONE] = "done",
    [STEP_FAILED] = "failed",
    [STEP_SKIPPED] = "skipped",
    [STEP_ROLLING_BACK] = "rolling-back",
    [STEP_ROLLED_BACK] = "rolled-back",
};

const char *StepState_name(StepState state)
{
    if ((int)state < 0 || state >= STEP_STATE_COUNT)
        return "unknown";
    return state_names[state];
}
