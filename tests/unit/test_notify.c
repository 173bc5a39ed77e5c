/* Notifications: which events are said (a step's state once, not its
 * progress; the point of no return; the downtime window; alarms; decisions;
 * the end of the run) and in what words (the generic JSON and Slack's
 * {"text"}); a webhook delivers in order to a live receiver; a receiver that
 * never answers costs the caller nothing, its full queue drops its oldest
 * message with a count, and stopping it keeps to its deadline. */
#include <arpa/inet.h>
#include <check.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/clock.h"
#include "notify/message.h"
#include "notify/webhook.h"
#include "session/step_state.h"
#include "tests/unit/unit.h"

#define PLAN_TEXT                                                                                  \
    "{\"name\":\"lab\",\"source\":{\"host\":\"127.0.0.1\",\"user\":\"u\"},\"target\":{\"host\":"   \
    "\"127.0.0.1\","                                                                               \
    "\"user\":\"u\"},\"maintenance\":{\"method\":\"file\",\"path\":\"/tmp/m\"},"                   \
    "\"swap\":{\"method\":\"file\",\"path\":\"/tmp/s\",\"key\":\"K\",\"value\":\"x\"},"            \
    "\"steps\":[\"maintenance-on\",\"read-only\",\"swap\",\"maintenance-off\"]}"

static Plan *plan_load(void)
{
    char err[512];
    Plan *p = Plan_parse("test", PLAN_TEXT, strlen(PLAN_TEXT), err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    return p;
}

static int take_step(NotifyFilter *f, const char *key, StepState state, const char *text,
                     NotifyItem out[2])
{
    Event ev;
    Event_step(&ev, key, state, 0, text);
    ev.wall_ms = 1796000000000;
    return NotifyFilter_take(f, &ev, out);
}

START_TEST(a_state_is_said_once_and_the_end_is_said)
{
    Plan *p = plan_load();
    NotifyFilter f;
    NotifyItem it[2];
    NotifyFilter_init(&f, p);
    ck_assert_int_eq(take_step(&f, "maintenance-on", STEP_PENDING, "", it), 0);
    ck_assert_int_eq(take_step(&f, "maintenance-on", STEP_RUNNING, "running", it), 1);
    ck_assert_str_eq(it[0].kind, "step");
    ck_assert_str_eq(it[0].state, "running");
    /* Progress text in the same state is not a transition. */
    ck_assert_int_eq(take_step(&f, "maintenance-on", STEP_RUNNING, "2 s left", it), 0);
    ck_assert_int_eq(take_step(&f, "maintenance-on", STEP_DONE, "flag written", it), 1);
    ck_assert_int_eq(take_step(&f, STEP_POINT_ID, STEP_DONE, "crossed", it), 1);
    ck_assert_str_eq(it[0].kind, "point");
    ck_assert_int_eq(take_step(&f, STEP_DOWNTIME_ID, STEP_DONE, "0.9 s", it), 1);
    ck_assert_str_eq(it[0].kind, "downtime");
    /* The plan's last step done ends the run. */
    ck_assert_int_eq(take_step(&f, "maintenance-off", STEP_DONE, "flag removed", it), 2);
    ck_assert_str_eq(it[1].kind, "end");
    ck_assert_str_eq(it[1].state, "completed");
    /* The freeze undone ends it too. */
    NotifyFilter_init(&f, p);
    take_step(&f, "maintenance-on", STEP_DONE, "", it);
    ck_assert_int_eq(take_step(&f, "maintenance-on", STEP_ROLLED_BACK, "", it), 2);
    ck_assert_str_eq(it[1].state, "rolled-back");
    Plan_free(p);
}
END_TEST

START_TEST(alarms_and_decisions_are_said_logs_are_not)
{
    Plan *p = plan_load();
    NotifyFilter f;
    NotifyItem it[2];
    Event ev;
    NotifyFilter_init(&f, p);
    Event_alarm(&ev, "lag", true, "lag 12 s over 5 s");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 1);
    ck_assert_str_eq(it[0].state, "raised");
    Event_alarm(&ev, "lag", false, "");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 1);
    ck_assert_str_eq(it[0].state, "cleared");
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_DECISION;
    strcpy(ev.key, "arm");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 1);
    ck_assert_str_eq(it[0].kind, "decision");
    strcpy(ev.key, "signal");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 1);
    ck_assert_str_eq(it[0].kind, "end");
    Event_log(&ev, LOG_WARN, "checklist", "something");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 0);
    Event_sample(&ev, "lag.heartbeat_s", 1.0, "heartbeat");
    ck_assert_int_eq(NotifyFilter_take(&f, &ev, it), 0);
    Plan_free(p);
}
END_TEST

START_TEST(bodies_in_both_forms)
{
    NotifyItem it = {.kind = "step",
                     .key = "swap",
                     .state = "failed",
                     .text = "answered \"503\"\nretry",
                     .wall_ms = 1796000000123};
    char body[NOTIFY_BODY_MAX];
    NotifyMessage_body(NOTIFY_JSON, "lab", 7, 2, &it, body, sizeof body);
    json_object *o = json_tokener_parse(body), *v;
    ck_assert_msg(o != NULL, "not JSON: %s", body);
    ck_assert(json_object_object_get_ex(o, "seq", &v) && json_object_get_int(v) == 7);
    ck_assert(json_object_object_get_ex(o, "dropped_before", &v) && json_object_get_int(v) == 2);
    ck_assert(json_object_object_get_ex(o, "text", &v));
    ck_assert_str_eq(json_object_get_string(v), "answered \"503\"\nretry");
    ck_assert(json_object_object_get_ex(o, "at", &v));
    ck_assert_str_eq(json_object_get_string(v), "2026-11-30T00:53:20.123Z");
    json_object_put(o);
    NotifyMessage_body(NOTIFY_SLACK, "lab", 7, 2, &it, body, sizeof body);
    o = json_tokener_parse(body);
    ck_assert_msg(o != NULL && json_object_object_length(o) == 1, "slack: %s", body);
    ck_assert(json_object_object_get_ex(o, "text", &v));
    const char *text = json_object_get_string(v);
    ck_assert_msg(strstr(text, "[lab]") && strstr(text, "step swap: failed") &&
                      strstr(text, "(2 earlier messages dropped)"),
                  "%s", text);
    json_object_put(o);
}
END_TEST

/* ---- a webhook against receivers on this host ---- */

typedef struct Receiver {
    int fd, port;
    bool answer; /* false: accept, read, never answer */
    char bodies[64][NOTIFY_BODY_MAX];
    int n;
    pthread_t thread;
} Receiver;

static void *Receiver_run(void *arg)
{
    Receiver *r = arg;
    for (;;) {
        int c = accept(r->fd, NULL, NULL);
        if (c < 0)
            return NULL;
        char buf[8192];
        size_t got = 0;
        ssize_t k;
        /* Headers, then Content-Length bytes of body. */
        while ((k = read(c, buf + got, sizeof buf - 1 - got)) > 0) {
            got += (size_t)k;
            buf[got] = '\0';
            char *end = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "Content-Length:");
            if (end && cl && got - (size_t)(end + 4 - buf) >= (size_t)atoi(cl + 15))
                break;
        }
        if (!r->answer)
            continue; /* held open, never answered */
        char *end = strstr(buf, "\r\n\r\n");
        if (end && r->n < 64)
            snprintf(r->bodies[r->n++], NOTIFY_BODY_MAX, "%s", end + 4);
        const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ssize_t w = write(c, ok, strlen(ok));
        (void)w;
        close(c);
    }
}

static void Receiver_start(Receiver *r, bool answer)
{
    memset(r, 0, sizeof *r);
    r->answer = answer;
    r->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(r->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(r->fd, 64), 0);
    ck_assert_int_eq(getsockname(r->fd, (struct sockaddr *)&a, &len), 0);
    r->port = ntohs(a.sin_port);
    pthread_create(&r->thread, NULL, Receiver_run, r);
}

static void Receiver_stop(Receiver *r)
{
    shutdown(r->fd, SHUT_RDWR);
    close(r->fd);
    pthread_join(r->thread, NULL);
}

static PlanWebhook hook_for(const Receiver *r, char *url, int queue, int retries, int timeout)
{
    sprintf(url, "http://127.0.0.1:%d/hook", r->port);
    PlanWebhook h = {.name = "t", .format = NOTIFY_JSON, .queue = queue, .retries = retries};
    h.http.method = "POST";
    h.http.url = url;
    h.http.timeout_ms = timeout;
    return h;
}

static NotifyItem item_n(int i)
{
    NotifyItem it = {.kind = "step", .state = "done", .wall_ms = 1796000000000};
    snprintf(it.key, sizeof it.key, "s%d", i);
    return it;
}

START_TEST(delivered_in_order)
{
    Receiver r;
    char url[64], err[256];
    Receiver_start(&r, true);
    PlanWebhook h = hook_for(&r, url, 64, 2, 2000);
    Webhook *w = Webhook_start(&h, "lab", err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    for (int i = 0; i < 20; i++) {
        NotifyItem it = item_n(i);
        Webhook_add(w, &it);
    }
    WebhookStats st;
    Webhook_stop(w, Clock_mono_ms() + 10000, &st);
    Receiver_stop(&r);
    ck_assert_int_eq(st.delivered, 20);
    ck_assert_int_eq(st.dropped, 0);
    ck_assert_int_eq(r.n, 20);
    for (int i = 0; i < 20; i++) {
        char want[64];
        snprintf(want, sizeof want, "\"seq\":%d,", i + 1);
        ck_assert_msg(strstr(r.bodies[i], want), "message %d: %s", i, r.bodies[i]);
        snprintf(want, sizeof want, "\"key\":\"s%d\"", i);
        ck_assert_msg(strstr(r.bodies[i], want), "message %d: %s", i, r.bodies[i]);
    }
}
END_TEST

START_TEST(a_receiver_that_never_answers_costs_nothing)
{
    Receiver r;
    char url[64], err[256];
    Receiver_start(&r, false);
    PlanWebhook h = hook_for(&r, url, 8, 1, 1000);
    Webhook *w = Webhook_start(&h, "lab", err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    int64_t t0 = Clock_mono_ms();
    for (int i = 0; i < 1000; i++) {
        NotifyItem it = item_n(i);
        Webhook_add(w, &it);
    }
    int64_t spent = Clock_mono_ms() - t0;
    /* 1000 adds against a dead receiver with a 1 s timeout: no add waited
     * for it (generous bound for a loaded machine; a wait would be seconds). */
    ck_assert_msg(spent < 500, "adding took %lld ms", (long long)spent);
    WebhookStats st;
    Webhook_stats(w, &st);
    ck_assert_int_ge(st.dropped, 1000 - 8 - 1);
    t0 = Clock_mono_ms();
    Webhook_stop(w, Clock_mono_ms() + 300, &st);
    spent = Clock_mono_ms() - t0;
    /* The deadline, plus the up to ~1 s libcurl takes to look at the cancel
     * flag of a transfer waiting for an answer (its progress callback). */
    ck_assert_msg(spent < 2500, "stopping took %lld ms for a 300 ms deadline", (long long)spent);
    ck_assert_int_eq(st.delivered, 0);
    ck_assert_int_eq(st.dropped, 1000);
    Receiver_stop(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notify");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, a_state_is_said_once_and_the_end_is_said);
    tcase_add_test(tc, alarms_and_decisions_are_said_logs_are_not);
    tcase_add_test(tc, bodies_in_both_forms);
    tcase_add_test(tc, delivered_in_order);
    tcase_add_test(tc, a_receiver_that_never_answers_costs_nothing);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
