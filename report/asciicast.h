/* A recorded session as an asciicast v2 file (asciinema's format): a header
 * line, then [time, "o", data] events. Each frame is the model drawn by
 * Screen_render, the live console's drawing code, at successive recorded
 * times, written as plain text with cursor positioning, and only when the
 * screen changed. Times are played time: recorded time divided by the speed,
 * idle stretches compressed the way replay compresses them. */
#ifndef CUTOVER_REPORT_ASCIICAST_H
#define CUTOVER_REPORT_ASCIICAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "replay/player.h"

#define ASCIICAST_FPS_DEFAULT 4.0
#define ASCIICAST_FPS_MAX     60.0

typedef struct AsciicastOptions {
    int cols, rows; /* the screen size */
    double fps;     /* frames looked at per second of played time */
    double speed;   /* 1: real time */
    bool compress;  /* idle stretches play in about a second */
    bool ascii;
} AsciicastOptions;

typedef struct AsciicastStats {
    long frames_rendered;
    long frames_written;
    double duration_s; /* the cast's played length */
} AsciicastStats;

/* Writes the cast of p (from its start to its end) to out. 0, or -1 with
 * err (a read error, out of memory, a write error). */
int Asciicast_write(FILE *out, Player *p, const AsciicastOptions *opt, AsciicastStats *stats,
                    char *err, size_t errsize);

/* Writes s as a JSON string (quotes included): control characters escaped,
 * bytes that are not UTF-8 replaced by U+FFFD. */
void Asciicast_json_string(FILE *out, const char *s);

#endif
