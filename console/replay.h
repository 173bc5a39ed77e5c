/* `cutover replay FILE`: the recorded night in the live console's panels,
 * played, paused, sped up and sought through with the replay keys. */
#ifndef CUTOVER_CONSOLE_REPLAY_H
#define CUTOVER_CONSOLE_REPLAY_H

#include <stdbool.h>

#define REPLAY_SPEED_MIN 0.25
#define REPLAY_SPEED_MAX 64.0

typedef struct ReplayOptions {
    const char *path;
    const char *theme; /* NULL: dark */
    bool ascii;
    double speed;
    const char *start; /* TIME to start at, NULL: the beginning */
    bool paused;
} ReplayOptions;

/* Runs the player until q. Returns the exit status (2 when the file or an
 * option cannot be used, with the reason on stderr). */
int Replay_run(const ReplayOptions *opt);

#endif
