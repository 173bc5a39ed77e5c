/* The terminal: the only code in cutover that talks to curses. It sets the
 * terminal up, turns a theme into colour pairs for what the terminal can do
 * (none, 8, 16 or 256 colours), copies a canvas to the screen and reads keys. */
#ifndef CUTOVER_TUI_TERM_H
#define CUTOVER_TUI_TERM_H

#include <stdbool.h>

#include "themes/theme.h"
#include "tui/canvas.h"

/* Keys as cutover sees them: Unicode code points for characters, these
 * codes (beyond Unicode) for the rest. */
enum {
    KEYCODE_NONE = 0,
    KEYCODE_BASE = 0x110000,
    KEYCODE_UP,
    KEYCODE_DOWN,
    KEYCODE_LEFT,
    KEYCODE_RIGHT,
    KEYCODE_SLEFT, /* shifted arrows */
    KEYCODE_SRIGHT,
    KEYCODE_HOME,
    KEYCODE_END,
    KEYCODE_PGUP,
    KEYCODE_PGDN,
    KEYCODE_ENTER,
    KEYCODE_BACKSPACE,
    KEYCODE_ESCAPE,
    KEYCODE_F1,
    KEYCODE_RESIZE, /* the terminal changed size */
};

#define KEYCODE_CTRL(c) ((c)&0x1f)

typedef struct TermInfo {
    int colors; /* 0 when colour is off (NO_COLOR, monochrome terminal) */
    bool utf8;
} TermInfo;

/* Takes over the terminal. no_color forces attributes only. */
int Term_init(bool no_color, TermInfo *info);
void Term_end(void);

/* Applies a theme (colour pairs per role), degraded to what the terminal has. */
void Term_apply_theme(const Theme *theme);

void Term_size(int *cols, int *rows);

/* Copies the canvas to the screen and updates the terminal; curses sends
 * only what changed. force repaints everything (Ctrl-L). */
void Term_present(const Canvas *canvas, bool force);

/* The next key without waiting, or KEYCODE_NONE. */
int Term_read_key(void);

/* The file descriptor that becomes readable when a key is waiting. */
int Term_input_fd(void);

#endif
