/* Seeking through the index gives the same screen as folding the whole file
 * up to the same time: compared as rendered snapshot text at many times
 * (step transitions, an alarm, a stale figure, random times), reached by a
 * seek, by playing forward, and by seeking backward. The session comes from
 * replay/gen-session, garbage lines included. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay/index_file.h"
#include "replay/player.h"
#include "console/snapshot.h"
#include "tests/unit/unit.h"

#define COLS 120
#define ROWS 40

static char path[64];

/* The recording and the index its first open saved beside it. */
static void remove_session(void)
{
    char idx[128];
    snprintf(idx, sizeof idx, "%s.idx", path);
    unlink(idx);
    unlink(path);
}

static void generate(const char *args)
{
    const char *builddir = getenv("top_builddir");
    char cmd[512];
    snprintf(path, sizeof path, "/tmp/test_replay_index.%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "'%s/replay/gen-session' %s -o '%s' 2>/dev/null",
             builddir ? builddir : ".", args, path);
    ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
}

/* The reference: every event in file order while its timeline position
 * (the running maximum of wall_ms) is at most t, then the clock at t. */
static char *full_fold_text(int64_t t, double percent)
{
    static Model m;
    char err[256];
    SessionReader *r = SessionReader_open(path, false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    const SessionHeader *h = SessionReader_header(r);
    Model_init(&m, h->plan, h->start_wall_ms);
    int64_t at = h->start_wall_ms, max_wall = h->start_wall_ms, max_mono = 0;
    Event ev;
    while (SessionReader_next(r, &ev) == READER_LINE) {
        if (ev.wall_ms > at)
            at = ev.wall_ms;
        if (at > t)
            break;
        Model_fold(&m, &ev);
        max_wall = ev.wall_ms > max_wall ? ev.wall_ms : max_wall;
        max_mono = ev.mono_ms > max_mono ? ev.mono_ms : max_mono;
    }
    Model_tick(&m, t, max_mono + (t - max_wall));
    SessionReader_close(r);
    return Snapshot_text(&m, percent, COLS, ROWS, false);
}

static void assert_same_screen(Player *p, int64_t t, const char *how)
{
    char *seek = Snapshot_text(Player_model(p), Player_percent(p), COLS, ROWS, false);
    char *full = full_fold_text(t, Player_percent(p));
    ck_assert_int_eq(Player_position(p), t);
    ck_assert_msg(strcmp(seek, full) == 0, "%s to T+%lld ms differs:\n--- seek\n%s\n--- full\n%s",
                  how, (long long)(t - Player_start_ms(p)), seek, full);
    free(seek);
    free(full);
}

/* Interesting times: every step transition and alarm, just before and
 * after, and times a keyframe seek is certain to be used for. */
static size_t interesting_times(const Player *p, int64_t *out, size_t max)
{
    const SessionIndex *idx = Player_index(p);
    size_t n = 0;
    for (size_t i = 0; i < idx->nkept && n + 3 <= max; i++) {
        if (idx->kept[i].ev.kind != EVENT_STEP && idx->kept[i].ev.kind != EVENT_ALARM)
            continue;
        out[n++] = idx->kept[i].at_ms;
        out[n++] = idx->kept[i].at_ms - 1;
        out[n++] = idx->kept[i].at_ms + 1;
    }
    return n;
}

START_TEST(seek_equals_full_fold)
{
    generate("--duration 20m --cutover-at 12m --garbage 5");
    char err[256];
    Player *p = Player_open(path, false, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    int64_t s = Player_start_ms(p), e = Player_end_ms(p);
    ck_assert_int_ge(e - s, 20 * 60000);
    ck_assert_int_gt((long)Player_index(p)->nframes, 60);
    int64_t times[128];
    size_t n = interesting_times(p, times, 100);
    ck_assert_int_ge((long)n, 6 * 2 * 3 + 2 * 3); /* six steps twice, an alarm raised/cleared */
    int64_t fixed[] = {s, s + 1, s + 30000, s + 61000, s + 150001, s + 600000, e - 1, e};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        times[n++] = fixed[i];
    srand(7);
    while (n < 128)
        times[n++] = s + (int64_t)((double)rand() / RAND_MAX * (double)(e - s));
    for (size_t i = 0; i < n; i++) {
        times[i] = times[i] < s ? s : times[i] > e ? e : times[i];
        ck_assert_int_eq(Player_seek(p, times[i]), 0);
        assert_same_screen(p, times[i], "seek");
    }
    /* A keyframe really was used late in the night. */
    ck_assert_ptr_nonnull(SessionIndex_keyframe_for(Player_index(p), s + 600000));
    Player_close(p);
    remove_session();
}
END_TEST

START_TEST(playing_forward_and_back_equals_full_fold)
{
    generate("--duration 8m --cutover-at 6m --garbage 2 --truncate");
    char err[256];
    Player *p = Player_open(path, false, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    int64_t s = Player_start_ms(p);
    /* Forward in frames as a player at 64x would, then jumps both ways. */
    int64_t t = s;
    for (int i = 0; i < 40; i++) {
        t += 6400 + i * 13;
        ck_assert_int_eq(Player_move_to(p, t), 0);
    }
    assert_same_screen(p, t, "playing");
    ck_assert_int_eq(Player_move_to(p, t - 10000), 0);
    assert_same_screen(p, t - 10000, "back 10 s");
    ck_assert_int_eq(Player_move_to(p, s + 360500), 0);
    assert_same_screen(p, s + 360500, "forward to read-only");
    ck_assert_int_eq(Player_move_to(p, s + 5000), 0);
    assert_same_screen(p, s + 5000, "back to the start");
    char problems[512];
    Player_problems(p, problems, sizeof problems);
    ck_assert_msg(strstr(problems, "2 garbage lines skipped") != NULL, "%s", problems);
    ck_assert_msg(strstr(problems, "the last line is incomplete") != NULL, "%s", problems);
    Player_close(p);
    remove_session();
}
END_TEST

START_TEST(step_transitions_are_found_both_ways)
{
    generate("--duration 10m --cutover-at 6m");
    char err[256];
    Player *p = Player_open(path, false, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    const SessionIndex *idx = Player_index(p);
    int64_t s = Player_start_ms(p), t;
    ck_assert_int_eq(SessionIndex_step_after(idx, s, &t), 0);
    ck_assert_int_eq(t, s + 360000); /* maintenance-on running, not the announcements */
    ck_assert_int_eq(SessionIndex_step_after(idx, t, &t), 0);
    ck_assert_int_eq(t, s + 360400);
    ck_assert_int_eq(SessionIndex_step_before(idx, t, &t), 0);
    ck_assert_int_eq(t, s + 360000);
    ck_assert_int_ne(SessionIndex_step_before(idx, t, &t), 0);
    ck_assert_int_ne(SessionIndex_step_after(idx, s + 388000, &t), 0);
    /* Idle compression: the quiet middle plays fast, the cutover does not. */
    int64_t until;
    ck_assert_int_eq(Player_seek(p, s + 100000), 0);
    ck_assert(Player_rate(p, 1.0, true, &until) > 50.0);
    ck_assert_int_eq(until, s + 180000 - PLAYER_IDLE_EDGE_MS); /* the endpoint outage */
    ck_assert(Player_rate(p, 1.0, false, &until) == 1.0);
    ck_assert_int_eq(Player_seek(p, s + 362000), 0);
    ck_assert(Player_rate(p, 2.0, true, &until) == 2.0);
    Player_close(p);
    remove_session();
}
END_TEST

static SessionIndex *load_saved(char *problems, size_t size)
{
    static SessionIndex idx;
    char err[256];
    SessionReader *r = SessionReader_open(path, false, err, sizeof err);
    ck_assert_ptr_nonnull(r);
    int rc = IndexFile_load(&idx, r);
    SessionReader_problems(r, problems, size);
    SessionReader_close(r);
    return rc == 0 ? &idx : NULL;
}

static void flip_byte(const char *file, long at)
{
    FILE *f = fopen(file, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
    int c = fgetc(f);
    ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
    fputc(c ^ 0x20, f);
    fclose(f);
}

/* The index saved by the first open is what a full pass builds (problems
 * included), and it is not used once the recording changed or the index
 * file is damaged: the open builds it again and still shows the night. */
START_TEST(saved_index_equals_built_and_is_checked)
{
    generate("--duration 30m --cutover-at 20m --garbage 3 --truncate");
    char err[256], problems[512], saved_problems[512], idxpath[128];
    snprintf(idxpath, sizeof idxpath, "%s.idx", path);
    Player *p = Player_open(path, false, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    const SessionIndex *built = Player_index(p);
    Player_problems(p, problems, sizeof problems);
    ck_assert_int_eq(access(idxpath, R_OK), 0);
    SessionIndex *saved = load_saved(saved_problems, sizeof saved_problems);
    ck_assert_ptr_nonnull(saved);
    ck_assert_str_eq(saved_problems, problems);
    ck_assert_msg(strstr(problems, "3 garbage lines skipped") != NULL, "%s", problems);
    ck_assert_int_eq((long)saved->nkept, (long)built->nkept);
    ck_assert_int_eq((long)saved->nframes, (long)built->nframes);
    ck_assert_int_eq((long)saved->npool, (long)built->npool);
    ck_assert_int_eq(saved->nkeys, built->nkeys);
    ck_assert_int_eq(saved->events, built->events);
    ck_assert_int_eq(saved->end_offset, built->end_offset);
    ck_assert(memcmp(saved->kept, built->kept, built->nkept * sizeof *built->kept) == 0);
    ck_assert(memcmp(saved->frames, built->frames, built->nframes * sizeof *built->frames) == 0);
    ck_assert(memcmp(saved->pool, built->pool, built->npool * sizeof *built->pool) == 0);
    ck_assert(memcmp(saved->keys, built->keys, sizeof built->keys) == 0);
    SessionIndex_free(saved);
    Player_close(p);

    /* Opened from the saved index: the same screens as the full fold. */
    p = Player_open(path, false, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    int64_t s = Player_start_ms(p);
    int64_t at[] = {s + 61000, s + 1200000, s + 1200400, Player_end_ms(p)};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        ck_assert_int_eq(Player_seek(p, at[i]), 0);
        assert_same_screen(p, at[i], "seek from the saved index");
    }
    Player_close(p);

    /* Damaged: a byte of the index flipped. */
    flip_byte(idxpath, 300);
    ck_assert_ptr_null(load_saved(saved_problems, sizeof saved_problems));
    p = Player_open(path, false, err, sizeof err); /* rebuilt and saved again */
    ck_assert_msg(p != NULL, "%s", err);
    Player_close(p);
    ck_assert_ptr_nonnull((saved = load_saved(saved_problems, sizeof saved_problems)));
    SessionIndex_free(saved);

    /* Stale: the recording changed after the index was saved, at the same
     * size (its last bytes differ), or grown. */
    FILE *f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    flip_byte(path, size - 100);
    ck_assert_ptr_null(load_saved(saved_problems, sizeof saved_problems));
    flip_byte(path, size - 100);
    ck_assert_ptr_nonnull((saved = load_saved(saved_problems, sizeof saved_problems)));
    SessionIndex_free(saved);
    f = fopen(path, "ab");
    fputs("more\n", f);
    fclose(f);
    ck_assert_ptr_null(load_saved(saved_problems, sizeof saved_problems));
    remove_session();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("replay_index");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, seek_equals_full_fold);
    tcase_add_test(tc, playing_forward_and_back_equals_full_fold);
    tcase_add_test(tc, step_transitions_are_found_both_ways);
    tcase_add_test(tc, saved_index_equals_built_and_is_checked);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
