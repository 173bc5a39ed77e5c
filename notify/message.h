/* What the webhooks are told, and in what words: the events worth a message
 * (a step that changed state, the point of no return, the downtime window,
 * an alarm raised or cleared, an operator's decision) and the end of the
 * run, each as one JSON body, Slack-compatible ({"text": ...}) or generic.
 * Pure: no threads, no network (notify/notifier.c feeds it the bus). */
#ifndef CUTOVER_NOTIFY_MESSAGE_H
#define CUTOVER_NOTIFY_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "session/event.h"

#define NOTIFY_BODY_MAX  2048
#define NOTIFY_STEPS_MAX 16

/* One message, before it is put in a webhook's words. */
typedef struct NotifyItem {
    char kind[16]; /* step, point, downtime, alarm, decision, end */
    char key[EVENT_KEY_MAX];
    char state[24]; /* done, raised, ... ("" for a decision) */
    char text[EVENT_TEXT_MAX + 64];
    int64_t wall_ms;
} NotifyItem;

/* What has been said of each step, so a repeated state (progress text) is
 * not said again, and what ends the run for this plan. */
typedef struct NotifyFilter {
    const Plan *plan;
    char keys[NOTIFY_STEPS_MAX][EVENT_KEY_MAX];
    int states[NOTIFY_STEPS_MAX];
    int nkeys;
} NotifyFilter;

void NotifyFilter_init(NotifyFilter *f, const Plan *plan);

/* The messages ev calls for (0, 1, or 2 when it also ends the run) into out. */
int NotifyFilter_take(NotifyFilter *f, const Event *ev, NotifyItem out[2]);

/* The body for a webhook in format: seq counts its messages from 1;
 * dropped_before is how many were dropped since the last one delivered. */
void NotifyMessage_body(NotifyFormat format, const char *plan_name, long seq, long dropped_before,
                        const NotifyItem *item, char *out, size_t size);

#endif
