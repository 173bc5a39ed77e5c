/* The shell: the one terminal view of the loop (console/loop.h), shared by
 * the live console, `cutover replay` and `cutover follow`: the terminal,
 * the canvas, the theme, the banner, the screen state, the frozen display,
 * the line of input (a note, a time to go to, a count) and the keys every
 * mode handles the same way (help, redraw, theme, freeze, step selection).
 * Nothing here writes anywhere but the terminal. */
#ifndef CUTOVER_CONSOLE_SHELL_H
#define CUTOVER_CONSOLE_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console/keys.h"
#include "console/loop.h"
#include "console/screen.h"
#include "model/model.h"
#include "themes/theme.h"
#include "tui/canvas.h"

typedef struct Shell {
    Canvas *canvas;
    Theme theme;
    size_t theme_index;
    bool no_color;
    ScreenState screen;
    Model frozen; /* what the screen shows while frozen */
    char banner[240];
    int64_t banner_until_ms;
    bool force; /* repaint every cell */
} Shell;

typedef enum {
    SHELL_NOTHING = 0,  /* the key was handled (or ignored) */
    SHELL_ACTION,       /* a binding of the mode (quit too): the mode acts */
    SHELL_INPUT_DONE,   /* Enter in the input overlay: the text is screen.input */
    SHELL_INPUT_CLOSED, /* Esc in the input overlay: nothing typed is used */
    SHELL_CONFIRM,      /* the answer to the mode's question (y or anything else) */
} ShellResult;

/* The shell as the loop's view (self: a Shell). */
extern const LoopViewClass SHELL_VIEW;

/* Takes over the terminal. mode: KEYS_LIVE, KEYS_REPLAY or KEYS_FOLLOW. The
 * theme is checked first, so a typo is a plain message on the shell. */
int Shell_open(Shell *v, unsigned mode, const char *theme, bool ascii, char *err, size_t errsize);
void Shell_close(Shell *v);

/* Switches to the theme with this name or path (0), or leaves it (-1 and
 * the reason in err). */
int Shell_set_theme(Shell *v, const char *name, char *err, size_t errsize);
/* The next built-in theme; a failure is shown in the banner. */
void Shell_next_theme(Shell *v);

/* After KEYCODE_RESIZE: true when the terminal's size changed. */
bool Shell_resize(Shell *v);

/* A key for the open input overlay: editing (UTF-8 whole characters),
 * Esc closes it (SHELL_INPUT_CLOSED), Enter closes it and answers
 * SHELL_INPUT_DONE when a text was typed. */
ShellResult Shell_input_key(Shell *v, int key);

/* A message under the status line for a few seconds. */
void Shell_banner(Shell *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the input overlay. */
void Shell_ask(Shell *v, const char *title, const char *text);

void Shell_draw(Shell *v, const Model *m);

/* Handles what every mode handles the same way and says what the mode
 * must do; *binding is set for SHELL_ACTION. */
ShellResult Shell_key(Shell *v, const Model *m, int key, const KeyBinding **binding);

#endif
