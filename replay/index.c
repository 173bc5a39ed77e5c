#include "replay/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/step_state.h"
#include "replay/quickscan.h"
#include "session/event_json.h"

/* The pass's running state: the latest sample offsets per key. */
typedef struct IndexPass {
    int64_t last_num[MODEL_MAX_SERIES];
    int64_t last_text[MODEL_MAX_SERIES];
    int64_t at_ms; /* running maximum of wall_ms */
    int64_t max_wall_ms, max_mono_ms;
    int64_t next_frame_ms;
    int last_key; /* the key of the previous sample: usually a neighbour's */
} IndexPass;

static int SessionIndex_grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 256;
    while (n < need)
        n *= 2;
    void *p = realloc(*array, n * size);
    if (!p)
        return -1;
    *array = p;
    *cap = n;
    return 0;
}

/* The key's id in first-appearance order, adding it while there is room
 * (the model keeps at most MODEL_MAX_SERIES series, the first ones seen). */
static int SessionIndex_key(SessionIndex *idx, IndexPass *pass, const char *key, size_t len)
{
    if (pass->last_key >= 0) {
        const char *k = idx->keys[pass->last_key];
        if (strncmp(k, key, len) == 0 && k[len] == '\0')
            return pass->last_key;
    }
    for (int i = 0; i < idx->nkeys; i++)
        if (strncmp(idx->keys[i], key, len) == 0 && idx->keys[i][len] == '\0')
            return pass->last_key = i;
    if (idx->nkeys == MODEL_MAX_SERIES)
        return -1;
    memcpy(idx->keys[idx->nkeys], key, len);
    idx->keys[idx->nkeys][len] = '\0';
    pass->last_num[idx->nkeys] = pass->last_text[idx->nkeys] = -1;
    return pass->last_key = idx->nkeys++;
}

static int SessionIndex_keyframe(SessionIndex *idx, IndexPass *pass, const SessionReader *r)
{
    size_t need = idx->npool + 2 * (size_t)idx->nkeys;
    if (SessionIndex_grow((void **)&idx->frames, &idx->frames_cap, idx->nframes + 1,
                          sizeof(Keyframe)) != 0 ||
        SessionIndex_grow((void **)&idx->pool, &idx->pool_cap, need, sizeof(int64_t)) != 0)
        return -1;
    Keyframe *f = &idx->frames[idx->nframes++];
    f->at_ms = pass->at_ms;
    f->offset = SessionReader_offset(r);
    f->line = SessionReader_line_number(r);
    f->kept_before = idx->nkept;
    f->events_before = idx->events;
    f->max_wall_ms = pass->max_wall_ms;
    f->max_mono_ms = pass->max_mono_ms;
    f->nkeys = idx->nkeys;
    f->summary = idx->npool;
    for (int i = 0; i < idx->nkeys; i++) {
        idx->pool[idx->npool++] = pass->last_num[i];
        idx->pool[idx->npool++] = pass->last_text[i];
    }
    pass->next_frame_ms = pass->at_ms + INDEX_KEYFRAME_MS;
    return 0;
}

static int SessionIndex_keep(SessionIndex *idx, const Event *ev, int64_t at_ms)
{
    if (SessionIndex_grow((void **)&idx->kept, &idx->kept_cap, idx->nkept + 1, sizeof(KeptEvent)) !=
        0)
        return -1;
    idx->kept[idx->nkept].ev = *ev;
    idx->kept[idx->nkept].at_ms = at_ms;
    idx->nkept++;
    return 0;
}

/* One line: classified quickly when it has the recorder's shape, else
 * parsed in full. Returns 1 when it is an event (q filled, ev too for a
 * non-sample), 0 when garbage. */
static int SessionIndex_classify(const char *line, size_t len, QuickEvent *q, Event *ev)
{
    if (QuickScan_line(line, len, q) && q->kind == EVENT_SAMPLE)
        return SessionReader_times_ok(q->wall_ms, q->mono_ms);
    if (EventJson_parse(line, ev, NULL, 0) != 0 ||
        !SessionReader_times_ok(ev->wall_ms, ev->mono_ms))
        return 0;
    q->wall_ms = ev->wall_ms;
    q->mono_ms = ev->mono_ms;
    q->kind = ev->kind;
    q->key = ev->key;
    q->key_len = strlen(ev->key);
    q->has_value = ev->has_value;
    return 1;
}

static int SessionIndex_add(SessionIndex *idx, IndexPass *pass, const SessionReader *r,
                            const QuickEvent *q, const Event *ev)
{
    if (q->wall_ms > pass->at_ms)
        pass->at_ms = q->wall_ms;
    if (pass->at_ms >= pass->next_frame_ms && SessionIndex_keyframe(idx, pass, r) != 0)
        return -1;
    idx->events++;
    if (q->wall_ms > pass->max_wall_ms)
        pass->max_wall_ms = q->wall_ms;
    if (q->mono_ms > pass->max_mono_ms)
        pass->max_mono_ms = q->mono_ms;
    idx->last_ms = pass->at_ms;
    if (q->kind != EVENT_SAMPLE)
        return SessionIndex_keep(idx, ev, pass->at_ms);
    int id = SessionIndex_key(idx, pass, q->key, q->key_len);
    if (id >= 0)
        *(q->has_value ? &pass->last_num[id] : &pass->last_text[id]) = SessionReader_offset(r);
    return 0;
}

int SessionIndex_build(SessionIndex *idx, SessionReader *r, char *err, size_t errsize)
{
    memset(idx, 0, sizeof *idx);
    int64_t start = SessionReader_header(r)->start_wall_ms;
    IndexPass pass = {.at_ms = start,
                      .max_wall_ms = start,
                      .next_frame_ms = start + INDEX_KEYFRAME_MS,
                      .last_key = -1};
    idx->first_ms = idx->last_ms = start;
    const char *line;
    size_t len;
    ReaderStatus st;
    while ((st = SessionReader_line(r, &line, &len)) == READER_LINE) {
        QuickEvent q;
        Event ev;
        if (!SessionIndex_classify(line, len, &q, &ev)) {
            SessionReader_reject(r);
            continue;
        }
        if (SessionIndex_add(idx, &pass, r, &q, &ev) != 0) {
            snprintf(err, errsize, "%s: out of memory indexing", SessionReader_path(r));
            return -1;
        }
    }
    if (st == READER_ERROR) {
        snprintf(err, errsize, "%s", SessionReader_error(r));
        return -1;
    }
    idx->end_offset = SessionReader_next_offset(r);
    idx->end_line = SessionReader_line_number(r) + 1;
    return 0;
}

void SessionIndex_free(SessionIndex *idx)
{
    free(idx->kept);
    free(idx->frames);
    free(idx->pool);
    memset(idx, 0, sizeof *idx);
}

const Keyframe *SessionIndex_keyframe_for(const SessionIndex *idx, int64_t t)
{
    int64_t target = t - INDEX_LOOKBACK_MS;
    size_t lo = 0, hi = idx->nframes; /* the answer is lo - 1 */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->frames[mid].at_ms <= target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : &idx->frames[lo - 1];
}

size_t SessionIndex_kept_from(const SessionIndex *idx, int64_t t)
{
    size_t lo = 0, hi = idx->nkept;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->kept[mid].at_ms < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool SessionIndex_is_transition(const KeptEvent *k)
{
    return k->ev.kind == EVENT_STEP && k->ev.state != STEP_PENDING;
}

int SessionIndex_step_before(const SessionIndex *idx, int64_t t, int64_t *out)
{
    for (size_t i = SessionIndex_kept_from(idx, t); i-- > 0;)
        if (SessionIndex_is_transition(&idx->kept[i])) {
            *out = idx->kept[i].at_ms;
            return 0;
        }
    return -1;
}

int SessionIndex_step_after(const SessionIndex *idx, int64_t t, int64_t *out)
{
    for (size_t i = SessionIndex_kept_from(idx, t + 1); i < idx->nkept; i++)
        if (SessionIndex_is_transition(&idx->kept[i])) {
            *out = idx->kept[i].at_ms;
            return 0;
        }
    return -1;
}
