#include "console/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"

#define LOOP_BATCH 256

static int loop_signal_pipe[2] = {-1, -1};
static const int loop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define LOOP_NSIGNALS ((int)(sizeof loop_signals / sizeof loop_signals[0]))

static void Loop_on_signal(int sig)
{
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    ssize_t n = write(loop_signal_pipe[1], &byte, 1);
    (void)n;
    errno = saved;
}

static void Loop_signal_set(sigset_t *set)
{
    sigemptyset(set);
    for (int i = 0; i < LOOP_NSIGNALS; i++)
        sigaddset(set, loop_signals[i]);
}

void Loop_block_signals(void)
{
    sigset_t set;
    Loop_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int Loop_open(Loop *loop, const LoopModeClass *mode, void *mode_self, const LoopViewClass *view,
              void *view_self, char *err, size_t errsize)
{
    loop->mode = mode;
    loop->mode_self = mode_self;
    loop->view = view;
    loop->view_self = view_self;
    loop->pending = LOOP_URGENT;
    if (pipe(loop_signal_pipe) != 0) {
        snprintf(err, errsize, "cannot set up the event loop: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(loop_signal_pipe[i], F_SETFL, fcntl(loop_signal_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(loop_signal_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = Loop_on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < LOOP_NSIGNALS; i++)
        sigaction(loop_signals[i], &sa, NULL);
    sigset_t set;
    Loop_signal_set(&set);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}

/* The signals are blocked again first: one arriving while the caller shuts
 * the runtime down (the recording flushed, the audit closed) waits, and is
 * dropped at exit, rather than killing the process half way. */
void Loop_close(Loop *loop)
{
    (void)loop;
    Loop_block_signals();
    for (int i = 0; i < LOOP_NSIGNALS; i++)
        signal(loop_signals[i], SIG_DFL);
    for (int i = 0; i < 2; i++) {
        if (loop_signal_pipe[i] >= 0)
            close(loop_signal_pipe[i]);
        loop_signal_pipe[i] = -1;
    }
}

void Loop_watch_bus(Loop *loop, Bus *bus, BusQueue *queue, const Plan *plan)
{
    loop->bus = bus;
    loop->queue = queue;
    Model_init(&loop->model, plan->name, Bus_start_wall_ms(bus));
    Alarms_init(&loop->alarms, &plan->thresholds);
}

void Loop_quit(Loop *loop)
{
    loop->quit = true;
}

void Loop_changed(Loop *loop, unsigned what)
{
    loop->pending |= what;
}

const Model *Loop_model(Loop *loop)
{
    return loop->mode->model(loop->mode_self, loop);
}

int Loop_bus_fd(void *self, Loop *loop)
{
    (void)self;
    return BusQueue_fd(loop->queue);
}

const Model *Loop_bus_model(void *self, Loop *loop)
{
    (void)self;
    return &loop->model;
}

/* The thresholds after each batch, against the model's clock now; raised
 * and cleared alarms go on the bus (recorded) and come back to be folded. */
static void Loop_post_alarms(Loop *loop)
{
    Event alarms[ALARMS_MAX];
    Model_tick(&loop->model, Clock_wall_ms(), Bus_now_mono_ms(loop->bus));
    int n = Alarms_evaluate(&loop->alarms, &loop->model, alarms, ALARMS_MAX);
    for (int i = 0; i < n; i++)
        Bus_post(loop->bus, &alarms[i]);
}

unsigned Loop_take_bus(void *self, Loop *loop)
{
    (void)self;
    Event batch[LOOP_BATCH];
    size_t n;
    unsigned what = 0;
    while ((n = BusQueue_take(loop->queue, batch, LOOP_BATCH)) > 0) {
        for (size_t i = 0; i < n; i++) {
            Model_fold(&loop->model, &batch[i]);
            if (loop->mode->event)
                loop->mode->event(loop->mode_self, &batch[i]);
            if (loop->view->event)
                loop->view->event(loop->view_self, &batch[i]);
            bool sample = batch[i].kind == EVENT_SAMPLE || batch[i].kind == EVENT_HEALTH;
            what |= sample ? LOOP_DATA : LOOP_URGENT;
        }
    }
    Loop_post_alarms(loop);
    return what;
}

void Loop_resized(Loop *loop, int cols, int rows)
{
    Loop_changed(loop, LOOP_ANSWER);
    if (!loop->bus)
        return;
    Event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_RESIZE;
    ev.value = cols;
    ev.value2 = rows;
    Bus_post(loop->bus, &ev);
}

/* The least time between frames for what is waiting to be drawn: a key's
 * answer at once, a step or alarm within a frame, new samples at most four
 * times a second (more would only cost CPU). */
static int64_t Loop_frame_gap(const Loop *loop)
{
    return loop->pending & LOOP_ANSWER   ? 0
           : loop->pending & LOOP_URGENT ? LOOP_URGENT_FRAME_MS
                                         : LOOP_DATA_FRAME_MS;
}

/* How long poll may sleep: until the next allowed frame when something is
 * waiting to be drawn, else until the clock's next second; never longer
 * than the mode allows. */
static int Loop_timeout(Loop *loop, int64_t now)
{
    int wait;
    if (!loop->view->draw) {
        wait = -1;
    } else if (loop->pending) {
        int64_t w = loop->last_draw_ms + Loop_frame_gap(loop) - now;
        wait = w < 0 ? 0 : (int)w;
    } else {
        wait = (int)(1000 - Clock_wall_ms() % 1000);
    }
    int mode_wait = loop->mode->wake_ms ? loop->mode->wake_ms(loop->mode_self, loop) : -1;
    if (mode_wait >= 0 && (wait < 0 || mode_wait < wait))
        wait = mode_wait;
    int view_wait = loop->view->wake_ms ? loop->view->wake_ms(loop->view_self) : -1;
    if (view_wait >= 0 && (wait < 0 || view_wait < wait))
        wait = view_wait;
    return wait;
}

static void Loop_read_signals(Loop *loop)
{
    unsigned char sig;
    while (read(loop_signal_pipe[0], &sig, 1) == 1) {
        if (loop->mode->signal)
            loop->mode->signal(loop->mode_self, loop, sig);
        else
            Loop_quit(loop);
    }
}

static void Loop_draw(Loop *loop, int64_t now)
{
    if (loop->queue)
        Model_tick(&loop->model, Clock_wall_ms(), Bus_now_mono_ms(loop->bus));
    loop->view->draw(loop->view_self, Loop_model(loop));
    loop->pending = 0;
    loop->last_draw_ms = now;
    if (loop->exit_after_frames && ++loop->frames >= loop->exit_after_frames)
        Loop_quit(loop);
}

/* A frame when something waits and its gap has passed, and once a second
 * for the clock. */
static void Loop_pace(Loop *loop)
{
    if (!loop->view->draw || loop->quit)
        return;
    int64_t now = Clock_mono_ms();
    bool due = loop->pending && now - loop->last_draw_ms >= Loop_frame_gap(loop);
    bool view_due = loop->view->wake_ms && loop->view->wake_ms(loop->view_self) == 0;
    if (due || view_due || now - loop->last_draw_ms >= 1000)
        Loop_draw(loop, now);
}

static void Loop_turn(Loop *loop)
{
    struct pollfd fds[3] = {
        {.fd = loop_signal_pipe[0], .events = POLLIN},
        {.fd = loop->view->input_fd ? loop->view->input_fd(loop->view_self) : -1, .events = POLLIN},
        {.fd = loop->mode->event_fd ? loop->mode->event_fd(loop->mode_self, loop) : -1,
         .events = POLLIN},
    };
    if (poll(fds, 3, Loop_timeout(loop, Clock_mono_ms())) < 0 && errno != EINTR)
        Clock_sleep_ms(10); /* never spin */
    Loop_read_signals(loop);
    if (!loop->quit && loop->view->input)
        loop->view->input(loop->view_self, loop);
    if (!loop->quit)
        loop->pending |= loop->mode->take(loop->mode_self, loop);
    Loop_pace(loop);
}

void Loop_run(Loop *loop)
{
    loop->quit = false;
    while (!loop->quit)
        Loop_turn(loop);
}
