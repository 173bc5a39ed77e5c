#include "tui/term.h"

#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static attr_t role_attrs[ROLE_COUNT];
static short role_pairs[ROLE_COUNT]; /* wide cells take the pair apart from the attributes */
static int term_colors;

/* The locale's character set was set by main() before any thread started. */
int Term_init(bool no_color, TermInfo *info)
{
    info->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    /* Esc alone must not wait a second for a sequence that never comes. */
    setenv("ESCDELAY", "25", 0);
    if (!initscr())
        return -1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    term_colors = 0;
    if (!no_color && has_colors() && start_color() == OK) {
        use_default_colors();
        term_colors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
    }
    info->colors = term_colors;
    return 0;
}

void Term_end(void)
{
    endwin();
}

/* Maps a theme colour onto what the terminal can show. */
static short Term_color(short c, unsigned *attrs)
{
    if (c < 0)
        return -1;
    if (c >= 16 && term_colors < 256) {
        /* xterm 256: approximate by the nearest of the 8 base hues. */
        if (c >= 232)
            return c >= 244 ? COLOR_WHITE : COLOR_BLACK;
        int v = c - 16, r = v / 36, g = (v / 6) % 6, b = v % 6;
        return (short)((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0));
    }
    if (c >= 8 && term_colors < 16) {
        *attrs |= THEME_ATTR_BOLD; /* bright colours become bold on 8-colour terminals */
        return (short)(c - 8);
    }
    return c;
}

static attr_t Term_attrs(unsigned a)
{
    attr_t out = A_NORMAL;
    if (a & THEME_ATTR_BOLD)
        out |= A_BOLD;
    if (a & THEME_ATTR_DIM)
        out |= A_DIM;
    if (a & THEME_ATTR_REVERSE)
        out |= A_REVERSE;
    if (a & THEME_ATTR_UNDERLINE)
        out |= A_UNDERLINE;
    return out;
}

void Term_apply_theme(const Theme *theme)
{
    for (int r = 0; r < ROLE_COUNT; r++) {
        const RoleStyle *s = &theme->styles[r];
        unsigned attrs = s->attrs;
        if (term_colors > 0) {
            short fg = Term_color(s->fg, &attrs), bg = Term_color(s->bg, &attrs);
            init_pair((short)(r + 1), fg, bg);
            role_pairs[r] = (short)(r + 1);
        } else {
            role_pairs[r] = 0;
        }
        role_attrs[r] = Term_attrs(attrs);
    }
}

void Term_size(int *cols, int *rows)
{
    getmaxyx(stdscr, *rows, *cols);
}

void Term_present(const Canvas *canvas, bool force)
{
    if (force)
        clearok(curscr, TRUE);
    int rows, cols;
    getmaxyx(stdscr, rows, cols);
    for (int y = 0; y < canvas->rows && y < rows; y++) {
        for (int x = 0; x < canvas->cols && x < cols; x++) {
            /* The bottom-right cell scrolls some terminals: leave it. */
            if (y == rows - 1 && x == cols - 1)
                continue;
            const Cell *cell = &canvas->cells[y * canvas->cols + x];
            wchar_t wc[2] = {(wchar_t)(cell->ch ? cell->ch : ' '), 0};
            cchar_t cc;
            setcchar(&cc, wc, role_attrs[cell->role], role_pairs[cell->role], NULL);
            mvadd_wch(y, x, &cc);
        }
    }
    refresh();
}

static int Term_map_key(int kind, wint_t ch)
{
    if (kind == OK) {
        if (ch == '\r' || ch == '\n')
            return KEYCODE_ENTER;
        if (ch == 27)
            return KEYCODE_ESCAPE;
        if (ch == 127 || ch == 8)
            return KEYCODE_BACKSPACE;
        return (int)ch;
    }
    switch (ch) {
    case KEY_UP: return KEYCODE_UP;
    case KEY_DOWN: return KEYCODE_DOWN;
    case KEY_LEFT: return KEYCODE_LEFT;
    case KEY_RIGHT: return KEYCODE_RIGHT;
    case KEY_SLEFT: return KEYCODE_SLEFT;
    case KEY_SRIGHT: return KEYCODE_SRIGHT;
    case KEY_HOME: return KEYCODE_HOME;
    case KEY_END: return KEYCODE_END;
    case KEY_PPAGE: return KEYCODE_PGUP;
    case KEY_NPAGE: return KEYCODE_PGDN;
    case KEY_ENTER: return KEYCODE_ENTER;
    case KEY_BACKSPACE: return KEYCODE_BACKSPACE;
    case KEY_F(1): return KEYCODE_F1;
    case KEY_RESIZE: return KEYCODE_RESIZE;
    default: return KEYCODE_NONE;
    }
}

int Term_read_key(void)
{
    wint_t ch;
    int kind = get_wch(&ch);
    if (kind == ERR)
        return KEYCODE_NONE;
    return Term_map_key(kind, ch);
}

int Term_input_fd(void)
{
    return STDIN_FILENO;
}
