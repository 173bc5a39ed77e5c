#include "console/shell.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "tui/term.h"

#define SHELL_BANNER_MS 4000

void Shell_banner(Shell *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->banner, sizeof v->banner, fmt, ap);
    va_end(ap);
    v->banner_until_ms = Clock_mono_ms() + SHELL_BANNER_MS;
}

int Shell_set_theme(Shell *v, const char *name, char *err, size_t errsize)
{
    Theme theme;
    if (Theme_load(name, &theme, err, errsize) != 0)
        return -1;
    if (v->no_color)
        Theme_strip_colors(&theme);
    v->theme = theme;
    for (size_t i = 0; i < Theme_builtin_count(); i++)
        if (strcmp(Theme_builtin_name(i), name) == 0)
            v->theme_index = i;
    v->screen.theme_name = v->theme.name;
    Term_apply_theme(&v->theme);
    v->force = true;
    return 0;
}

int Shell_open(Shell *v, unsigned mode, const char *theme, bool ascii, char *err, size_t errsize)
{
    memset(v, 0, sizeof *v);
    v->screen.mode = mode;
    v->screen.readonly = true;
    v->screen.selected_step = -1;
    v->screen.speed = 1.0;
    const char *no_color = getenv("NO_COLOR");
    v->no_color = no_color && no_color[0];
    /* Check the theme before the terminal is taken, so a typo is a plain
     * message on the shell. */
    Theme probe;
    if (Theme_load(theme, &probe, err, errsize) != 0)
        return -1;
    TermInfo info;
    if (Term_init(v->no_color, &info) != 0) {
        snprintf(err, errsize, "cannot use this terminal (TERM=%s)", getenv("TERM"));
        return -1;
    }
    if (info.colors == 0)
        v->no_color = true;
    int cols, rows;
    Term_size(&cols, &rows);
    v->canvas = Canvas_new(cols, rows, ascii || !info.utf8);
    if (!v->canvas || Shell_set_theme(v, theme, err, errsize) != 0) {
        Shell_close(v);
        return -1;
    }
    return 0;
}

void Shell_close(Shell *v)
{
    Term_end();
    Canvas_free(v->canvas);
    v->canvas = NULL;
}

void Shell_ask(Shell *v, const char *title, const char *text)
{
    v->screen.overlay = OVERLAY_INPUT;
    v->screen.input[0] = '\0';
    snprintf(v->screen.overlay_title, sizeof v->screen.overlay_title, "%s", title);
    snprintf(v->screen.overlay_text, sizeof v->screen.overlay_text, "%s", text);
}

void Shell_draw(Shell *v, const Model *m)
{
    bool banner = v->banner[0] && Clock_mono_ms() < v->banner_until_ms;
    v->screen.banner = banner ? v->banner : NULL;
    if (!banner)
        v->banner[0] = '\0';
    Screen_render(v->canvas, v->screen.frozen ? &v->frozen : m, &v->screen);
    Term_present(v->canvas, v->force);
    v->force = false;
}

/* Appends the key's UTF-8 (one to four bytes: an emoji in a note is a
 * character like any other) to the input line, if it fits. */
static void Shell_input_char(ScreenState *s, int key)
{
    size_t len = strlen(s->input);
    char utf8[5] = {0};
    if (len + 5 >= sizeof s->input || key > 0x10FFFF || (key >= 0xD800 && key <= 0xDFFF))
        return;
    if (key < 0x80) {
        utf8[0] = (char)key;
    } else if (key < 0x800) {
        utf8[0] = (char)(0xC0 | (key >> 6));
        utf8[1] = (char)(0x80 | (key & 0x3F));
    } else if (key < 0x10000) {
        utf8[0] = (char)(0xE0 | (key >> 12));
        utf8[1] = (char)(0x80 | ((key >> 6) & 0x3F));
        utf8[2] = (char)(0x80 | (key & 0x3F));
    } else {
        utf8[0] = (char)(0xF0 | (key >> 18));
        utf8[1] = (char)(0x80 | ((key >> 12) & 0x3F));
        utf8[2] = (char)(0x80 | ((key >> 6) & 0x3F));
        utf8[3] = (char)(0x80 | (key & 0x3F));
    }
    strcat(s->input, utf8);
}

ShellResult Shell_input_key(Shell *v, int key)
{
    ScreenState *s = &v->screen;
    size_t len = strlen(s->input);
    if (key == KEYCODE_ESCAPE) {
        s->overlay = OVERLAY_NONE;
        return SHELL_INPUT_CLOSED;
    } else if (key == KEYCODE_ENTER) {
        s->overlay = OVERLAY_NONE;
        return len ? SHELL_INPUT_DONE : SHELL_INPUT_CLOSED;
    } else if (key == KEYCODE_BACKSPACE) {
        while (len > 0 && ((unsigned char)s->input[len - 1] & 0xC0) == 0x80)
            len--; /* a whole UTF-8 character */
        if (len > 0)
            s->input[len - 1] = '\0';
    } else if (key >= 0x20 && key < KEYCODE_BASE) {
        Shell_input_char(s, key);
    }
    return SHELL_NOTHING;
}

static void Shell_select(Shell *v, const Model *m, int delta)
{
    int n = m->nsteps, sel = v->screen.selected_step + delta;
    v->screen.selected_step = sel < -1 ? n - 1 : sel >= n ? -1 : sel;
}

void Shell_next_theme(Shell *v)
{
    char err[256];
    size_t next = (v->theme_index + 1) % Theme_builtin_count();
    if (Shell_set_theme(v, Theme_builtin_name(next), err, sizeof err) != 0)
        Shell_banner(v, "%s", err);
}

bool Shell_resize(Shell *v)
{
    int cols, rows;
    Term_size(&cols, &rows);
    bool changed = cols != v->canvas->cols || rows != v->canvas->rows;
    if (changed)
        Canvas_resize(v->canvas, cols, rows);
    v->force = true;
    return changed;
}

/* The binding for key. In replay the digits 1-9 share the entry of 0 (one
 * line of help, "0-9"). Ctrl-C is the quit key: the mode decides (the live
 * console asks first while a step runs). */
static const KeyBinding *Shell_binding(const Shell *v, int key)
{
    if (v->screen.mode == KEYS_REPLAY && key >= '1' && key <= '9')
        key = '0';
    if (key == KEYCODE_CTRL('c'))
        key = 'q';
    return Keys_find(key, v->screen.mode, v->screen.readonly);
}

/* f: the screen keeps what it shows; the events are still taken. */
static void Shell_toggle_freeze(Shell *v, const Model *m)
{
    v->screen.frozen = !v->screen.frozen;
    if (v->screen.frozen)
        v->frozen = *m;
    Shell_banner(v, v->screen.frozen ? "display frozen: events are still taken (f to thaw)"
                                     : "display live again");
}

ShellResult Shell_key(Shell *v, const Model *m, int key, const KeyBinding **binding)
{
    *binding = NULL;
    switch (v->screen.overlay) {
    case OVERLAY_HELP: v->screen.overlay = OVERLAY_NONE; return SHELL_NOTHING;
    case OVERLAY_CONFIRM: v->screen.overlay = OVERLAY_NONE; return SHELL_CONFIRM;
    case OVERLAY_INPUT: return Shell_input_key(v, key);
    default: break;
    }
    const KeyBinding *kb = Shell_binding(v, key);
    if (!kb)
        return SHELL_NOTHING;
    switch (kb->action) {
    case ACTION_HELP: v->screen.overlay = OVERLAY_HELP; break;
    case ACTION_REDRAW: v->force = true; break;
    case ACTION_THEME: Shell_next_theme(v); break;
    case ACTION_FREEZE: Shell_toggle_freeze(v, m); break;
    case ACTION_SELECT_UP: Shell_select(v, m, -1); break;
    case ACTION_SELECT_DOWN: Shell_select(v, m, 1); break;
    default: *binding = kb; return SHELL_ACTION;
    }
    return SHELL_NOTHING;
}

/* The view's input: every waiting key; what the shell does not keep goes to
 * the mode. */
static void Shell_view_input(void *self, Loop *loop)
{
    Shell *v = self;
    int key;
    while (!loop->quit && (key = Term_read_key()) != KEYCODE_NONE) {
        Loop_changed(loop, LOOP_ANSWER);
        if (key == KEYCODE_RESIZE) {
            if (Shell_resize(v))
                Loop_resized(loop, v->canvas->cols, v->canvas->rows);
            continue;
        }
        LoopKey k = {.key = key, .input = v->screen.input};
        k.kind = (int)Shell_key(v, Loop_model(loop), key, &k.binding);
        if (k.kind != SHELL_NOTHING && loop->mode->key)
            loop->mode->key(loop->mode_self, loop, &k);
        else if (k.kind == SHELL_ACTION && k.binding->action == ACTION_QUIT)
            Loop_quit(loop);
    }
}

static int Shell_view_input_fd(void *self)
{
    (void)self;
    return Term_input_fd();
}

static void Shell_view_draw(void *self, const Model *m)
{
    Shell_draw(self, m);
}

/* A banner's end is a change of the screen: drawn when it comes, not at
 * the next second's frame. */
static int Shell_view_wake_ms(void *self)
{
    const Shell *v = self;
    if (!v->banner[0])
        return -1;
    int64_t left = v->banner_until_ms - Clock_mono_ms();
    return left <= 0 ? 0 : (int)left;
}

const LoopViewClass SHELL_VIEW = {
    .name = "terminal",
    .input_fd = Shell_view_input_fd,
    .input = Shell_view_input,
    .draw = Shell_view_draw,
    .wake_ms = Shell_view_wake_ms,
};
