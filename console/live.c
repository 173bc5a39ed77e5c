#include "console/live.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console/live_state.h"
#include "lib/clock.h"
#include "tui/term.h"

#define LIVE_MIN_FRAME_MS  100 /* steps and alarms: at most ten redraws a second */
#define LIVE_DATA_FRAME_MS 250 /* new samples alone redraw at most four times a second */
#define LIVE_BATCH         256

void Live_banner(Live *live, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char text[sizeof live->shell.banner];
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Shell_banner(&live->shell, "%s", text);
    live->dirty = live->urgent = true;
}

void Live_decision(Live *live, const char *action, const char *text)
{
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_DECISION;
    Event_copy_field(ev.key, sizeof ev.key, action);
    Event_copy_field(ev.text, sizeof ev.text, text);
    Bus_post(live->cfg->bus, &ev);
}

/* A new size is an event too: the replay redraws at the sizes it had. */
static void Live_resize(Live *live)
{
    if (Shell_resize(&live->shell)) {
        Event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = EVENT_RESIZE;
        ev.value = live->shell.canvas->cols;
        ev.value2 = live->shell.canvas->rows;
        Bus_post(live->cfg->bus, &ev);
    }
    live->dirty = live->urgent = true;
}

static void Live_read_keys(Live *live)
{
    int key;
    while (!live->shell.quit && (key = Term_read_key()) != KEYCODE_NONE) {
        if (key == KEYCODE_RESIZE)
            Live_resize(live);
        else
            Live_key(live, key);
    }
}

static void Live_read_signals(Live *live)
{
    int sig;
    while ((sig = Shell_take_signal(&live->shell)) != 0) {
        if (sig == SIGINT) {
            Live_key(live, 'q'); /* as q: asks first while a step runs */
        } else {
            Live_decision(live, "signal",
                          sig == SIGHUP ? "terminal went away (SIGHUP)" : "terminated (SIGTERM)");
            live->shell.quit = true;
        }
    }
}

static void Live_post_alarms(Live *live)
{
    Event alarms[ALARMS_MAX];
    int n = Alarms_evaluate(&live->alarms, &live->model, alarms, ALARMS_MAX);
    for (int i = 0; i < n; i++)
        Bus_post(live->cfg->bus, &alarms[i]);
}

static void Live_fold_events(Live *live, BusQueue *queue)
{
    Event batch[LIVE_BATCH];
    size_t n;
    while ((n = BusQueue_take(queue, batch, LIVE_BATCH)) > 0) {
        for (size_t i = 0; i < n; i++) {
            Model_fold(&live->model, &batch[i]);
            if (batch[i].kind != EVENT_SAMPLE && batch[i].kind != EVENT_HEALTH)
                live->urgent = true;
        }
        live->dirty = true;
    }
    Live_post_alarms(live);
    if (live->awaiting_count && live->cfg->executor)
        Live_count_ready(live);
}

static void Live_draw(Live *live, int64_t now)
{
    Model_tick(&live->model, Clock_wall_ms(), Bus_now_mono_ms(live->cfg->bus));
    Shell_draw(&live->shell, live->shell.screen.frozen ? &live->frozen : &live->model);
    live->dirty = live->urgent = live->answer = false;
    live->last_draw_ms = now;
    if (live->cfg->exit_after_frames && ++live->frames >= live->cfg->exit_after_frames)
        live->shell.quit = true;
}

/* The least time between frames for what is waiting to be drawn: a key's
 * answer at once, a step or alarm within a frame, new samples at most four
 * times a second (the probes' pace; more would only cost CPU). */
static int64_t Live_frame_gap(const Live *live)
{
    return live->answer ? 0 : live->urgent ? LIVE_MIN_FRAME_MS : LIVE_DATA_FRAME_MS;
}

/* How long poll may sleep: until the next allowed frame when something is
 * waiting to be drawn, else until the clock's next second. */
static int Live_timeout(const Live *live, int64_t now)
{
    if (live->dirty) {
        int64_t gap = Live_frame_gap(live);
        int64_t wait = live->last_draw_ms + gap - now;
        return wait < 0 ? 0 : (int)wait;
    }
    int64_t wall = Clock_wall_ms();
    return (int)(1000 - wall % 1000);
}

static void Live_loop(Live *live, BusQueue *queue)
{
    struct pollfd fds[3] = {{.fd = Term_input_fd(), .events = POLLIN},
                            {.fd = BusQueue_fd(queue), .events = POLLIN},
                            {.fd = Shell_signal_fd(&live->shell), .events = POLLIN}};
    live->dirty = live->urgent = true;
    while (!live->shell.quit) {
        int64_t now = Clock_mono_ms();
        int rc = poll(fds, 3, Live_timeout(live, now));
        if (rc < 0 && errno != EINTR)
            break;
        Live_read_signals(live);
        Live_read_keys(live); /* also picks up KEY_RESIZE after SIGWINCH */
        Live_fold_events(live, queue);
        now = Clock_mono_ms();
        bool second_passed = now - live->last_draw_ms >= 1000;
        int64_t gap = Live_frame_gap(live);
        if ((live->dirty && now - live->last_draw_ms >= gap) || second_passed || live->shell.force)
            Live_draw(live, now);
    }
}

/* The plan's theme, or the one asked for; one that cannot be loaded is said
 * in the banner and the dark one used. */
static int Live_setup(Live *live, const LiveConfig *cfg)
{
    char err[256], theme_err[256] = "";
    memset(live, 0, sizeof *live);
    live->cfg = cfg;
    const char *theme = cfg->theme ? cfg->theme : cfg->plan->theme ? cfg->plan->theme : "dark";
    Theme probe;
    if (Theme_load(theme, &probe, theme_err, sizeof theme_err) != 0)
        theme = "dark";
    if (Shell_open(&live->shell, KEYS_LIVE, theme, cfg->ascii, err, sizeof err) != 0) {
        fprintf(stderr, "cutover: %s\n", err);
        return -1;
    }
    if (theme_err[0])
        Live_banner(live, "%s", theme_err);
    live->shell.screen.readonly = cfg->executor == NULL;
    live->shell.screen.session_file = cfg->session_file;
    Model_init(&live->model, cfg->plan->name, Bus_start_wall_ms(cfg->bus));
    Alarms_init(&live->alarms, &cfg->plan->thresholds);
    return 0;
}

int Live_run(const LiveConfig *cfg)
{
    static Live live; /* large (two models): not on the stack */
    if (Live_setup(&live, cfg) != 0)
        return 1;
    Live_loop(&live, cfg->queue);
    Shell_close(&live.shell);
    return 0;
}
