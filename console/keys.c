#include "console/keys.h"

#include "tui/term.h"

#define LIVE   KEYS_LIVE
#define REPLAY KEYS_REPLAY
#define FOLLOW KEYS_FOLLOW
#define ALL    (KEYS_LIVE | KEYS_REPLAY | KEYS_FOLLOW)

static const KeyBinding bindings[] = {
    {'?', "?", ACTION_HELP, "Help", "show or hide this help", ALL, false},
    {KEYCODE_F1, "F1", ACTION_HELP, NULL, "show or hide this help", ALL, false},
    {'p', "p", ACTION_PREFLIGHT, "Preflight", "run the pre-flight (go/no-go) checks", LIVE, true},
    {'a', "a", ACTION_ARM, "Arm", "arm: one confirmation runs every remaining step", LIVE, true},
    {KEYCODE_ENTER, "Enter", ACTION_STEP, "Step", "run only the next step (asks first)", LIVE,
     true},
    {'x', "x", ACTION_ABORT, "Abort", "abort at once; a running wait is cancelled", LIVE, true},
    {'R', "R", ACTION_ROLLBACK, "Rollback",
     "undo done steps in reverse; past the point: count first", LIVE, true},
    {'r', "r", ACTION_RETRY, NULL, "run the failed step again", LIVE, true},
    {'s', "s", ACTION_SKIP, NULL, "past the point: skip the failed step", LIVE, true},
    {'d', "d", ACTION_BY_HAND, NULL, "past the point: the failed step was done by hand", LIVE,
     true},
    {'m', "m", ACTION_NOTE, "Note", "add a note to the recording", LIVE, false},
    {' ', "Space", ACTION_PLAY, "Play", "pause or play", REPLAY, false},
    {'+', "+", ACTION_FASTER, "Faster", "double the speed (up to 64x)", REPLAY, false},
    {'-', "-", ACTION_SLOWER, "Slower", "halve the speed (down to 0.25x)", REPLAY, false},
    {'=', "=", ACTION_SPEED_1X, NULL, "back to 1x", REPLAY, false},
    {KEYCODE_LEFT, "Left", ACTION_BACK_10S, NULL, "back 10 seconds", REPLAY, false},
    {KEYCODE_RIGHT, "Right", ACTION_FWD_10S, NULL, "forward 10 seconds", REPLAY, false},
    {KEYCODE_SLEFT, "Shift-Left", ACTION_BACK_1M, NULL, "back 1 minute", REPLAY, false},
    {KEYCODE_SRIGHT, "Shift-Right", ACTION_FWD_1M, NULL, "forward 1 minute", REPLAY, false},
    {'[', "[", ACTION_PREV_STEP, "Prev step", "previous step transition", REPLAY, false},
    {']', "]", ACTION_NEXT_STEP, "Next step", "next step transition", REPLAY, false},
    {'g', "g", ACTION_GOTO, "Go to", "go to a time: 00:30:08, 2026-11-21T00:30:08Z or +1m30s",
     REPLAY, false},
    {'c', "c", ACTION_COMPRESS_IDLE, NULL, "compress idle stretches on/off", REPLAY, false},
    /* One entry for the ten digits (replay maps 1-9 to it). */
    {'0', "0-9", ACTION_JUMP_PERCENT, NULL, "jump to 0%, 10%, ... 90%", REPLAY, false},
    {KEYCODE_END, "End", ACTION_JUMP_PERCENT, NULL, "jump to the end", REPLAY, false},
    {KEYCODE_UP, "Up", ACTION_SELECT_UP, NULL, "select the previous step", ALL, false},
    {KEYCODE_DOWN, "Down", ACTION_SELECT_DOWN, NULL, "select the next step", ALL, false},
    {'f', "f", ACTION_FREEZE, "Freeze", "freeze the display (recording goes on)", LIVE | FOLLOW,
     false},
    {'t', "t", ACTION_THEME, "Theme", "next colour scheme", ALL, false},
    {KEYCODE_CTRL('l'), "Ctrl-L", ACTION_REDRAW, NULL, "redraw the screen", ALL, false},
    {'q', "q", ACTION_QUIT, "Quit", "quit (asks first while a step runs)", LIVE, false},
    {'q', "q", ACTION_QUIT, "Quit", "quit", REPLAY | FOLLOW, false},
};

const KeyBinding *Keys_all(size_t *count)
{
    *count = sizeof bindings / sizeof bindings[0];
    return bindings;
}

bool Keys_applies(const KeyBinding *kb, unsigned mode, bool readonly)
{
    return (kb->modes & mode) && !(readonly && kb->executes);
}

const KeyBinding *Keys_find(int key, unsigned mode, bool readonly)
{
    size_t n;
    const KeyBinding *all = Keys_all(&n);
    for (size_t i = 0; i < n; i++)
        if (all[i].key == key && Keys_applies(&all[i], mode, readonly))
            return &all[i];
    return NULL;
}
