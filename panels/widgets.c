#include "panels/widgets.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "panels/format.h"
#include "session/metrics.h"

/* CloudWatch publishes a point a minute and is read every few seconds, so
 * its figures are fresh for minutes; everything else is probed each second. */
static int64_t Widget_stale_after_ms(const Series *s)
{
    return strncmp(s->origin, "CloudWatch", 10) == 0 ? WIDGET_STALE_CLOUDWATCH_MS : WIDGET_STALE_MS;
}

Role Widget_role(const Model *m, const char *key)
{
    if (Model_alarm(m, key))
        return ROLE_ALARM;
    const Series *s = Model_series(m, key);
    if (!s || Model_age_ms(m, s) > Widget_stale_after_ms(s))
        return ROLE_WARN;
    return ROLE_VALUE;
}

void Widget_figure(const Model *m, const char *key, char *buf, size_t size,
                   void (*format)(double, char *, size_t))
{
    const Series *s = Model_series(m, key);
    if (s && s->has_value)
        format(s->last, buf, size);
    else
        snprintf(buf, size, "-");
}

int Widget_pair(Canvas *c, int x, int y, int maxw, const char *label, const char *value,
                Role value_role)
{
    int used = Canvas_text(c, x, y, maxw, ROLE_MUTED, label);
    if (used < maxw)
        used += Canvas_text(c, x + used, y, maxw - used, ROLE_NORMAL, " ");
    if (used < maxw)
        used += Canvas_text(c, x + used, y, maxw - used, value_role, value);
    return used;
}

void Widget_graph(Canvas *c, const Model *m, const char *key, Rect r, double floor_max, Role role)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    double buckets[512];
    if (r.w > 512)
        r.w = 512;
    const Series *s = Model_series(m, key);
    double top = Model_buckets(m, s, MODEL_WINDOW_MS, buckets, r.w);
    Canvas_graph(c, r, buckets, r.w, 0.0, top > floor_max ? top : floor_max, role);
}

void Widget_spark(Canvas *c, const Model *m, const char *key, int x, int y, int w, double floor_max,
                  Role role)
{
    Widget_graph(c, m, key, (Rect){x, y, w, 1}, floor_max, role);
}

static double Widget_mean_between(const Series *s, int64_t from, int64_t to, int *n)
{
    double sum = 0;
    *n = 0;
    for (int i = 0; i < s->count; i++) {
        const SeriesPoint *p = &s->ring[(s->head + i) % MODEL_HISTORY];
        if (p->mono_ms > from && p->mono_ms <= to) {
            sum += p->value;
            (*n)++;
        }
    }
    return *n ? sum / *n : NAN;
}

const char *Widget_trend(const Model *m, const char *key, bool ascii)
{
    const Series *s = Model_series(m, key);
    if (!s)
        return "";
    int n1, n2;
    int64_t now = m->now_mono_ms;
    double recent = Widget_mean_between(s, now - 10000, now, &n1);
    double before = Widget_mean_between(s, now - 20000, now - 10000, &n2);
    if (n1 == 0 || n2 == 0)
        return "";
    double delta = recent - before, scale = fmax(fabs(before), 1e-3);
    if (delta > 0.1 * scale && delta > 0.05)
        return ascii ? "^" : "\u2191";
    if (delta < -0.1 * scale && delta < -0.05)
        return ascii ? "v" : "\u2193";
    return ascii ? "=" : "\u2192";
}

void Widget_source(const Model *m, const char *key, char *buf, size_t size)
{
    const Series *s = Model_series(m, key);
    if (!s) {
        snprintf(buf, size, "no data yet");
        return;
    }
    char age[32];
    Format_age(Model_age_ms(m, s), age, sizeof age);
    snprintf(buf, size, "%s, %s", s->origin[0] ? s->origin : "?", age);
}
