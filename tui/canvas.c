#include "tui/canvas.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Canvas *Canvas_new(int cols, int rows, bool ascii)
{
    Canvas *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ascii = ascii;
    if (Canvas_resize(c, cols, rows) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

void Canvas_free(Canvas *c)
{
    if (!c)
        return;
    free(c->cells);
    free(c);
}

int Canvas_resize(Canvas *c, int cols, int rows)
{
    if (cols < 1)
        cols = 1;
    if (rows < 1)
        rows = 1;
    Cell *cells = calloc((size_t)cols * (size_t)rows, sizeof *cells);
    if (!cells)
        return -1;
    free(c->cells);
    c->cells = cells;
    c->cols = cols;
    c->rows = rows;
    Canvas_clear(c);
    return 0;
}

void Canvas_clear(Canvas *c)
{
    for (int i = 0; i < c->cols * c->rows; i++)
        c->cells[i] = (Cell){.ch = ' ', .role = ROLE_NORMAL};
}

static Cell *Canvas_at(Canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->cols || y >= c->rows)
        return NULL;
    return &c->cells[y * c->cols + x];
}

static void Canvas_put(Canvas *c, int x, int y, uint32_t ch, Role role)
{
    Cell *cell = Canvas_at(c, x, y);
    if (cell)
        *cell = (Cell){.ch = ch, .role = (uint8_t)role};
}

/* Decodes one UTF-8 sequence; malformed bytes become U+FFFD, one at a time. */
static uint32_t Canvas_decode(const unsigned char **p)
{
    const unsigned char *s = *p;
    int len = s[0] < 0x80         ? 1
              : (s[0] >> 5) == 6  ? 2
              : (s[0] >> 4) == 14 ? 3
              : (s[0] >> 3) == 30 ? 4
                                  : 0;
    if (len == 0) {
        *p = s + 1;
        return 0xFFFD;
    }
    uint32_t cp = len == 1 ? s[0] : (uint32_t)(s[0] & (0x7F >> len));
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p = s + len;
    return cp;
}

/* Wide or invisible characters would break the grid; show them as '?'. */
static uint32_t Canvas_printable(uint32_t cp, bool ascii)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return '?';
    if (ascii && cp >= 0x80)
        return '?';
    if (cp >= 0x1100 &&
        (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x1F300))
        return '?';
    return cp;
}

int Canvas_text(Canvas *c, int x, int y, int maxw, Role role, const char *utf8)
{
    if (!utf8)
        return 0;
    const unsigned char *p = (const unsigned char *)utf8;
    int written = 0;
    if (maxw > c->cols - x)
        maxw = c->cols - x;
    while (*p && written < maxw) {
        uint32_t cp = Canvas_printable(Canvas_decode(&p), c->ascii);
        Canvas_put(c, x + written, y, cp, role);
        written++;
    }
    return written;
}

int Canvas_printf(Canvas *c, int x, int y, int maxw, Role role, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return Canvas_text(c, x, y, maxw, role, buf);
}

static int Canvas_width(const char *utf8)
{
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

int Canvas_text_right(Canvas *c, int x, int y, int w, Role role, const char *utf8)
{
    int len = Canvas_width(utf8);
    if (len > w)
        len = w;
    return Canvas_text(c, x + w - len, y, len, role, utf8);
}

void Canvas_fill(Canvas *c, Rect r, uint32_t ch, Role role)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            Canvas_put(c, x, y, ch, role);
}

void Canvas_paint(Canvas *c, Rect r, Role role)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            Cell *cell = Canvas_at(c, x, y);
            if (cell)
                cell->role = (uint8_t)role;
        }
}

void Canvas_box(Canvas *c, Rect r, Role border, const char *title, Role title_role)
{
    if (r.w < 2 || r.h < 2)
        return;
    uint32_t h = c->ascii ? '-' : 0x2500, v = c->ascii ? '|' : 0x2502;
    uint32_t tl = c->ascii ? '+' : 0x250C, tr = c->ascii ? '+' : 0x2510;
    uint32_t bl = c->ascii ? '+' : 0x2514, br = c->ascii ? '+' : 0x2518;
    for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
        Canvas_put(c, x, r.y, h, border);
        Canvas_put(c, x, r.y + r.h - 1, h, border);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        Canvas_put(c, r.x, y, v, border);
        Canvas_put(c, r.x + r.w - 1, y, v, border);
    }
    Canvas_put(c, r.x, r.y, tl, border);
    Canvas_put(c, r.x + r.w - 1, r.y, tr, border);
    Canvas_put(c, r.x, r.y + r.h - 1, bl, border);
    Canvas_put(c, r.x + r.w - 1, r.y + r.h - 1, br, border);
    if (title && *title && r.w > 6)
        Canvas_printf(c, r.x + 2, r.y, r.w - 4, title_role, " %s ", title);
}

/* One column of a bar graph: `eighths` of a cell filled, from the bottom. */
static void Canvas_bar(Canvas *c, int x, Rect r, int eighths, Role role)
{
    static const uint32_t blocks[8] = {0x2581, 0x2582, 0x2583, 0x2584,
                                       0x2585, 0x2586, 0x2587, 0x2588};
    static const char ascii_levels[4] = {'_', '.', '-', '^'};
    for (int row = 0; row < r.h; row++) {
        int cell = eighths - row * 8; /* what is left for this row, from the bottom */
        uint32_t ch = ' ';
        if (cell >= 8 && row < r.h - 1)
            ch = c->ascii ? '|' : 0x2588;
        else if (cell > 0)
            ch = c->ascii ? (uint32_t)ascii_levels[(cell > 8 ? 7 : cell - 1) / 2]
                          : blocks[cell > 8 ? 7 : cell - 1];
        Canvas_put(c, x, r.y + r.h - 1 - row, ch, role);
    }
}

void Canvas_graph(Canvas *c, Rect r, const double *values, int n, double lo, double hi, Role role)
{
    double span = hi - lo;
    int first = n > r.w ? n - r.w : 0; /* the newest values, right-aligned */
    int pad = r.w - (n - first);
    for (int i = 0; i < r.w; i++) {
        int vi = first + i - pad;
        double v = (vi >= 0 && vi < n) ? values[vi] : NAN;
        int eighths = 0;
        if (!isnan(v)) {
            double f = span > 0 ? (v - lo) / span : 0.0;
            f = f < 0 ? 0 : f > 1 ? 1 : f;
            eighths = 1 + (int)(f * (r.h * 8 - 1) + 0.5); /* data is never blank */
        }
        Canvas_bar(c, r.x + i, r, eighths, role);
    }
}

void Canvas_sparkline(Canvas *c, int x, int y, int w, const double *values, int n, double lo,
                      double hi, Role role)
{
    Canvas_graph(c, (Rect){x, y, w, 1}, values, n, lo, hi, role);
}

Rect Rect_inner(Rect r)
{
    return (Rect){r.x + 1, r.y + 1, r.w > 2 ? r.w - 2 : 0, r.h > 2 ? r.h - 2 : 0};
}

static size_t Canvas_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *Canvas_to_text(const Canvas *c)
{
    size_t cap = (size_t)c->rows * ((size_t)c->cols * 4 + 1) + 1;
    char *out = malloc(cap), *p = out;
    if (!out)
        return NULL;
    for (int y = 0; y < c->rows; y++) {
        char *last_ink = p;
        for (int x = 0; x < c->cols; x++) {
            uint32_t ch = c->cells[y * c->cols + x].ch;
            p += Canvas_encode(ch ? ch : ' ', p);
            if (ch != ' ' && ch != 0)
                last_ink = p;
        }
        p = last_ink;
        *p++ = '\n';
    }
    *p = '\0';
    return out;
}
