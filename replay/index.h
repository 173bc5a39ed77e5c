/* The index that makes seeking on a long night fast with bounded memory.
 *
 * One pass over the file keeps (and replay/index_file.c saves beside the
 * recording as PATH.idx, so that later opens read a few hundred KB instead
 * of the night; bench/replay_seek.sh measures both):
 *  - every non-sample event (steps, alarms, health changes, decisions, notes,
 *    logs, resizes), which are few, in memory;
 *  - a keyframe every INDEX_KEYFRAME_MS of recorded time: the file offset to
 *    read from, and for each metric key seen so far the offsets of its latest
 *    numeric and latest text sample (a few bytes a key, not the samples).
 *
 * The model at time T is the fold of every event up to T. To build it
 * without reading the night: fold the latest samples of the keyframe at or
 * before T - INDEX_LOOKBACK_MS, the kept non-sample events before that
 * keyframe, then read and fold the file from the keyframe up to T.
 *
 * Why that is the same model. What the model keeps from samples older than
 * the lookback is only (a) which series exist and in what order, (b) each
 * series' latest value, text, origin and time (a figure that stopped coming is
 * shown stale with its age), and (c) ring points. (a) and (b) are exactly what
 * the keyframe's latest-sample offsets restore, folded in first-appearance
 * order. Ring points older than the lookback differ, but every reader of the
 * ring looks back at most MODEL_WINDOW_MS (sparklines and the lag
 * panel's 2 minutes; endpoint stats 1 minute; trends 20 s), and the lookback
 * is that plus a margin (covering a wall clock that drifts against the
 * monotonic one the windows use). Non-sample events are folded in full;
 * samples and non-samples touch disjoint parts of the model, so folding one
 * group before the other changes nothing (the "now" fields are maxima and are
 * restored from the keyframe). The unit test test_replay_index checks the
 * rendered screens of seek and full fold are identical at many times.
 *
 * Times: an event's position is the running maximum of wall_ms in file
 * order, so a few events stamped out of order by racing threads still give
 * a non-decreasing timeline that can be binary-searched. */
#ifndef CUTOVER_REPLAY_INDEX_H
#define CUTOVER_REPLAY_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "replay/reader.h"

#define INDEX_KEYFRAME_MS 15000
#define INDEX_LOOKBACK_MS (MODEL_WINDOW_MS + 30000)

typedef struct KeptEvent {
    Event ev;
    int64_t at_ms; /* the running maximum of wall_ms: its place on the timeline */
} KeptEvent;

typedef struct Keyframe {
    int64_t at_ms; /* the timeline position of the first event read from here */
    int64_t offset;
    long line;
    size_t kept_before;    /* kept events before offset */
    int64_t events_before; /* events before offset (the model's count) */
    int64_t max_wall_ms, max_mono_ms;
    int nkeys;      /* keys seen before offset */
    size_t summary; /* into the pool: nkeys pairs (numeric, text) of offsets, -1 none */
} Keyframe;

typedef struct SessionIndex {
    KeptEvent *kept;
    size_t nkept, kept_cap;
    Keyframe *frames;
    size_t nframes, frames_cap;
    int64_t *pool;
    size_t npool, pool_cap;
    char keys[MODEL_MAX_SERIES][EVENT_KEY_MAX]; /* in first-appearance order */
    int nkeys;
    int64_t events;
    int64_t first_ms, last_ms; /* the timeline's span (first_ms: the header's start) */
    int64_t end_offset;
    long end_line;
} SessionIndex;

/* Reads r from just after the header to its end. 0, or -1 with err. */
int SessionIndex_build(SessionIndex *idx, SessionReader *r, char *err, size_t errsize);
void SessionIndex_free(SessionIndex *idx);

/* The keyframe to start from to show time t (NULL: from the beginning). */
const Keyframe *SessionIndex_keyframe_for(const SessionIndex *idx, int64_t t);

/* The first kept event at or after position t (nkept when none). */
size_t SessionIndex_kept_from(const SessionIndex *idx, int64_t t);

/* Positions of the step transitions (step events other than the pending
 * announcements) just before and after t: 0 found, -1 none. */
int SessionIndex_step_before(const SessionIndex *idx, int64_t t, int64_t *out);
int SessionIndex_step_after(const SessionIndex *idx, int64_t t, int64_t *out);

#endif
