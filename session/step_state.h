/* The states a checklist step goes through; shared by the engine, the
 * executor, the model and replay (recorded as numbers in EVENT_STEP). */
#ifndef CUTOVER_SESSION_STEP_STATE_H
#define CUTOVER_SESSION_STEP_STATE_H

typedef enum {
    STEP_PENDING = 0,
    STEP_WAITING, /* waiting for the operator's confirmation */
    STEP_RUNNING,
    STEP_DONE,
    STEP_FAILED,
    STEP_SKIPPED,
    STEP_ROLLING_BACK,
    STEP_ROLLED_BACK,
    STEP_STATE_COUNT
} StepState;

/* The key of the EVENT_STEP that marks the point of no return (it is not
 * a step: value = the step it precedes, state pending until crossed, then
 * done). */
#define STEP_POINT_ID "point-of-no-return"

/* The key of the EVENT_STEP that marks the downtime window, decided by the
 * checklist engine alone (checklist/engine.c): running when the application
 * is frozen (maintenance-on starts, or read-only without a maintenance
 * gate), done when it can write again (maintenance-off done, the swap
 * without one, or the freeze rolled back), with value2 the window in ms as
 * the engine measured it (also audited). The screen, the report and the
 * headless summary fold it; none decides the window itself. */
#define STEP_DOWNTIME_ID "downtime"

/* "pending", "running", ... */
const char *StepState_name(StepState state);

#endif
