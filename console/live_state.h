/* The live console's state, shared by its loop (live.c) and its key
 * handling (live_keys.c). Private to console/. */
#ifndef CUTOVER_CONSOLE_LIVE_STATE_H
#define CUTOVER_CONSOLE_LIVE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "console/keys.h"
#include "console/live.h"
#include "console/loop.h"
#include "console/shell.h"

typedef struct Live {
    const LiveConfig *cfg;
    Loop loop;           /* the model, the alarms, the pacing */
    Shell shell;         /* the terminal, canvas, theme, banner, screen state */
    Action pending;      /* the action an open confirmation is for */
    Action input_for;    /* the open input line: ACTION_NOTE or ACTION_ROLLBACK (the count) */
    bool awaiting_count; /* the executor counts the target's writes for a rollback */
} Live;

/* A key the shell did not keep (live_keys.c). */
void Live_key(void *self, Loop *loop, const LoopKey *key);

/* SIGINT is q (it asks while a step runs); SIGTERM and SIGHUP leave, and
 * the executor records where the cutover stands (live_keys.c). */
void Live_signal(void *self, Loop *loop, int sig);

/* After the executor counted the target's writes for a rollback past the
 * point of no return: asks for the count to be typed (live_keys.c). */
void Live_count_ready(Live *live);

/* Shows a message under the status line for a few seconds. */
void Live_banner(Live *live, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Posts an operator decision to the bus (recorded and shown). */
void Live_decision(Live *live, const char *action, const char *text);

/* The decision that ends the run: handed to the owner (LiveConfig.last_word)
 * to post last, else posted now. */
void Live_last_word(Live *live, const char *action, const char *text);

#endif
