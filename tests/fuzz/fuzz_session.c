/* libFuzzer harness for the session reader: any bytes as a session file go
 * through the header check, the index pass, seeks, playing forward and step
 * navigation without a crash, a leak or undefined behaviour (ASan, UBSan).
 * It also holds the quick scanner to its promise: a line it is sure of is
 * one EventJson_parse accepts with the same time, kind and key. TIME parsing
 * gets the first line too. Build and run: tests/fuzz/run.sh SECONDS. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "replay/player.h"
#include "replay/quickscan.h"
#include "replay/timearg.h"
#include "session/event_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void Fuzz_check_quickscan(const char *line, size_t len)
{
    QuickEvent q;
    if (!QuickScan_line(line, len, &q))
        return;
    char *copy = strndup(line, len);
    Event ev;
    char err[128];
    if (!copy)
        return;
    if (EventJson_parse(copy, &ev, err, sizeof err) != 0 || ev.wall_ms != q.wall_ms ||
        ev.mono_ms != q.mono_ms || ev.kind != q.kind || ev.has_value != q.has_value ||
        strlen(ev.key) != q.key_len || memcmp(ev.key, q.key, q.key_len) != 0) {
        fprintf(stderr, "quick scan and parser disagree on: %s (%s)\n", copy, err);
        abort();
    }
    free(copy);
}

static void Fuzz_lines(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        if (!memchr(p, '\0', len))
            Fuzz_check_quickscan(p, len);
        p += len + 1;
    }
}

static void Fuzz_timearg(const uint8_t *data, size_t size)
{
    char text[64];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    char err[256];
    int64_t t;
    if (TimeArg_parse(text, 1795220400000LL, 1795224000000LL, &t, err, sizeof err) == 0)
        TimeArg_check(text, t, 1795220400000LL, 1795224000000LL, err, sizeof err);
}

static void Fuzz_player(const char *path)
{
    char err[1280], problems[512];
    Player *p = Player_open(path, false, err, sizeof err);
    if (!p)
        return;
    int64_t s = Player_start_ms(p), e = Player_end_ms(p), t, until;
    int64_t span = e - s;
    Player_seek(p, e);
    Player_seek(p, s + span / 2);
    Player_move_to(p, s + span / 2 + 250);
    Player_move_to(p, s + span / 3);
    Player_rate(p, 1.0, true, &until);
    if (SessionIndex_step_after(Player_index(p), s, &t) == 0)
        Player_seek(p, t);
    if (SessionIndex_step_before(Player_index(p), e, &t) == 0)
        Player_move_to(p, t);
    Player_problems(p, problems, sizeof problems);
    Player_close(p);
}

/* The input as the saved index of a small, valid recording: whatever it
 * holds, the open checks it and falls back to reading the recording. */
static char fuzz_session_path[64];

static void Fuzz_remove_files(void)
{
    char idx[80];
    snprintf(idx, sizeof idx, "%s.idx", fuzz_session_path);
    unlink(idx);
    unlink(fuzz_session_path);
}

static void Fuzz_index_file(const uint8_t *data, size_t size)
{
    char *session = fuzz_session_path;
    char idx[80];
    if (!session[0]) {
        snprintf(session, sizeof fuzz_session_path, "/tmp/fuzz-index-%d.session", (int)getpid());
        atexit(Fuzz_remove_files);
        FILE *f = fopen(session, "w");
        if (!f)
            return;
        fputs("{\"cutover_session\":1,\"version\":\"0.1.0\",\"plan\":\"p\",\"start\":1795220400000,"
              "\"start_utc\":\"2026-11-21T00:20:00.000Z\",\"cols\":80,\"rows\":24}\n"
              "{\"t\":1795220400100,\"m\":100,\"k\":\"sample\",\"key\":\"lag.heartbeat_s\",\"v\":0."
              "5}\n"
              "{\"t\":1795220400200,\"m\":200,\"k\":\"step\",\"key\":\"swap\",\"v\":1,\"s\":2}\n",
              f);
        fclose(f);
    }
    snprintf(idx, sizeof idx, "%s.idx", session);
    FILE *f = fopen(idx, "wb");
    if (!f)
        return;
    fwrite(data, 1, size, f);
    fclose(f);
    Fuzz_player(session);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Fuzz_index_file(data, size);
    Fuzz_lines(data, size);
    Fuzz_timearg(data, size);
    int fd = memfd_create("session", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        Fuzz_player(path);
    }
    close(fd);
    return 0;
}
