#include "console/snapshot.h"

#include <stdio.h>
#include <stdlib.h>

#include "console/keys.h"
#include "console/screen.h"
#include "tui/canvas.h"

/* No terminal is that large; the limit keeps a typo from allocating
 * gigabytes of cells. */
#define SNAPSHOT_MAX_SIDE 1000

char *Snapshot_text(const Model *m, double position_percent, int cols, int rows, bool ascii)
{
    Canvas *c = Canvas_new(cols, rows, ascii);
    if (!c)
        return NULL;
    ScreenState st = {.mode = KEYS_REPLAY,
                      .readonly = true,
                      .selected_step = -1,
                      .speed = 1.0,
                      .playing = false,
                      .position_percent = position_percent};
    Screen_render(c, m, &st);
    char *text = Canvas_to_text(c);
    Canvas_free(c);
    return text;
}

int Snapshot_parse_size(const char *text, int *cols, int *rows, char *err, size_t errsize)
{
    char x, extra;
    if (sscanf(text, "%d%c%d%c", cols, &x, rows, &extra) != 3 || (x != 'x' && x != 'X')) {
        snprintf(err, errsize, "bad size \"%s\": expected COLSxROWS, e.g. 120x40", text);
        return -1;
    }
    if (*cols < 1 || *rows < 1 || *cols > SNAPSHOT_MAX_SIDE || *rows > SNAPSHOT_MAX_SIDE) {
        snprintf(err, errsize, "bad size \"%s\": columns and rows go from 1 to %d", text,
                 SNAPSHOT_MAX_SIDE);
        return -1;
    }
    return 0;
}
