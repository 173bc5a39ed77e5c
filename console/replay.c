#include "console/replay.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "console/loop.h"
#include "console/shell.h"
#include "lib/clock.h"
#include "replay/player.h"
#include "replay/timearg.h"
#include "tui/term.h"

#define REPLAY_FRAME_MS 100 /* ten frames a second while playing */

typedef struct Replay {
    Loop loop;
    Player *player;
    Shell view;
    double speed;
    bool playing;
    bool compress;
    int64_t last_real_ms;
} Replay;

static void Replay_move(Replay *r, int64_t t)
{
    if (Player_move_to(r->player, t) != 0)
        Shell_banner(&r->view, "%s", Player_error(r->player));
}

/* Advances the recorded clock by the real time since the last frame. */
static void Replay_play(Replay *r)
{
    int64_t now = Clock_mono_ms(), elapsed = now - r->last_real_ms;
    r->last_real_ms = now;
    if (!r->playing)
        return;
    int64_t until;
    double rate = Player_rate(r->player, r->speed, r->compress, &until);
    int64_t t = Player_position(r->player) + (int64_t)((double)elapsed * rate);
    if (t > until)
        t = until;
    if (t >= Player_end_ms(r->player)) {
        t = Player_end_ms(r->player);
        r->playing = false;
        Shell_banner(&r->view, "end of the recording (0 goes back to the start)");
    }
    Replay_move(r, t);
}

static void Replay_speed(Replay *r, double speed)
{
    if (speed < REPLAY_SPEED_MIN)
        speed = REPLAY_SPEED_MIN;
    if (speed > REPLAY_SPEED_MAX)
        speed = REPLAY_SPEED_MAX;
    r->speed = speed;
}

static void Replay_step(Replay *r, bool forward)
{
    const SessionIndex *idx = Player_index(r->player);
    int64_t t, pos = Player_position(r->player);
    int rc =
        forward ? SessionIndex_step_after(idx, pos, &t) : SessionIndex_step_before(idx, pos, &t);
    if (rc != 0)
        Shell_banner(&r->view, "no %s step transition", forward ? "later" : "earlier");
    else
        Replay_move(r, t);
}

static void Replay_jump(Replay *r, int key)
{
    int64_t start = Player_start_ms(r->player), end = Player_end_ms(r->player);
    int tenths = key == KEYCODE_END ? 10 : key >= '0' && key <= '9' ? key - '0' : 0;
    Replay_move(r, start + (end - start) * tenths / 10);
}

static void Replay_goto(Replay *r, const char *text)
{
    char err[256];
    int64_t t, start = Player_start_ms(r->player), end = Player_end_ms(r->player);
    if (TimeArg_parse(text, start, end, &t, err, sizeof err) != 0 ||
        TimeArg_check(text, t, start, end, err, sizeof err) != 0)
        Shell_banner(&r->view, "%s", err);
    else
        Replay_move(r, t);
}

static void Replay_action(Replay *r, Action action, int key)
{
    int64_t pos = Player_position(r->player);
    switch (action) {
    case ACTION_PLAY: r->playing = !r->playing && pos < Player_end_ms(r->player); break;
    case ACTION_FASTER: Replay_speed(r, r->speed * 2); break;
    case ACTION_SLOWER: Replay_speed(r, r->speed / 2); break;
    case ACTION_SPEED_1X: Replay_speed(r, 1.0); break;
    case ACTION_BACK_10S: Replay_move(r, pos - 10000); break;
    case ACTION_FWD_10S: Replay_move(r, pos + 10000); break;
    case ACTION_BACK_1M: Replay_move(r, pos - 60000); break;
    case ACTION_FWD_1M: Replay_move(r, pos + 60000); break;
    case ACTION_PREV_STEP: Replay_step(r, false); break;
    case ACTION_NEXT_STEP: Replay_step(r, true); break;
    case ACTION_JUMP_PERCENT: Replay_jump(r, key); break;
    case ACTION_GOTO:
        Shell_ask(&r->view, "Go to",
                  "A UTC time on the recorded day (00:30:08), a full UTC time "
                  "(2026-11-21T00:30:08Z) or an offset from the start (+1m30s):");
        break;
    case ACTION_COMPRESS_IDLE:
        r->compress = !r->compress;
        if (r->compress)
            Shell_banner(&r->view, "idle stretches (only samples for over %d s) play in a second",
                         PLAYER_IDLE_MIN_MS / 1000);
        else
            Shell_banner(&r->view, "idle stretches play at the chosen speed");
        break;
    default: break;
    }
}

static void Replay_key(void *self, Loop *loop, const LoopKey *k)
{
    Replay *r = self;
    if (k->kind == SHELL_INPUT_DONE)
        Replay_goto(r, k->input);
    else if (k->kind == SHELL_ACTION && k->binding->action == ACTION_QUIT)
        Loop_quit(loop);
    else if (k->kind == SHELL_ACTION)
        Replay_action(r, k->binding->action, k->key);
}

/* The recorded clock moves with the real one while playing: a frame for
 * each move. */
static unsigned Replay_take(void *self, Loop *loop)
{
    (void)loop;
    Replay *r = self;
    int64_t before = Player_position(r->player);
    Replay_play(r);
    r->view.screen.speed = r->speed;
    r->view.screen.playing = r->playing;
    r->view.screen.position_percent = Player_percent(r->player);
    return Player_position(r->player) != before ? LOOP_URGENT : 0;
}

static int Replay_wake_ms(void *self, Loop *loop)
{
    (void)loop;
    return ((Replay *)self)->playing ? REPLAY_FRAME_MS : -1;
}

static const Model *Replay_model(void *self, Loop *loop)
{
    (void)loop;
    return Player_model(((Replay *)self)->player);
}

static const LoopModeClass REPLAY_MODE = {
    .name = "replay",
    .take = Replay_take,
    .model = Replay_model,
    .wake_ms = Replay_wake_ms,
    .key = Replay_key,
};

/* The start position from --start, checked before the terminal is taken. */
static int Replay_start_at(Replay *r, const char *text)
{
    char err[256];
    int64_t t, start = Player_start_ms(r->player), end = Player_end_ms(r->player);
    if (TimeArg_parse(text, start, end, &t, err, sizeof err) != 0 ||
        TimeArg_check(text, t, start, end, err, sizeof err) != 0) {
        fprintf(stderr, "cutover replay: %s\n", err);
        return -1;
    }
    if (Player_seek(r->player, t) != 0) {
        fprintf(stderr, "cutover replay: %s\n", Player_error(r->player));
        return -1;
    }
    return 0;
}

int Replay_run(const ReplayOptions *opt)
{
    static Replay r; /* holds a model: not on the stack */
    char err[1280], problems[512];
    memset(&r, 0, sizeof r);
    r.player = Player_open(opt->path, false, err, sizeof err);
    if (!r.player) {
        fprintf(stderr, "cutover replay: %s\n", err);
        return 2;
    }
    Replay_speed(&r, opt->speed > 0 ? opt->speed : 1.0);
    r.playing = !opt->paused;
    if (opt->start && Replay_start_at(&r, opt->start) != 0) {
        Player_close(r.player);
        return 2;
    }
    if (Loop_open(&r.loop, &REPLAY_MODE, &r, &SHELL_VIEW, &r.view, err, sizeof err) != 0 ||
        Shell_open(&r.view, KEYS_REPLAY, opt->theme ? opt->theme : "dark", opt->ascii, err,
                   sizeof err) != 0) {
        fprintf(stderr, "cutover replay: %s\n", err);
        Loop_close(&r.loop);
        Player_close(r.player);
        return 2;
    }
    Player_problems(r.player, problems, sizeof problems);
    if (problems[0])
        Shell_banner(&r.view, "%s", problems);
    r.last_real_ms = Clock_mono_ms();
    Loop_run(&r.loop);
    Shell_close(&r.view);
    Loop_close(&r.loop);
    if (problems[0])
        fprintf(stderr, "cutover replay: %s: %s\n", opt->path, problems);
    Player_close(r.player);
    return 0;
}
