/* One webhook's delivery: a bounded queue of message bodies and a thread
 * that POSTs them in order, retrying a failure with a growing pause. Adding
 * never waits: a full queue drops its oldest message, and every drop is
 * counted (and told to the receiver with the next message delivered). */
#ifndef CUTOVER_NOTIFY_WEBHOOK_H
#define CUTOVER_NOTIFY_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "notify/message.h"
#include "plan/plan.h"

typedef struct Webhook Webhook;

/* What the notifier reports of a webhook (Webhook_stats). */
typedef struct WebhookStats {
    long delivered;
    long dropped; /* queue full, or every attempt failed */
    bool failing; /* the last attempt failed */
    char last_error[160];
} WebhookStats;

/* Expands the URL and headers (${NAME} from the environment; the values
 * are registered as secrets) and starts the thread. NULL with err. */
Webhook *Webhook_start(const PlanWebhook *plan, const char *plan_name, char *err, size_t errsize);

/* For the pre-flight: whether the URL and headers expand (every ${NAME}
 * set, the URL http(s)://). Nothing is sent: a step never waits on a
 * webhook. read_secrets: the "secrets" are read from Secrets Manager (the
 * online check); else they are taken as given (check --offline). 0, or -1
 * with err. */
int Webhook_check(const PlanWebhook *plan, bool read_secrets, char *err, size_t errsize);

/* Queues item for delivery; never blocks on the network. */
void Webhook_add(Webhook *w, const NotifyItem *item);

void Webhook_stats(Webhook *w, WebhookStats *out);

/* Takes nothing more: what is queued is still delivered (for several
 * webhooks, say it to all of them, then stop each). */
void Webhook_finish(Webhook *w);

/* Delivers what is queued until deadline (Clock_mono_ms), then stops what
 * is left (counted as dropped), puts the final figures in final (when not
 * NULL) and frees the webhook. */
void Webhook_stop(Webhook *w, int64_t deadline, WebhookStats *final);

#endif
