#include "probes/rate.h"

void RateWindow_reset(RateWindow *w)
{
    w->head = 0;
    w->count = 0;
}

static size_t RateWindow_index(const RateWindow *w, size_t i)
{
    return (w->head + i) % RATE_WINDOW_MAX;
}

void RateWindow_add(RateWindow *w, int64_t mono_ms, double value)
{
    if (w->count > 0) {
        size_t last = RateWindow_index(w, w->count - 1);
        if (mono_ms <= w->t_ms[last])
            return;
        if (value < w->value[last])
            RateWindow_reset(w);
    }
    if (w->count == RATE_WINDOW_MAX) {
        w->head = (w->head + 1) % RATE_WINDOW_MAX;
        w->count--;
    }
    size_t at = RateWindow_index(w, w->count);
    w->t_ms[at] = mono_ms;
    w->value[at] = value;
    w->count++;
}

bool RateWindow_rate(const RateWindow *w, int64_t window_ms, double *per_s)
{
    if (w->count < 2)
        return false;
    size_t newest = RateWindow_index(w, w->count - 1);
    size_t from = RateWindow_index(w, w->count - 2);
    for (size_t i = w->count - 1; window_ms > 0 && i-- > 0;) {
        size_t k = RateWindow_index(w, i);
        if (w->t_ms[newest] - w->t_ms[k] > window_ms)
            break;
        from = k;
    }
    double dt = (double)(w->t_ms[newest] - w->t_ms[from]) / 1000.0;
    *per_s = (w->value[newest] - w->value[from]) / dt;
    return true;
}
