/* The full-screen viewer shared by `cutover replay` and `cutover follow`:
 * the terminal, theme, signals (turned into bytes on a pipe and read by the
 * loop, as the live console does), the screen state and the keys every
 * viewer handles the same way (help, redraw, theme, step selection, quit,
 * and the line of input of the "go to" overlay). Read-only: nothing here
 * writes anywhere but the terminal. */
#ifndef CUTOVER_REPLAY_VIEWER_H
#define CUTOVER_REPLAY_VIEWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console/keys.h"
#include "console/screen.h"
#include "model/model.h"
#include "themes/theme.h"
#include "tui/canvas.h"

typedef struct Viewer {
    Canvas *canvas;
    Theme theme;
    size_t theme_index;
    bool no_color;
    ScreenState screen;
    char banner[240];
    int64_t banner_until_ms;
    bool quit;
    bool force; /* repaint every cell */
} Viewer;

typedef enum {
    VIEWER_NOTHING = 0, /* the key was handled (or ignored) */
    VIEWER_ACTION,      /* a binding of the mode: the caller acts */
    VIEWER_INPUT_DONE,  /* Enter in the input overlay: the text is screen.input */
} ViewerResult;

/* Takes over the terminal. mode: KEYS_REPLAY or KEYS_FOLLOW. */
int Viewer_open(Viewer *v, unsigned mode, const char *theme, bool ascii, char *err, size_t errsize);
void Viewer_close(Viewer *v);

/* A message under the status line for a few seconds. */
void Viewer_banner(Viewer *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the input overlay. */
void Viewer_ask(Viewer *v, const char *title, const char *text);

void Viewer_draw(Viewer *v, const Model *m);

/* Sleeps until a key or a signal arrives, at most timeout_ms (-1: no limit). */
void Viewer_wait(Viewer *v, int timeout_ms);

/* Takes one waiting key and handles what is common; returns what the caller
 * must do. *binding is set for VIEWER_ACTION; *key_out is the key. Returns
 * VIEWER_NOTHING with *key_out KEYCODE_NONE when no key is waiting. */
ViewerResult Viewer_key(Viewer *v, const Model *m, const KeyBinding **binding, int *key_out);

#endif
