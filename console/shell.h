/* The shell: the one terminal view every mode draws through (the live
 * console, `cutover replay`, `cutover follow`): the terminal, the canvas,
 * the theme, the banner, signals (turned into bytes on a pipe and read by
 * the mode's loop), the screen state, the line of input (a note, a time to
 * go to, a count) and the keys every mode handles the same way (help,
 * redraw, theme, step selection, quit). Nothing here writes anywhere but
 * the terminal. */
#ifndef CUTOVER_REPLAY_SHELL_H
#define CUTOVER_REPLAY_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console/keys.h"
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
    char banner[240];
    int64_t banner_until_ms;
    bool quit;
    bool force; /* repaint every cell */
} Shell;

typedef enum {
    SHELL_NOTHING = 0, /* the key was handled (or ignored) */
    SHELL_ACTION,      /* a binding of the mode: the caller acts */
    SHELL_INPUT_DONE,  /* Enter in the input overlay: the text is screen.input */
} ShellResult;

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

/* The read end of the signal pipe, for a mode's own poll(). */
int Shell_signal_fd(const Shell *v);
/* A signal taken since the last call (SIGINT, SIGTERM, SIGHUP), or 0. */
int Shell_take_signal(Shell *v);

/* A key for the open input overlay: editing (UTF-8 whole characters),
 * Esc closes it, Enter closes it and answers SHELL_INPUT_DONE when a text
 * was typed. */
ShellResult Shell_input_key(Shell *v, int key);

/* A message under the status line for a few seconds. */
void Shell_banner(Shell *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Opens the input overlay. */
void Shell_ask(Shell *v, const char *title, const char *text);

void Shell_draw(Shell *v, const Model *m);

/* Sleeps until a key or a signal arrives, at most timeout_ms (-1: no
 * limit); a signal quits (a viewer has nothing to save). */
void Shell_wait(Shell *v, int timeout_ms);

/* Takes one waiting key and handles what is common; returns what the caller
 * must do. *binding is set for SHELL_ACTION; *key_out is the key. Returns
 * SHELL_NOTHING with *key_out KEYCODE_NONE when no key is waiting. */
ShellResult Shell_key(Shell *v, const Model *m, const KeyBinding **binding, int *key_out);

#endif
