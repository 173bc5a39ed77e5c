/* The canvas: cutover's own cell grid. Panels draw text runs with semantic
 * roles, boxes and sparklines into it; tui/term.c copies it to the terminal,
 * and snapshots turn it into plain text, so every screen is testable without
 * a terminal (as tmux keeps its own grid). No curses here. */
#ifndef CUTOVER_TUI_CANVAS_H
#define CUTOVER_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "themes/theme.h"

typedef struct Rect {
    int x, y, w, h;
} Rect;

typedef struct Cell {
    uint32_t ch; /* a Unicode code point of width 1 */
    uint8_t role;
} Cell;

typedef struct Canvas {
    int cols, rows;
    bool ascii; /* draw boxes and graphs with ASCII only (non-UTF-8 locales) */
    Cell *cells;
} Canvas;

Canvas *Canvas_new(int cols, int rows, bool ascii);
void Canvas_free(Canvas *c);
/* Changes the size; the content is cleared. 0, or -1 when out of memory. */
int Canvas_resize(Canvas *c, int cols, int rows);
void Canvas_clear(Canvas *c);

/* Writes UTF-8 text at (x, y), at most maxw columns (clipped to the canvas
 * too). Returns the columns written. */
int Canvas_text(Canvas *c, int x, int y, int maxw, Role role, const char *utf8);
int Canvas_printf(Canvas *c, int x, int y, int maxw, Role role, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Right-aligns text so it ends at column x + w - 1. */
int Canvas_text_right(Canvas *c, int x, int y, int w, Role role, const char *utf8);

void Canvas_fill(Canvas *c, Rect r, uint32_t ch, Role role);
/* Gives cells in r a role without changing their characters. */
void Canvas_paint(Canvas *c, Rect r, Role role);
/* A frame around r with a title on its top edge. */
void Canvas_box(Canvas *c, Rect r, Role border, const char *title, Role title_role);

/* A sparkline of n values (NaN = no data: blank) scaled from lo to hi, in
 * w columns at (x, y). Eight levels with block glyphs, four in ASCII. */
void Canvas_sparkline(Canvas *c, int x, int y, int w, const double *values, int n, double lo,
                      double hi, Role role);

/* The same as a graph r.h rows tall: each column a bar, the top cell of
 * each bar in eighths. */
void Canvas_graph(Canvas *c, Rect r, const double *values, int n, double lo, double hi, Role role);

/* The area inside a box. */
Rect Rect_inner(Rect r);

/* The grid as UTF-8 text, one line per row, trailing spaces trimmed.
 * The caller frees it. */
char *Canvas_to_text(const Canvas *c);

#endif
