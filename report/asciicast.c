#include "report/asciicast.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/keys.h"
#include "console/screen.h"
#include "report/html.h"
#include "tui/canvas.h"

void Asciicast_json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', out);
    while (*p) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p++);
        } else if (*p == '\n') {
            fputs("\\n", out), p++;
        } else if (*p == '\r') {
            fputs("\\r", out), p++;
        } else if (*p < 0x20 || *p == 0x7F) {
            fprintf(out, "\\u%04x", *p++);
        } else if (*p < 0x80) {
            fputc(*p++, out);
        } else {
            int n = Html_utf8_length(p);
            if (n == 0) {
                fputs("\\ufffd", out);
                p++;
            } else {
                fwrite(p, 1, (size_t)n, out);
                p += n;
            }
        }
    }
    fputc('"', out);
}

static void Asciicast_header(FILE *out, Player *p, const AsciicastOptions *opt)
{
    const SessionHeader *h = Player_header(p);
    char title[256];
    snprintf(title, sizeof title, "cutover replay: %s, %s", h->plan, h->start_utc);
    fprintf(out, "{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, \"title\": ",
            opt->cols, opt->rows, (long long)(h->start_wall_ms / 1000));
    Asciicast_json_string(out, title);
    fputs(", \"env\": {\"TERM\": \"xterm-256color\", \"SHELL\": \"/bin/sh\"}}\n", out);
}

/* The line of text starting at *p (up to its newline), advancing *p past it;
 * NULL when no line is left. */
static const char *Asciicast_line(const char **p, size_t *len)
{
    if (!*p || !**p)
        return NULL;
    const char *line = *p, *nl = strchr(line, '\n');
    *len = nl ? (size_t)(nl - line) : strlen(line);
    *p = nl ? nl + 1 : line + *len;
    return line;
}

/* What brings the terminal from the screen before (NULL: whatever it shows)
 * to text: the rows that changed, each written at its row and cleared to its
 * end (the canvas gives every row, blank ones too). No newline is written,
 * so the screen never scrolls. */
static char *Asciicast_frame(const char *before, const char *text)
{
    size_t size = strlen(text) * 2 + 64, used = 0, len, blen = 0;
    char *buf = malloc(size);
    if (!buf)
        return NULL;
    used += (size_t)snprintf(buf, size, "%s", before ? "" : "\x1b[2J");
    const char *p = text, *q = before, *line;
    for (int row = 1; (line = Asciicast_line(&p, &len)) != NULL; row++) {
        const char *old = Asciicast_line(&q, &blen);
        if (old && blen == len && memcmp(old, line, len) == 0)
            continue;
        if (used + len + 32 > size) {
            char *bigger = realloc(buf, size = (used + len + 32) * 2);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        used +=
            (size_t)snprintf(buf + used, size - used, "\x1b[%d;1H%.*s\x1b[K", row, (int)len, line);
    }
    return buf;
}

typedef struct CastState {
    FILE *out;
    Canvas *canvas;
    ScreenState screen;
    char *last; /* the text of the last frame written */
    AsciicastStats *stats;
} CastState;

/* Draws the model; writes a frame when the screen changed. 0, or -1 out of
 * memory. */
static int Asciicast_render(CastState *cs, Player *p, double played_s)
{
    cs->screen.position_percent = Player_percent(p);
    Canvas_clear(cs->canvas);
    Screen_render(cs->canvas, Player_model(p), &cs->screen);
    char *text = Canvas_to_text(cs->canvas);
    if (!text)
        return -1;
    cs->stats->frames_rendered++;
    if (cs->last && strcmp(cs->last, text) == 0) {
        free(text);
        return 0;
    }
    char *frame = Asciicast_frame(cs->last, text);
    if (!frame) {
        free(text);
        return -1;
    }
    fprintf(cs->out, "[%.3f, \"o\", ", played_s);
    Asciicast_json_string(cs->out, frame);
    fputs("]\n", cs->out);
    free(frame);
    free(cs->last);
    cs->last = text;
    cs->stats->frames_written++;
    cs->stats->duration_s = played_s;
    return 0;
}

/* Plays from start to end in steps of one frame of played time; each step
 * covers rate times as much recorded time, never past the end of an idle
 * stretch (Player_rate's until). */
static int Asciicast_play(CastState *cs, Player *p, const AsciicastOptions *opt, char *err,
                          size_t errsize)
{
    double frame_ms = 1000.0 / opt->fps, played_ms = 0;
    int64_t end = Player_end_ms(p);
    if (Player_seek(p, Player_start_ms(p)) != 0 || Asciicast_render(cs, p, 0) != 0)
        goto failed;
    while (Player_position(p) < end) {
        int64_t pos = Player_position(p), until;
        double rate = Player_rate(p, opt->speed, opt->compress, &until);
        int64_t next = pos + (int64_t)(frame_ms * rate + 0.5);
        if (next <= pos)
            next = pos + 1;
        if (next > until)
            next = until > pos ? until : pos + 1;
        if (next > end)
            next = end;
        played_ms += (double)(next - pos) / rate;
        if (Player_move_to(p, next) != 0 || Asciicast_render(cs, p, played_ms / 1000) != 0)
            goto failed;
    }
    return ferror(cs->out) ? -1 : 0;
failed:;
    const char *why = Player_error(p);
    snprintf(err, errsize, "%s", why && why[0] ? why : "out of memory");
    return -1;
}

int Asciicast_write(FILE *out, Player *p, const AsciicastOptions *opt, AsciicastStats *stats,
                    char *err, size_t errsize)
{
    memset(stats, 0, sizeof *stats);
    CastState cs = {.out = out,
                    .canvas = Canvas_new(opt->cols, opt->rows, opt->ascii),
                    .screen = {.mode = KEYS_REPLAY,
                               .readonly = true,
                               .selected_step = -1,
                               .speed = opt->speed,
                               .playing = true},
                    .stats = stats};
    if (!cs.canvas) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    Asciicast_header(out, p, opt);
    int rc = Asciicast_play(&cs, p, opt, err, errsize);
    if (rc == 0 && ferror(out))
        snprintf(err, errsize, "write error");
    free(cs.last);
    Canvas_free(cs.canvas);
    return rc == 0 && !ferror(out) ? 0 : -1;
}
