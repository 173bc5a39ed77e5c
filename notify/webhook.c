/* One webhook's queue and its delivery thread. */
#include "notify/webhook.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/fetch.h"
#include "lib/clock.h"
#include "lib/env_expand.h"
#include "lib/redact.h"
#include "plan/secret.h"

enum {
    WEBHOOK_HEADERS_MAX = 32,
    WEBHOOK_SECRETS_MAX = 8,
    WEBHOOK_VALUE_MAX = 2048,
    WEBHOOK_PAUSE_MS = 500,
    WEBHOOK_PAUSE_MAX_MS = 8000
};

struct Webhook {
    PlanWebhook plan;
    char name[64], plan_name[64];
    char url[2048];
    char header_lines[WEBHOOK_HEADERS_MAX + 1][2300];
    const char *headers[WEBHOOK_HEADERS_MAX + 1];
    size_t nheaders;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    NotifyItem *ring; /* plan.queue slots */
    size_t head, count;
    long seq, dropped_unsaid;
    bool busy; /* a message is out of the queue, being delivered */
    bool stopping;
    atomic_bool cancel;
    WebhookStats stats;
};

/* Waits on the condition until deadline (Clock_mono_ms) or a signal. */
static void Webhook_wait_until(Webhook *w, int64_t deadline)
{
    int64_t left = deadline - Clock_mono_ms();
    if (left <= 0)
        return;
    struct timespec ts = Clock_mono_deadline(left);
    pthread_cond_timedwait(&w->cond, &w->mu, &ts);
}

/* One POST of body: 0 on a 2xx answer, else -1 with why. */
static int Webhook_post(Webhook *w, const char *body, char *why, size_t size)
{
    Fetch_request req = {.method = "POST",
                         .url = w->url,
                         .headers = w->headers,
                         .n_headers = w->nheaders,
                         .body = body,
                         .body_len = strlen(body),
                         .connect_timeout_ms = w->plan.http.timeout_ms,
                         .timeout_ms = w->plan.http.timeout_ms,
                         .cancel = &w->cancel};
    Fetch_response resp;
    char err[600];
    int rc = Fetch_perform(&req, &resp, err, sizeof err);
    long status = resp.status;
    Fetch_response_free(&resp);
    if (rc != 0) {
        /* The reason without the URL, which may hold a secret. */
        const char *colon = strstr(err, ": ");
        snprintf(why, size, "%s", colon && strstr(err, w->url) == err ? colon + 2 : err);
        Redact_apply(why, size);
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(why, size, "answered HTTP %ld (2xx expected)", status);
        return -1;
    }
    return 0;
}

/* Attempts the message at the queue's head until it is delivered, its
 * attempts are spent, or the webhook stops. Called and returns locked. */
static bool Webhook_deliver(Webhook *w, const char *body)
{
    int pause = WEBHOOK_PAUSE_MS;
    char why[160];
    for (int attempt = 0; attempt <= w->plan.retries; attempt++) {
        if (attempt > 0) {
            Webhook_wait_until(w, Clock_mono_ms() + pause);
            pause = pause * 2 > WEBHOOK_PAUSE_MAX_MS ? WEBHOOK_PAUSE_MAX_MS : pause * 2;
        }
        if (atomic_load(&w->cancel))
            return false;
        pthread_mutex_unlock(&w->mu);
        int rc = Webhook_post(w, body, why, sizeof why);
        pthread_mutex_lock(&w->mu);
        w->stats.failing = rc != 0;
        if (rc == 0)
            return true;
        snprintf(w->stats.last_error, sizeof w->stats.last_error, "%s", why);
    }
    return false;
}

/* Takes the head of the queue into body (numbered, with the drops since the
 * last delivery said). Locked. */
static void Webhook_take(Webhook *w, char *body, size_t size)
{
    NotifyItem item = w->ring[w->head];
    w->head = (w->head + 1) % (size_t)w->plan.queue;
    w->count--;
    NotifyMessage_body(w->plan.format, w->plan_name, ++w->seq, w->dropped_unsaid, &item, body,
                       size);
}

static void *Webhook_thread(void *arg)
{
    Webhook *w = arg;
    char body[NOTIFY_BODY_MAX];
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->count == 0 && !w->stopping)
            pthread_cond_wait(&w->cond, &w->mu);
        if (w->count == 0 || atomic_load(&w->cancel))
            break;
        long unsaid = w->dropped_unsaid;
        Webhook_take(w, body, sizeof body);
        w->busy = true;
        bool delivered = Webhook_deliver(w, body);
        w->busy = false;
        if (delivered) {
            w->stats.delivered++;
            w->dropped_unsaid -= unsaid;
        } else {
            w->stats.dropped++;
            w->dropped_unsaid++;
        }
    }
    w->stats.dropped += (long)w->count; /* stopped with these undelivered */
    w->count = 0;
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

void Webhook_add(Webhook *w, const NotifyItem *item)
{
    pthread_mutex_lock(&w->mu);
    if (w->count == (size_t)w->plan.queue) {
        /* Full: the oldest goes, so the receiver hears what is happening now. */
        w->head = (w->head + 1) % (size_t)w->plan.queue;
        w->count--;
        w->stats.dropped++;
        w->dropped_unsaid++;
    }
    w->ring[(w->head + w->count) % (size_t)w->plan.queue] = *item;
    w->count++;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mu);
}

void Webhook_stats(Webhook *w, WebhookStats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    pthread_mutex_unlock(&w->mu);
}

/* The "secrets" as ${NAME} values: read from Secrets Manager (each value
 * registered as a secret by Secret_resolve), or when !read left as they
 * are written. */
static int Webhook_secrets(const Webhook *w, bool read, EnvVar *vars,
                           char values[][WEBHOOK_VALUE_MAX], char *err, size_t errsize)
{
    const PlanWebhook *p = &w->plan;
    if (p->nsecrets > WEBHOOK_SECRETS_MAX) {
        snprintf(err, errsize, "notify %s: more than %d secrets", w->name, WEBHOOK_SECRETS_MAX);
        return -1;
    }
    for (size_t i = 0; i < p->nsecrets; i++) {
        char why[600];
        vars[i] = (EnvVar){.name = p->secrets[i].name, .value = read ? values[i] : NULL};
        if (read && Secret_resolve(&p->secrets[i].ref, values[i], WEBHOOK_VALUE_MAX, why,
                                   sizeof why) != 0) {
            snprintf(err, errsize, "notify %s: ${%s}: %s", w->name, p->secrets[i].name, why);
            return -1;
        }
    }
    return 0;
}

static int Webhook_headers(Webhook *w, const EnvVar *vars, size_t nvars, char *err, size_t errsize)
{
    const PlanHttp *h = &w->plan.http;
    char why[300];
    for (size_t i = 0; i < h->nheaders; i++) {
        char value[WEBHOOK_VALUE_MAX];
        if (EnvExpand_with(h->headers[i].value, vars, nvars, value, sizeof value, why,
                           sizeof why) != 0) {
            snprintf(err, errsize, "notify %s: header %s: %s", w->name, h->headers[i].name, why);
            return -1;
        }
        snprintf(w->header_lines[i], sizeof w->header_lines[i], "%s: %s", h->headers[i].name,
                 value);
        w->headers[w->nheaders++] = w->header_lines[i];
    }
    snprintf(w->header_lines[w->nheaders], sizeof w->header_lines[0],
             "Content-Type: application/json");
    w->headers[w->nheaders] = w->header_lines[w->nheaders];
    w->nheaders++;
    return 0;
}

/* The URL and headers with ${NAME} expanded (vars first), and the
 * content type. */
static int Webhook_expand_with(Webhook *w, bool read_secrets, EnvVar *vars,
                               char values[][WEBHOOK_VALUE_MAX], char *err, size_t errsize)
{
    const PlanHttp *h = &w->plan.http;
    size_t nvars = w->plan.nsecrets;
    char why[300];
    if (h->nheaders > WEBHOOK_HEADERS_MAX) {
        snprintf(err, errsize, "notify %s: more than %d headers", w->name, WEBHOOK_HEADERS_MAX);
        return -1;
    }
    if (Webhook_secrets(w, read_secrets, vars, values, err, errsize) != 0)
        return -1;
    if (EnvExpand_with(h->url, vars, nvars, w->url, sizeof w->url, why, sizeof why) != 0) {
        snprintf(err, errsize, "notify %s: url: %s", w->name, why);
        return -1;
    }
    if (Webhook_headers(w, vars, nvars, err, errsize) != 0)
        return -1;
    /* Offline, a URL that is a secret not read is still "${NAME}". */
    bool unread = !read_secrets && strncmp(w->url, "${", 2) == 0;
    if (!unread && strncmp(w->url, "http://", 7) != 0 && strncmp(w->url, "https://", 8) != 0) {
        snprintf(err, errsize, "notify %s: the url from the %s is not http(s)://...", w->name,
                 nvars ? "environment or its secrets" : "environment");
        return -1;
    }
    return 0;
}

static int Webhook_expand(Webhook *w, bool read_secrets, char *err, size_t errsize)
{
    EnvVar vars[WEBHOOK_SECRETS_MAX];
    char values[WEBHOOK_SECRETS_MAX][WEBHOOK_VALUE_MAX];
    int rc = Webhook_expand_with(w, read_secrets, vars, values, err, errsize);
    explicit_bzero(values, sizeof values);
    return rc;
}

int Webhook_check(const PlanWebhook *plan, bool read_secrets, char *err, size_t errsize)
{
    Webhook *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errsize, "notify %s: out of memory", plan->name);
        return -1;
    }
    w->plan = *plan;
    snprintf(w->name, sizeof w->name, "%s", plan->name);
    err[0] = '\0';
    int rc = Webhook_expand(w, read_secrets, err, errsize);
    explicit_bzero(w, sizeof *w); /* the expanded values are secrets */
    free(w);
    return rc;
}

Webhook *Webhook_start(const PlanWebhook *plan, const char *plan_name, char *err, size_t errsize)
{
    Webhook *w = calloc(1, sizeof *w);
    if (!w || !(w->ring = calloc((size_t)plan->queue, sizeof *w->ring))) {
        free(w);
        snprintf(err, errsize, "notify %s: out of memory", plan->name);
        return NULL;
    }
    w->plan = *plan; /* the plan outlives the webhook */
    snprintf(w->name, sizeof w->name, "%s", plan->name);
    snprintf(w->plan_name, sizeof w->plan_name, "%s", plan_name);
    atomic_init(&w->cancel, false);
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (Webhook_expand(w, true, err, errsize) != 0 ||
        pthread_create(&w->thread, NULL, Webhook_thread, w) != 0) {
        if (!err[0])
            snprintf(err, errsize, "notify %s: cannot start its thread", w->name);
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mu);
        free(w->ring);
        free(w);
        return NULL;
    }
    return w;
}

void Webhook_finish(Webhook *w)
{
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
}

void Webhook_stop(Webhook *w, int64_t deadline, WebhookStats *final)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cond);
    while ((w->count > 0 || w->busy) && Clock_mono_ms() < deadline)
        Webhook_wait_until(w, deadline < Clock_mono_ms() + 50 ? deadline : Clock_mono_ms() + 50);
    atomic_store(&w->cancel, true); /* a transfer in flight stops at once */
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (final)
        *final = w->stats;
    memset(w->url, 0, sizeof w->url);
    memset(w->header_lines, 0, sizeof w->header_lines);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mu);
    free(w->ring);
    free(w);
}
