/* The live console's state, shared by its loop (live.c) and its key
 * handling (live_keys.c). Private to console/. */
#ifndef CUTOVER_CONSOLE_LIVE_STATE_H
#define CUTOVER_CONSOLE_LIVE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "console/keys.h"
#include "console/live.h"
#include "console/screen.h"
#include "model/alarms.h"
#include "model/model.h"
#include "themes/theme.h"
#include "tui/canvas.h"

typedef struct Live {
    const LiveConfig *cfg;
    Model model;
    Model frozen; /* what the screen shows while frozen */
    ScreenState screen;
    Canvas *canvas;
    Alarms alarms;
    Theme theme;
    size_t theme_index;
    bool no_color;
    Action pending;      /* the action an open confirmation is for */
    Action input_for;    /* the open input line: ACTION_NOTE or ACTION_ROLLBACK (the count) */
    bool awaiting_count; /* the executor counts the target's writes for a rollback */
    bool quit;
    bool dirty;  /* the model or the screen state changed */
    bool urgent; /* a step moved, an alarm: draw within a frame */
    bool answer; /* a key was pressed: draw now, the operator waits for it */
    bool force;  /* repaint every cell (Ctrl-L, resize) */
    int64_t last_draw_ms;
    int frames;
    char banner[160];
    int64_t banner_until_ms;
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

/* Switches to the theme with this name or path; 0 or -1 with a banner. */
int Live_set_theme(Live *live, const char *name);

#endif
