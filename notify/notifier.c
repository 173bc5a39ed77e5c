/* The bus consumer that feeds the webhooks, and reports their trouble. */
#include "notify/notifier.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"
#include "lib/clock.h"
#include "notify/message.h"
#include "notify/webhook.h"
#include "session/metrics.h"

enum { NOTIFIER_BATCH = 64, NOTIFIER_TICK_MS = 100 };

typedef struct NotifierHook {
    Webhook *w;
    bool failing_said;
} NotifierHook;

struct Notifier {
    const Plan *plan;
    Bus *bus;
    BusQueue *queue;
    pthread_t thread;
    NotifyFilter filter;
    NotifierHook *hooks;
    size_t n;
    long dropped_posted;
    atomic_bool stopping;
};

/* The total dropped, recorded whenever it grows. */
static void Notifier_post_dropped(Notifier *n, long total)
{
    if (total == n->dropped_posted)
        return;
    Event ev;
    Event_sample(&ev, M_NOTIFY_DROPPED, (double)total, "notify");
    snprintf(ev.text, sizeof ev.text, "%ld notification%s dropped", total, total == 1 ? "" : "s");
    Bus_post(n->bus, &ev);
    n->dropped_posted = total;
}

/* A webhook that starts or stops failing is said once each way; the total
 * dropped is a recorded sample whenever it grows. */
static void Notifier_report(Notifier *n)
{
    long total = 0;
    for (size_t i = 0; i < n->n; i++) {
        NotifierHook *h = &n->hooks[i];
        const char *name = n->plan->notify.hooks[i].name;
        WebhookStats st;
        Webhook_stats(h->w, &st);
        total += st.dropped;
        if (st.failing && !h->failing_said)
            Bus_post_log(n->bus, LOG_WARN, "notify",
                         "webhook %s failing: %s (%ld dropped so far; steps go on)", name,
                         st.last_error, st.dropped);
        else if (!st.failing && h->failing_said)
            Bus_post_log(n->bus, LOG_INFO, "notify",
                         "webhook %s delivering again (%ld dropped in all)", name, st.dropped);
        h->failing_said = st.failing;
    }
    Notifier_post_dropped(n, total);
}

static void Notifier_feed(Notifier *n, const Event *ev)
{
    NotifyItem items[2];
    int k = NotifyFilter_take(&n->filter, ev, items);
    for (int i = 0; i < k; i++) {
        Redact_apply(items[i].text, sizeof items[i].text);
        for (size_t h = 0; h < n->n; h++)
            Webhook_add(n->hooks[h].w, &items[i]);
    }
}

static void *Notifier_thread(void *arg)
{
    Notifier *n = arg;
    Event evs[NOTIFIER_BATCH];
    for (;;) {
        size_t got = BusQueue_wait(n->queue, evs, NOTIFIER_BATCH, NOTIFIER_TICK_MS);
        for (size_t i = 0; i < got; i++)
            Notifier_feed(n, &evs[i]);
        Notifier_report(n);
        if (got == 0 && atomic_load(&n->stopping))
            return NULL;
    }
}

/* Every webhook told to finish, then each given what is left of the time. */
static void Notifier_free_hooks(Notifier *n, int drain_ms, WebhookStats *final)
{
    int64_t deadline = Clock_mono_ms() + drain_ms;
    for (size_t i = 0; i < n->n; i++)
        Webhook_finish(n->hooks[i].w);
    for (size_t i = 0; i < n->n; i++)
        Webhook_stop(n->hooks[i].w, deadline, final ? &final[i] : NULL);
    free(n->hooks);
}

Notifier *Notifier_start(const Plan *plan, Bus *bus, char *err, size_t errsize)
{
    err[0] = '\0';
    if (plan->notify.n == 0)
        return NULL;
    Notifier *n = calloc(1, sizeof *n);
    if (!n || !(n->hooks = calloc(plan->notify.n, sizeof *n->hooks))) {
        free(n);
        snprintf(err, errsize, "notify: out of memory");
        return NULL;
    }
    n->plan = plan;
    n->bus = bus;
    atomic_init(&n->stopping, false);
    NotifyFilter_init(&n->filter, plan);
    for (; n->n < plan->notify.n; n->n++) {
        const PlanWebhook *p = &plan->notify.hooks[n->n];
        if (!(n->hooks[n->n].w =
                  Webhook_start(p, plan->name ? plan->name : "plan", err, errsize))) {
            Notifier_free_hooks(n, 0, NULL);
            free(n);
            return NULL;
        }
    }
    n->queue = Bus_attach(bus, 0);
    if (!n->queue || pthread_create(&n->thread, NULL, Notifier_thread, n) != 0) {
        snprintf(err, errsize, "notify: cannot start its thread");
        if (n->queue)
            Bus_detach(bus, n->queue);
        Notifier_free_hooks(n, 0, NULL);
        free(n);
        return NULL;
    }
    return n;
}

/* The night's tally, recorded: what each webhook was told and lost. */
static void Notifier_tally(Notifier *n, const WebhookStats *final)
{
    char text[EVENT_TEXT_MAX] = "";
    size_t used = 0;
    bool lost = false;
    for (size_t i = 0; i < n->n && used < sizeof text; i++) {
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s %ld delivered, %ld dropped",
                                 i ? "; " : "", n->plan->notify.hooks[i].name, final[i].delivered,
                                 final[i].dropped);
        lost = lost || final[i].dropped > 0;
    }
    Bus_post_log(n->bus, lost ? LOG_WARN : LOG_INFO, "notify", "notifications: %s", text);
}

void Notifier_stop(Notifier *n, int drain_ms)
{
    if (!n)
        return;
    atomic_store(&n->stopping, true);
    pthread_join(n->thread, NULL); /* it took everything posted so far */
    Bus_detach(n->bus, n->queue);
    WebhookStats *final = calloc(n->n, sizeof *final);
    Notifier_free_hooks(n, drain_ms, final);
    if (final) {
        Notifier_tally(n, final);
        long total = 0;
        for (size_t i = 0; i < n->n; i++)
            total += final[i].dropped;
        Notifier_post_dropped(n, total);
    }
    free(final);
    free(n);
}
