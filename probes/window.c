#include "probes/window.h"

void LossWindow_init(LossWindow *w, int64_t window_ms)
{
    w->window_ms = window_ms;
    w->head = 0;
    w->count = 0;
}

static void LossWindow_expire(LossWindow *w, int64_t mono_ms)
{
    while (w->count > 0 && mono_ms - w->t_ms[w->head] > w->window_ms) {
        w->head = (w->head + 1) % LOSS_WINDOW_MAX;
        w->count--;
    }
}

void LossWindow_add(LossWindow *w, int64_t mono_ms, bool ok)
{
    LossWindow_expire(w, mono_ms);
    if (w->count == LOSS_WINDOW_MAX) {
        w->head = (w->head + 1) % LOSS_WINDOW_MAX;
        w->count--;
    }
    size_t at = (w->head + w->count) % LOSS_WINDOW_MAX;
    w->t_ms[at] = mono_ms;
    w->ok[at] = ok;
    w->count++;
}

bool LossWindow_percent(LossWindow *w, int64_t mono_ms, double *pct)
{
    LossWindow_expire(w, mono_ms);
    if (w->count == 0)
        return false;
    size_t failed = 0;
    for (size_t i = 0; i < w->count; i++)
        if (!w->ok[(w->head + i) % LOSS_WINDOW_MAX])
            failed++;
    *pct = 100.0 * (double)failed / (double)w->count;
    return true;
}
