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

/* Signals become bytes on a pipe, read by the loop like any other input
 * (as tmux does), so no handler touches curses or the model. */
static int signal_pipe[2] = {-1, -1};

static void Live_on_signal(int sig)
{
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    ssize_t n = write(signal_pipe[1], &byte, 1);
    (void)n;
    errno = saved;
}

static int Live_install_signals(void)
{
    if (pipe(signal_pipe) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(signal_pipe[i], F_SETFL, fcntl(signal_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = Live_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    return 0;
}

static void Live_close_signals(void)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    close(signal_pipe[0]);
    close(signal_pipe[1]);
    signal_pipe[0] = signal_pipe[1] = -1;
}

void Live_banner(Live *live, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(live->banner, sizeof live->banner, fmt, ap);
    va_end(ap);
    live->banner_until_ms = Clock_mono_ms() + 4000;
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

int Live_set_theme(Live *live, const char *name)
{
    char err[256];
    Theme theme;
    if (Theme_load(name, &theme, err, sizeof err) != 0) {
        Live_banner(live, "%s", err);
        return -1;
    }
    if (live->no_color)
        Theme_strip_colors(&theme);
    live->theme = theme;
    for (size_t i = 0; i < Theme_builtin_count(); i++)
        if (strcmp(Theme_builtin_name(i), name) == 0)
            live->theme_index = i;
    live->screen.theme_name = live->theme.name;
    Term_apply_theme(&live->theme);
    live->force = live->dirty = live->urgent = true;
    return 0;
}

static void Live_resize(Live *live)
{
    int cols, rows;
    Term_size(&cols, &rows);
    if (cols != live->canvas->cols || rows != live->canvas->rows) {
        Canvas_resize(live->canvas, cols, rows);
        Event ev;
        memset(&ev, 0, sizeof ev);
        ev.kind = EVENT_RESIZE;
        ev.value = cols;
        ev.value2 = rows;
        Bus_post(live->cfg->bus, &ev);
    }
    live->force = live->dirty = live->urgent = true;
}

static void Live_read_keys(Live *live)
{
    int key;
    while (!live->quit && (key = Term_read_key()) != KEYCODE_NONE) {
        if (key == KEYCODE_RESIZE)
            Live_resize(live);
        else
            Live_key(live, key);
    }
}

static void Live_read_signals(Live *live)
{
    unsigned char sig;
    while (read(signal_pipe[0], &sig, 1) == 1) {
        if (sig == SIGINT) {
            Live_key(live, 'q'); /* as q: asks first while a step runs */
        } else {
            Live_decision(live, "signal",
                          sig == SIGHUP ? "terminal went away (SIGHUP)" : "terminated (SIGTERM)");
            live->quit = true;
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
            if (live->cfg->observe)
                live->cfg->observe(live->cfg->observe_ctx, &batch[i]);
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
    bool banner = live->banner[0] && now < live->banner_until_ms;
    live->screen.banner = banner ? live->banner : NULL;
    if (!banner)
        live->banner[0] = '\0';
    const Model *shown = live->screen.frozen ? &live->frozen : &live->model;
    Screen_render(live->canvas, shown, &live->screen);
    Term_present(live->canvas, live->force);
    live->force = live->dirty = live->urgent = live->answer = false;
    live->last_draw_ms = now;
    if (live->cfg->exit_after_frames && ++live->frames >= live->cfg->exit_after_frames)
        live->quit = true;
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
                            {.fd = signal_pipe[0], .events = POLLIN}};
    live->dirty = live->urgent = true;
    while (!live->quit) {
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
        if ((live->dirty && now - live->last_draw_ms >= gap) || second_passed || live->force)
            Live_draw(live, now);
    }
}

static int Live_setup(Live *live, const LiveConfig *cfg)
{
    memset(live, 0, sizeof *live);
    live->cfg = cfg;
    live->screen.mode = KEYS_LIVE;
    live->screen.readonly = cfg->executor == NULL;
    live->screen.session_file = cfg->session_file;
    live->screen.selected_step = -1;
    const char *no_color = getenv("NO_COLOR");
    live->no_color = no_color && no_color[0];
    TermInfo info;
    if (Term_init(live->no_color, &info) != 0)
        return -1;
    if (info.colors == 0)
        live->no_color = true;
    int cols, rows;
    Term_size(&cols, &rows);
    live->canvas = Canvas_new(cols, rows, cfg->ascii || !info.utf8);
    Model_init(&live->model, cfg->plan->name, Bus_start_wall_ms(cfg->bus));
    Alarms_init(&live->alarms, &cfg->plan->thresholds);
    const char *theme = cfg->theme ? cfg->theme : cfg->plan->theme ? cfg->plan->theme : "dark";
    if (Live_set_theme(live, theme) != 0)
        Live_set_theme(live, "dark");
    return live->canvas ? 0 : -1;
}

int Live_run(const LiveConfig *cfg)
{
    static Live live; /* large (two models): not on the stack */
    BusQueue *queue = cfg->queue;
    if (Live_install_signals() != 0) {
        fprintf(stderr, "cutover: cannot set up the event loop\n");
        return 1;
    }
    if (Live_setup(&live, cfg) != 0) {
        Term_end();
        Live_close_signals();
        fprintf(stderr, "cutover: cannot use this terminal (TERM=%s)\n", getenv("TERM"));
        return 1;
    }
    Live_loop(&live, queue);
    Term_end();
    Live_close_signals();
    Canvas_free(live.canvas);
    return 0;
}
