/* The player: a recorded session as a model at a chosen time. It folds the
 * file's events through the same Model_fold the live console uses, moving
 * forward by reading on and backward (or far) by seeking through the index.
 * The model at time T is the fold of every event whose timeline position
 * (see index.h) is at most T, with the model's clock ticked to T. */
#ifndef CUTOVER_REPLAY_PLAYER_H
#define CUTOVER_REPLAY_PLAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "replay/index.h"
#include "replay/reader.h"

/* Idle stretches: no event but samples for longer than this play in at most
 * PLAYER_IDLE_PLAY_MS of wall time when compression is on, keeping
 * PLAYER_IDLE_EDGE_MS at normal speed on either side of what happened. */
#define PLAYER_IDLE_MIN_MS  10000
#define PLAYER_IDLE_PLAY_MS 1000
#define PLAYER_IDLE_EDGE_MS 2000

typedef struct Player Player;

/* Opens and indexes path. follow: the file is still being written. */
Player *Player_open(const char *path, bool follow, char *err, size_t errsize);
void Player_close(Player *p);

const SessionHeader *Player_header(const Player *p);
const SessionIndex *Player_index(const Player *p);
const Model *Player_model(const Player *p);

/* The recorded span: the session start and the last event's position. */
int64_t Player_start_ms(const Player *p);
int64_t Player_end_ms(const Player *p);
int64_t Player_position(const Player *p);
double Player_percent(const Player *p);

/* Shows time t (clamped to the span): forward by reading on, backward via
 * the index. 0, or -1 on a read error (Player_error). */
int Player_seek(Player *p, int64_t t);
int Player_move_to(Player *p, int64_t t);

/* Follow mode: folds whatever complete lines were appended and moves the
 * clock to now (the wall clock, never before the newest event). Returns how
 * many events were folded, -1 on a read error. */
long Player_follow(Player *p, int64_t wall_now_ms);

/* How many recorded ms one ms of playing covers at speed here, with idle
 * compression on or off. Inside a compressed stretch, until is where it
 * ends (playing must not run past it in one frame), else INT64_MAX. */
double Player_rate(const Player *p, double speed, bool compress, int64_t *until);

/* What the reader found wrong with the file ("" when nothing). */
void Player_problems(const Player *p, char *buf, size_t size);
const char *Player_error(const Player *p);

#endif
