/* The one key table: it dispatches keys, draws the key bar and builds the
 * help overlay, so the help can never disagree with what a key does. */
#ifndef CUTOVER_CONSOLE_KEYS_H
#define CUTOVER_CONSOLE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    ACTION_NONE = 0,
    ACTION_HELP,
    ACTION_REDRAW,
    ACTION_FREEZE,
    ACTION_QUIT,
    ACTION_THEME,
    ACTION_NOTE,
    ACTION_SELECT_UP,
    ACTION_SELECT_DOWN,
    /* executing (hidden with --readonly and in replay) */
    ACTION_PREFLIGHT,
    ACTION_ARM,
    ACTION_STEP,
    ACTION_ABORT,
    ACTION_ROLLBACK, /* past the point of no return: counts, then asks for the count */
    ACTION_RETRY,    /* the failed step again */
    ACTION_SKIP,     /* past the point: leave the failed step */
    ACTION_BY_HAND,  /* past the point: the operator did it */
    /* replay */
    ACTION_PLAY,
    ACTION_FASTER,
    ACTION_SLOWER,
    ACTION_SPEED_1X,
    ACTION_BACK_10S,
    ACTION_FWD_10S,
    ACTION_BACK_1M,
    ACTION_FWD_1M,
    ACTION_PREV_STEP,
    ACTION_NEXT_STEP,
    ACTION_GOTO,
    ACTION_JUMP_PERCENT, /* 0-9: the digit says where */
    ACTION_COMPRESS_IDLE,
} Action;

enum {
    KEYS_LIVE = 1 << 0,
    KEYS_REPLAY = 1 << 1,
    KEYS_FOLLOW = 1 << 2,
};

typedef struct KeyBinding {
    int key;
    const char *key_name; /* as shown: "?", "Ctrl-L", "Enter" */
    Action action;
    const char *bar_label; /* in the key bar, or NULL to show only in help */
    const char *help;
    unsigned modes;
    bool executes; /* changes something on the servers: hidden in read-only mode */
} KeyBinding;

/* The binding for key in this mode, or NULL. */
const KeyBinding *Keys_find(int key, unsigned mode, bool readonly);

/* All bindings, for the key bar and the help overlay. */
const KeyBinding *Keys_all(size_t *count);

/* Whether a binding applies in this mode. */
bool Keys_applies(const KeyBinding *kb, unsigned mode, bool readonly);

#endif
