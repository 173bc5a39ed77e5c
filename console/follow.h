/* `cutover follow FILE`: a session another console is recording, shown live
 * and read-only by tailing the file: for a second person, or the security
 * team, without sharing a keyboard. */
#ifndef CUTOVER_CONSOLE_FOLLOW_H
#define CUTOVER_CONSOLE_FOLLOW_H

#include <stdbool.h>

/* How often the file is looked at for new lines. */
#define FOLLOW_POLL_MS 100
/* How long to wait for a file that exists but has no header line yet. */
#define FOLLOW_HEADER_WAIT_MS 10000

typedef struct FollowOptions {
    const char *path;
    const char *theme; /* NULL: dark */
    bool ascii;
} FollowOptions;

/* Runs until q or a signal. Returns the exit status. */
int Follow_run(const FollowOptions *opt);

#endif
