/* Loss over a sliding time window: each probe round is a success or a
 * failure; loss is the failed share of the rounds in the last window_ms. */
#ifndef CUTOVER_PROBES_WINDOW_H
#define CUTOVER_PROBES_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOSS_WINDOW_MAX 1024

typedef struct LossWindow {
    int64_t window_ms;
    int64_t t_ms[LOSS_WINDOW_MAX];
    bool ok[LOSS_WINDOW_MAX];
    size_t head;
    size_t count;
} LossWindow;

void LossWindow_init(LossWindow *w, int64_t window_ms);
/* Records a round at mono_ms and forgets rounds older than the window. */
void LossWindow_add(LossWindow *w, int64_t mono_ms, bool ok);
/* Failed rounds / rounds in the window ending at mono_ms, in percent; false
 * when there is no round in it. */
bool LossWindow_percent(LossWindow *w, int64_t mono_ms, double *pct);

#endif
