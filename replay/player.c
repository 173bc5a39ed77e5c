#include "replay/player.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/index_file.h"

struct Player {
    SessionReader *reader;
    SessionIndex index;
    Model model;
    int64_t first_offset; /* the first line after the header */
    int64_t position;
    int64_t at_ms;                    /* the timeline position of the last event folded */
    int64_t max_wall_ms, max_mono_ms; /* over the events folded */
    bool has_pending;                 /* the next event, read but beyond the position */
    Event pending;
};

const SessionHeader *Player_header(const Player *p)
{
    return SessionReader_header(p->reader);
}

const SessionIndex *Player_index(const Player *p)
{
    return &p->index;
}

const Model *Player_model(const Player *p)
{
    return &p->model;
}

int64_t Player_start_ms(const Player *p)
{
    return p->index.first_ms;
}

int64_t Player_end_ms(const Player *p)
{
    return p->index.last_ms;
}

int64_t Player_position(const Player *p)
{
    return p->position;
}

double Player_percent(const Player *p)
{
    int64_t span = p->index.last_ms - p->index.first_ms;
    return span > 0 ? 100.0 * (double)(p->position - p->index.first_ms) / (double)span : 100.0;
}

const char *Player_error(const Player *p)
{
    return SessionReader_error(p->reader);
}

void Player_problems(const Player *p, char *buf, size_t size)
{
    SessionReader_problems(p->reader, buf, size);
}

static void Player_fold(Player *p, const Event *ev)
{
    Model_fold(&p->model, ev);
    if (ev->wall_ms > p->at_ms)
        p->at_ms = ev->wall_ms;
    if (ev->wall_ms > p->max_wall_ms)
        p->max_wall_ms = ev->wall_ms;
    if (ev->mono_ms > p->max_mono_ms)
        p->max_mono_ms = ev->mono_ms;
}

/* The model's clock at t: the monotonic time of the newest event plus the
 * wall time since, the same however t was reached. */
static void Player_tick(Player *p, int64_t t)
{
    p->position = t;
    Model_tick(&p->model, t, p->max_mono_ms + (t - p->max_wall_ms));
}

/* Folds events up to position t; the first one beyond stays pending. */
static int Player_read_to(Player *p, int64_t t)
{
    for (;;) {
        if (!p->has_pending) {
            ReaderStatus st = SessionReader_next(p->reader, &p->pending);
            if (st == READER_ERROR)
                return -1;
            if (st != READER_LINE)
                break;
            p->has_pending = true;
        }
        int64_t at = p->pending.wall_ms > p->at_ms ? p->pending.wall_ms : p->at_ms;
        if (at > t)
            break;
        p->has_pending = false;
        Player_fold(p, &p->pending);
    }
    Player_tick(p, t);
    return 0;
}

/* The latest samples the keyframe names, in first-appearance order (each
 * key's two in file order), so the series come out as a full fold has them. */
static void Player_fold_summary(Player *p, const Keyframe *kf)
{
    if (kf->nkeys == 0)
        return; /* no sample yet (and perhaps no pool at all) */
    const int64_t *pairs = p->index.pool + kf->summary;
    for (int i = 0; i < kf->nkeys; i++) {
        int64_t a = pairs[2 * i], b = pairs[2 * i + 1];
        int64_t first = a < b ? a : b, second = a < b ? b : a;
        Event ev;
        if (first >= 0 && SessionReader_event_at(p->reader, first, &ev) == 0)
            Model_fold(&p->model, &ev);
        if (second >= 0 && SessionReader_event_at(p->reader, second, &ev) == 0)
            Model_fold(&p->model, &ev);
    }
}

static int Player_restart(Player *p, const Keyframe *kf)
{
    const SessionHeader *h = Player_header(p);
    Model_init(&p->model, h->plan, h->start_wall_ms);
    p->has_pending = false;
    p->at_ms = p->max_wall_ms = h->start_wall_ms;
    p->max_mono_ms = 0;
    if (!kf)
        return SessionReader_seek(p->reader, p->first_offset, 2);
    Player_fold_summary(p, kf);
    for (size_t i = 0; i < kf->kept_before; i++)
        Model_fold(&p->model, &p->index.kept[i].ev);
    p->model.events_folded = kf->events_before;
    p->at_ms = p->max_wall_ms = kf->max_wall_ms;
    p->max_mono_ms = kf->max_mono_ms;
    return SessionReader_seek(p->reader, kf->offset, kf->line);
}

static int64_t Player_clamp(const Player *p, int64_t t)
{
    if (t < p->index.first_ms)
        return p->index.first_ms;
    return t > p->index.last_ms ? p->index.last_ms : t;
}

int Player_seek(Player *p, int64_t t)
{
    t = Player_clamp(p, t);
    if (Player_restart(p, SessionIndex_keyframe_for(&p->index, t)) != 0)
        return -1;
    return Player_read_to(p, t);
}

int Player_move_to(Player *p, int64_t t)
{
    t = Player_clamp(p, t);
    /* Reading on is cheaper than a seek unless the gap is long. */
    if (t >= p->position && t - p->position <= INDEX_LOOKBACK_MS + INDEX_KEYFRAME_MS)
        return Player_read_to(p, t);
    return Player_seek(p, t);
}

long Player_follow(Player *p, int64_t wall_now_ms)
{
    int64_t before = p->model.events_folded;
    if (p->has_pending) {
        p->has_pending = false;
        Player_fold(p, &p->pending);
    }
    Event ev;
    ReaderStatus st;
    while ((st = SessionReader_next(p->reader, &ev)) == READER_LINE)
        Player_fold(p, &ev);
    if (st == READER_ERROR)
        return -1;
    if (p->at_ms > p->index.last_ms)
        p->index.last_ms = p->at_ms;
    Player_tick(p, wall_now_ms > p->at_ms ? wall_now_ms : p->at_ms);
    return (long)(p->model.events_folded - before);
}

double Player_rate(const Player *p, double speed, bool compress, int64_t *until)
{
    *until = INT64_MAX;
    if (!compress)
        return speed;
    const SessionIndex *idx = &p->index;
    size_t next = SessionIndex_kept_from(idx, p->position + 1);
    int64_t from = next > 0 ? idx->kept[next - 1].at_ms : idx->first_ms;
    int64_t to = next < idx->nkept ? idx->kept[next].at_ms : idx->last_ms;
    if (to - from < PLAYER_IDLE_MIN_MS || p->position < from + PLAYER_IDLE_EDGE_MS ||
        p->position >= to - PLAYER_IDLE_EDGE_MS)
        return speed;
    double rate = (double)(to - from - 2 * PLAYER_IDLE_EDGE_MS) / PLAYER_IDLE_PLAY_MS;
    if (rate <= speed)
        return speed;
    *until = to - PLAYER_IDLE_EDGE_MS;
    return rate;
}

void Player_close(Player *p)
{
    if (!p)
        return;
    SessionIndex_free(&p->index);
    SessionReader_close(p->reader);
    free(p);
}

Player *Player_open(const char *path, bool follow, char *err, size_t errsize)
{
    Player *p = calloc(1, sizeof *p);
    err[0] = '\0';
    if (!p) {
        snprintf(err, errsize, "%s: out of memory", path);
        return NULL;
    }
    p->reader = SessionReader_open(path, follow, err, errsize);
    if (!p->reader) {
        free(p);
        return NULL;
    }
    p->first_offset = SessionReader_next_offset(p->reader);
    if (SessionIndex_open(&p->index, p->reader, follow, err, errsize) != 0 ||
        Player_seek(p, follow ? p->index.last_ms : p->index.first_ms) != 0) {
        if (!*err)
            snprintf(err, errsize, "%s", SessionReader_error(p->reader));
        Player_close(p);
        return NULL;
    }
    return p;
}
