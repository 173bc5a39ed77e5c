/* The live console's state, shared by its loop (live.c) and its key
 * handling (live_keys.c). Private to console/. */
#ifndef CUTOVER_CONSOLE_LIVE_STATE_H
#define CUTOVER_CONSOLE_LIVE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "console/keys.h"
#include "console/live.h"
#include "console/shell.h"
#include "model/alarms.h"
#include "model/model.h"

typedef struct Live {
    const LiveConfig *cfg;
    Shell shell; /* the terminal, canvas, theme, banner, screen state, quit */
    Model model;
    Model frozen; /* what the screen shows while frozen */
    Alarms alarms;
    Action pending;      /* the action an open confirmation is for */
    Action input_for;    /* the open input line: ACTION_NOTE or ACTION_ROLLBACK (the count) */
    bool awaiting_count; /* the executor counts the target's writes for a rollback */
    bool dirty;          /* the model or the screen state changed */
    bool urgent;         /* a step moved, an alarm: draw within a frame */
    bool answer;         /* a key was pressed: draw now, the operator waits for it */
    int64_t last_draw_ms;
    int frames;
} Live;

/* Handles one key (live_keys.c). */
void Live_key(Live *live, int key);

/* After the executor counted the target's writes for a rollback past the
 * point of no return: asks for the count to be typed (live_keys.c). */
void Live_count_ready(Live *live);

/* Shows a message under the status line for a few seconds. */
void Live_banner(Live *live, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Posts an operator decision to the bus (recorded and shown). */
void Live_decision(Live *live, const char *action, const char *text);

#endif
