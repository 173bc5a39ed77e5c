#include "probes/dms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/metrics.h"

static void DmsProbe_alarm(Probe *p, bool *state, const char *key, bool raise, const char *why)
{
    if (raise == *state)
        return;
    *state = raise;
    Probe_alarm(p, key, raise, why);
}

static void DmsProbe_post_task(Probe *p, DmsProbe *d, const Dms_task *t)
{
    char text[EVENT_TEXT_MAX];
    Probe_text(p, M_DMS_TASK, t->identifier[0] ? t->identifier : Dms_resource_id(t->arn),
               ORIGIN_DMS);
    if (t->last_failure[0] && strcmp(t->status, "running") != 0)
        snprintf(text, sizeof text, "%s: %s", t->status, t->last_failure);
    else if (t->stop_reason[0] && strcmp(t->status, "running") != 0)
        snprintf(text, sizeof text, "%s (%s)", t->status, t->stop_reason);
    else
        snprintf(text, sizeof text, "%s", t->status);
    Event ev;
    Event_sample_text(&ev, M_DMS_STATUS, text, ORIGIN_DMS);
    ev.value = strcmp(t->status, "running") == 0;
    ev.has_value = true;
    Bus_post(p->bus, &ev);
    if (!t->have_stats)
        return;
    Probe_sample(p, M_DMS_FULL_LOAD_PCT, t->full_load_pct, ORIGIN_DMS);
    Probe_sample(p, M_DMS_TABLES_LOADED, t->tables_loaded, ORIGIN_DMS);
    snprintf(text, sizeof text, "%d loading, %d queued", t->tables_loading, t->tables_queued);
    Event_sample_text(&ev, M_DMS_TABLES_LOADING, text, ORIGIN_DMS);
    ev.value = t->tables_loading + t->tables_queued;
    ev.has_value = true;
    Bus_post(p->bus, &ev);
    Probe_sample(p, M_DMS_TABLES_ERRORED, t->tables_errored, ORIGIN_DMS);
    snprintf(text, sizeof text, "DMS task %s: %d table(s) errored", t->identifier,
             t->tables_errored);
    DmsProbe_alarm(p, &d->errored_alarm, M_DMS_TABLES_ERRORED, t->tables_errored > 0, text);
}

/* "2 validated, 1 pending records" from the validation states. */
static void DmsProbe_validation(const Dms_table *t, size_t n, char *out, size_t size)
{
    const char *states[8];
    int counts[8];
    size_t ns = 0, len = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = t[i].validation[0] ? t[i].validation : "unknown";
        size_t k = 0;
        while (k < ns && strcmp(states[k], s) != 0)
            k++;
        if (k == ns && ns < 8) {
            states[ns] = s;
            counts[ns++] = 0;
        }
        if (k < ns)
            counts[k]++;
    }
    out[0] = '\0';
    for (size_t k = 0; k < ns && len < size; k++)
        len +=
            (size_t)snprintf(out + len, size - len, "%s%d %s", k ? ", " : "", counts[k], states[k]);
}

static int DmsProbe_busier(const void *a, const void *b)
{
    const Dms_table *x = a, *y = b;
    double cx = x->inserts + x->updates + x->deletes, cy = y->inserts + y->updates + y->deletes;
    return (cy > cx) - (cy < cx);
}

/* The busiest tables first, as many as fit. */
static void DmsProbe_top(Dms_table *t, size_t n, char *out, size_t size)
{
    qsort(t, n, sizeof *t, DmsProbe_busier);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[160];
        int w =
            snprintf(one, sizeof one, "%s%s.%s I%.0f U%.0f D%.0f %s", i ? "; " : "", t[i].schema,
                     t[i].table, t[i].inserts, t[i].updates, t[i].deletes, t[i].validation);
        if (len + (size_t)w >= size)
            break;
        memcpy(out + len, one, (size_t)w + 1);
        len += (size_t)w;
    }
}

void DmsProbe_post_tables(Probe *p, DmsProbe *d, const Dms_table *t, size_t n)
{
    char text[EVENT_TEXT_MAX] = "";
    double ins = 0, upd = 0, del = 0;
    int bad = 0;
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        ins += t[i].inserts;
        upd += t[i].updates;
        del += t[i].deletes;
        if (!Dms_table_bad(&t[i]))
            continue;
        bad++;
        if (len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s.%s (%s)",
                                    bad > 1 ? ", " : "", t[i].schema, t[i].table,
                                    strstr(t[i].state, "rror") ? t[i].state : t[i].validation);
    }
    Event ev;
    Event_sample_text(&ev, M_DMS_TABLES_BAD, bad ? text : "none", ORIGIN_DMS);
    ev.value = bad;
    ev.has_value = true;
    Bus_post(p->bus, &ev);
    char why[EVENT_TEXT_MAX];
    snprintf(why, sizeof why, "DMS tables errored or mismatched: %s", text);
    DmsProbe_alarm(p, &d->bad_alarm, M_DMS_TABLES_BAD, bad > 0, why);
    DmsProbe_validation(t, n, text, sizeof text);
    Probe_text(p, M_DMS_VALIDATION, text, ORIGIN_DMS);
    snprintf(text, sizeof text, "I %.0f U %.0f D %.0f", ins, upd, del);
    Event_sample_text(&ev, M_DMS_CHANGES, text, ORIGIN_DMS);
    ev.value = ins + upd + del;
    ev.has_value = true;
    Bus_post(p->bus, &ev);
    Dms_table *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, t, n * sizeof *t);
    DmsProbe_top(sorted, n, text, sizeof text);
    Probe_text(p, M_DMS_TOP_TABLES, text, ORIGIN_DMS);
    free(sorted);
}

int DmsProbe_round(Probe *p, DmsProbe *d, Aws_client *c, char *err, size_t errlen)
{
    const char *arn = p->plan->aws.dms_task_arn;
    Dms_task task;
    if (Dms_describe_task(c, arn, &task, err, errlen) != 0)
        return -1;
    DmsProbe_post_task(p, d, &task);
    if (!d->instance_id[0] && task.instance_arn[0] &&
        Dms_instance_identifier(c, task.instance_arn, d->instance_id, sizeof d->instance_id, err,
                                errlen) != 0)
        return -1;
    Dms_table *tables = NULL;
    size_t n = 0;
    int rc = Dms_table_statistics(c, arn, &tables, &n, err, errlen);
    if (rc == 0)
        DmsProbe_post_tables(p, d, tables, n);
    free(tables);
    return rc;
}
