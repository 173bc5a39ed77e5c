/* The whole screen drawn from the model: status line, panels laid out for
 * the terminal's size, key bar, and any overlay. Live console, replay and
 * --snapshot all draw through here, so they show the same thing. */
#ifndef CUTOVER_CONSOLE_SCREEN_H
#define CUTOVER_CONSOLE_SCREEN_H

#include <stdbool.h>

#include "model/model.h"
#include "tui/canvas.h"

#define SCREEN_MIN_COLS 80
#define SCREEN_MIN_ROWS 24

typedef enum {
    OVERLAY_NONE = 0,
    OVERLAY_HELP,
    OVERLAY_CONFIRM, /* a question; y confirms */
    OVERLAY_INPUT,   /* a line of text: a note, a time to go to */
} OverlayKind;

typedef struct ScreenState {
    unsigned mode; /* KEYS_LIVE, KEYS_REPLAY or KEYS_FOLLOW */
    bool readonly;
    bool frozen;
    const char *session_file; /* shown in the status line; NULL when not recording */
    const char *theme_name;
    const char *banner; /* a transient message under the status line, or NULL */
    int selected_step;
    OverlayKind overlay;
    char overlay_title[64];
    char overlay_text[640];
    char input[200];
    /* replay */
    double speed;
    bool playing;
    double position_percent;
} ScreenState;

void Screen_render(Canvas *canvas, const Model *model, const ScreenState *state);

#endif
