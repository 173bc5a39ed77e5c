/* The one poll loop. Every front end is this loop with a mode and a view:
 *
 *   mode        where events come from            view
 *   live        the bus (probes, the executor)    the shell (the terminal)
 *   headless    the bus                           lines on stdout
 *   replay      a recording, through the player   the shell
 *   follow      a recording being written         the shell
 *
 * Each turn: wait (poll) for a signal, the view's input or the mode's
 * events, at most until the next frame is due; turn signals into the
 * mode's decision; hand keys to the mode; let the mode take what is new
 * (from the bus: folded into the loop's model here, with the plan's
 * thresholds evaluated and the alarms posted back to the bus, the same in
 * the console and headless); then draw when something changed and a
 * frame is allowed. The mode and the view are reached through const class
 * tables, as panels are (panels/panel.h).
 *
 * Signals (SIGINT, SIGTERM, SIGHUP) are blocked in every thread but the
 * loop's, and their handler only writes a byte to a pipe the loop polls, as
 * tmux does: no handler touches curses, the model or the executor. */
#ifndef CUTOVER_CONSOLE_LOOP_H
#define CUTOVER_CONSOLE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "console/keys.h"
#include "model/alarms.h"
#include "model/model.h"
#include "plan/plan.h"
#include "session/bus.h"

typedef struct Loop Loop;

/* What take() reports, and what a mode marks with Loop_changed(). */
enum {
    LOOP_DATA = 1 << 0,   /* new samples: a frame within LOOP_DATA_FRAME_MS */
    LOOP_URGENT = 1 << 1, /* a step moved, an alarm, a banner: within LOOP_URGENT_FRAME_MS */
    LOOP_ANSWER = 1 << 2, /* the operator pressed a key and waits: now */
};

#define LOOP_URGENT_FRAME_MS 100 /* at most ten redraws a second */
#define LOOP_DATA_FRAME_MS   250 /* samples alone: four a second, the probes' pace */

/* A key the view did not keep for itself (see Shell_key). */
typedef struct LoopKey {
    int kind; /* a ShellResult: SHELL_ACTION, SHELL_INPUT_DONE, SHELL_INPUT_CLOSED, SHELL_CONFIRM */
    const KeyBinding *binding; /* SHELL_ACTION */
    int key;
    const char *input; /* SHELL_INPUT_DONE: the typed line */
} LoopKey;

typedef struct LoopModeClass {
    const char *name;
    /* Readable when events wait; -1: none (the mode is paced by wake_ms). */
    int (*event_fd)(void *self, Loop *loop);
    /* Takes what is new (Loop_take_bus for the bus modes); LOOP_* flags. */
    unsigned (*take)(void *self, Loop *loop);
    /* What the view shows. */
    const Model *(*model)(void *self, Loop *loop);
    /* The longest the loop may sleep for this mode (a recording playing,
     * a file to read again); -1: no limit of its own. NULL: -1. */
    int (*wake_ms)(void *self, Loop *loop);
    /* Each event folded from the bus, after the model (NULL: none). */
    void (*event)(void *self, const Event *ev);
    /* A key (NULL: a mode without keys). */
    void (*key)(void *self, Loop *loop, const LoopKey *key);
    /* SIGINT, SIGTERM or SIGHUP (NULL: the loop ends). */
    void (*signal)(void *self, Loop *loop, int sig);
} LoopModeClass;

typedef struct LoopViewClass {
    const char *name;
    /* Readable when input waits; -1: a view without input. */
    int (*input_fd)(void *self);
    /* Reads the waiting input, handing the mode what it does not keep. */
    void (*input)(void *self, Loop *loop);
    /* Each event folded from the bus (NULL: none). */
    void (*event)(void *self, const Event *ev);
    /* A frame (NULL: a view without frames). */
    void (*draw)(void *self, const Model *m);
    /* Milliseconds until the view changes by itself (a banner ending);
     * -1: never. NULL: never. */
    int (*wake_ms)(void *self);
} LoopViewClass;

struct Loop {
    const LoopModeClass *mode;
    void *mode_self;
    const LoopViewClass *view;
    void *view_self;
    Bus *bus;        /* the bus modes: where alarms, decisions and resizes go */
    BusQueue *queue; /* the bus modes: their events */
    Model model;     /* the bus modes: everything folded so far */
    Alarms alarms;
    bool quit;
    unsigned pending; /* LOOP_* flags not drawn yet */
    int64_t last_draw_ms;
    int frames, exit_after_frames; /* a test's limit; 0: none */
};

/* Blocks the signals the loop takes in the calling thread; call it before
 * any thread starts, so that every thread inherits the mask and only the
 * loop's thread takes them. */
void Loop_block_signals(void);

/* Takes the signals (a handler writing to a pipe) and unblocks them in this
 * thread. -1 and the reason in err. */
int Loop_open(Loop *loop, const LoopModeClass *mode, void *mode_self, const LoopViewClass *view,
              void *view_self, char *err, size_t errsize);
/* Blocks the signals again (one arriving while the runtime shuts down waits
 * and is dropped at exit) and gives back their default actions. */
void Loop_close(Loop *loop);

/* For the bus modes: the model starts with the bus, and the plan's
 * thresholds are evaluated after every batch. */
void Loop_watch_bus(Loop *loop, Bus *bus, BusQueue *queue, const Plan *plan);

/* Turns until Loop_quit (a mode may run it again after it ended). */
void Loop_run(Loop *loop);
void Loop_quit(Loop *loop);

/* Something to draw (LOOP_* flags). */
void Loop_changed(Loop *loop, unsigned what);

/* The model the view shows. */
const Model *Loop_model(Loop *loop);

/* The take() of the bus modes: folds every waiting event (the model, the
 * mode's and the view's event hooks), then evaluates the thresholds and
 * posts raised and cleared alarms to the bus. */
unsigned Loop_take_bus(void *self, Loop *loop);
/* The event_fd() of the bus modes. */
int Loop_bus_fd(void *self, Loop *loop);
/* The model() of the bus modes. */
const Model *Loop_bus_model(void *self, Loop *loop);

/* The terminal changed size: the bus modes record it (the replay redraws
 * at the sizes the night had). */
void Loop_resized(Loop *loop, int cols, int rows);

#endif
