/* The recorder thread: waits on its own bus queue (and a stop pipe), formats
 * each event into a buffer and appends it to the session file. Urgent events
 * (what a reviewer most needs: step transitions, decisions, notes, alarms)
 * are fsynced before the next event is looked at; samples are written at
 * once, so `follow` sees them, and fsynced at least once a second. A write
 * error is kept for the status line; the thread goes on draining the queue
 * so the bus never backs up behind a full disk. */
#include "config.h"

#include "session/recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/operator.h"
#include "lib/redact.h"
#include "session/event_json.h"

#define RECORDER_BATCH       256
#define RECORDER_BUF_SIZE    (64 * 1024)
#define RECORDER_LINE_MAX    4096
#define RECORDER_FSYNC_EVERY 1000 /* ms: the most samples may sit un-synced */

struct Recorder {
    BusQueue *queue;
    int fd;
    int stop_pipe[2];
    pthread_t thread;
    char path[1024];
    char buf[RECORDER_BUF_SIZE];
    size_t len;
    bool dirty;        /* written since the last fsync */
    bool torn;         /* a partial write left a line without its newline */
    int64_t synced_ms; /* monotonic time of the last fsync */
    pthread_mutex_t error_lock;
    bool has_error;
    char error[1200];
};

static void Recorder_fail(Recorder *rec, const char *what, int errnum)
{
    pthread_mutex_lock(&rec->error_lock);
    if (!rec->has_error) {
        snprintf(rec->error, sizeof rec->error, "session file %s: %s%s", rec->path, what,
                 strerror(errnum));
        rec->has_error = true;
    }
    pthread_mutex_unlock(&rec->error_lock);
}

const char *Recorder_error(Recorder *rec)
{
    pthread_mutex_lock(&rec->error_lock);
    bool has = rec->has_error;
    pthread_mutex_unlock(&rec->error_lock);
    /* Once set, the message never changes, so it can be read unlocked. */
    return has ? rec->error : "";
}

/* Writes all of data; returns how much was written before an error. */
static size_t Recorder_write_all(int fd, const char *data, size_t len, int *errnum)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *errnum = n < 0 ? errno : EIO;
            break;
        }
        done += (size_t)n;
    }
    return done;
}

/* Appends the buffer. A line cut by a failed write is ended with a newline
 * before the next attempt, so one garbage line (which readers skip and
 * count) is all a full disk costs once space comes back. */
static void Recorder_flush(Recorder *rec)
{
    if (rec->len == 0)
        return;
    int errnum = 0;
    if (rec->torn && Recorder_write_all(rec->fd, "\n", 1, &errnum) == 1)
        rec->torn = false;
    if (!rec->torn) {
        size_t done = Recorder_write_all(rec->fd, rec->buf, rec->len, &errnum);
        if (done > 0)
            rec->dirty = true;
        if (done < rec->len && done > 0 && rec->buf[done - 1] != '\n')
            rec->torn = true;
    }
    if (errnum)
        Recorder_fail(rec, "", errnum);
    rec->len = 0;
}

static void Recorder_sync(Recorder *rec)
{
    Recorder_flush(rec);
    if (rec->dirty && fsync(rec->fd) != 0)
        Recorder_fail(rec, "fsync: ", errno);
    rec->dirty = false;
    rec->synced_ms = Clock_mono_ms();
}

static bool Recorder_is_urgent(EventKind kind)
{
    return kind == EVENT_STEP || kind == EVENT_DECISION || kind == EVENT_NOTE ||
           kind == EVENT_ALARM;
}

static void Recorder_add(Recorder *rec, const Event *ev)
{
    Event copy = *ev;
    Redact_apply(copy.text, sizeof copy.text);
    char line[RECORDER_LINE_MAX];
    int n = EventJson_format(&copy, line, sizeof line - 1);
    if (n < 0)
        return; /* cannot happen with fixed-size fields; never write half */
    line[n++] = '\n';
    if (rec->len + (size_t)n > sizeof rec->buf)
        Recorder_flush(rec);
    memcpy(rec->buf + rec->len, line, (size_t)n);
    rec->len += (size_t)n;
    if (Recorder_is_urgent(ev->kind))
        Recorder_sync(rec);
}

/* Takes everything queued; returns how many events there were. */
static size_t Recorder_drain(Recorder *rec)
{
    Event batch[RECORDER_BATCH];
    size_t total = 0, n;
    while ((n = BusQueue_take(rec->queue, batch, RECORDER_BATCH)) > 0) {
        for (size_t i = 0; i < n; i++)
            Recorder_add(rec, &batch[i]);
        total += n;
    }
    Recorder_flush(rec);
    return total;
}

/* How long poll may sleep: until the pending fsync is due, or for ever. */
static int Recorder_timeout(const Recorder *rec)
{
    if (!rec->dirty)
        return -1;
    int64_t left = rec->synced_ms + RECORDER_FSYNC_EVERY - Clock_mono_ms();
    return left < 0 ? 0 : (int)left;
}

static void *Recorder_main(void *arg)
{
    Recorder *rec = arg;
    struct pollfd fds[2] = {{.fd = BusQueue_fd(rec->queue), .events = POLLIN},
                            {.fd = rec->stop_pipe[0], .events = POLLIN}};
    for (;;) {
        int rc = poll(fds, 2, Recorder_timeout(rec));
        if (rc < 0 && errno != EINTR)
            Clock_sleep_ms(10); /* never spin; poll only fails on EINTR/ENOMEM */
        Recorder_drain(rec);
        if (rec->dirty && Recorder_timeout(rec) == 0)
            Recorder_sync(rec);
        if (fds[1].revents & POLLIN)
            break;
    }
    Recorder_drain(rec);
    Recorder_sync(rec);
    return NULL;
}

static void Recorder_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The header: the first line, everything a reader needs before the events. */
static struct json_object *Recorder_header_json(const RecorderHeader *header, int64_t start)
{
    Operator op;
    Operator_describe(&op);
    char sha[65] = "", utc[32];
    if (header->plan_sha256)
        Recorder_hex(header->plan_sha256, 32, sha);
    Clock_format_utc(start, utc, sizeof utc);
    struct json_object *obj = json_object_new_object();
    json_object_object_add(obj, "cutover_session", json_object_new_int(1));
    json_object_object_add(obj, "version", json_object_new_string(PACKAGE_VERSION));
    json_object_object_add(obj, "plan",
                           json_object_new_string(header->plan_name ? header->plan_name : ""));
    json_object_object_add(obj, "plan_sha256", json_object_new_string(sha));
    json_object_object_add(obj, "host", json_object_new_string(op.host));
    json_object_object_add(obj, "operator", Operator_to_json(&op));
    json_object_object_add(obj, "start", json_object_new_int64(start));
    json_object_object_add(obj, "start_utc", json_object_new_string(utc));
    json_object_object_add(obj, "cols", json_object_new_int(header->cols));
    json_object_object_add(obj, "rows", json_object_new_int(header->rows));
    return obj;
}

static int Recorder_write_header(Recorder *rec, const RecorderHeader *header, int64_t start)
{
    struct json_object *obj = Recorder_header_json(header, start);
    const char *json = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t len = strlen(json);
    int rc = -1;
    if (len + 2 <= sizeof rec->buf) {
        memcpy(rec->buf, json, len);
        rec->buf[len] = '\n';
        int errnum = 0;
        if (Recorder_write_all(rec->fd, rec->buf, len + 1, &errnum) == len + 1 &&
            fsync(rec->fd) == 0)
            rc = 0;
    }
    json_object_put(obj);
    return rc;
}

/* Makes the new file's name durable too, not just its contents. */
static void Recorder_sync_dir(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static void Recorder_free(Recorder *rec)
{
    if (rec->fd >= 0)
        close(rec->fd);
    if (rec->stop_pipe[0] >= 0) {
        close(rec->stop_pipe[0]);
        close(rec->stop_pipe[1]);
    }
    pthread_mutex_destroy(&rec->error_lock);
    free(rec);
}

static Recorder *Recorder_new(const char *path)
{
    Recorder *rec = calloc(1, sizeof *rec);
    if (!rec)
        return NULL;
    rec->fd = rec->stop_pipe[0] = rec->stop_pipe[1] = -1;
    pthread_mutex_init(&rec->error_lock, NULL);
    snprintf(rec->path, sizeof rec->path, "%s", path);
    return rec;
}

Recorder *Recorder_start(Bus *bus, const char *path, const RecorderHeader *header, char *err,
                         size_t errsize)
{
    Recorder *rec = Recorder_new(path);
    if (!rec) {
        snprintf(err, errsize, "session file %s: out of memory", path);
        return NULL;
    }
    rec->fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_APPEND | O_CLOEXEC, 0600);
    if (rec->fd < 0) {
        snprintf(err, errsize, "session file %s: %s", path, strerror(errno));
        Recorder_free(rec);
        return NULL;
    }
    if (Recorder_write_header(rec, header, Bus_start_wall_ms(bus)) != 0) {
        snprintf(err, errsize, "session file %s: writing the header: %s", path,
                 strerror(errno ? errno : EIO));
        unlink(path);
        Recorder_free(rec);
        return NULL;
    }
    Recorder_sync_dir(path);
    rec->synced_ms = Clock_mono_ms();
    if (pipe2(rec->stop_pipe, O_CLOEXEC) != 0 || !(rec->queue = Bus_attach(bus, 1)) ||
        pthread_create(&rec->thread, NULL, Recorder_main, rec) != 0) {
        snprintf(err, errsize, "session file %s: cannot start the recorder: %s", path,
                 strerror(errno ? errno : EAGAIN));
        Recorder_free(rec);
        return NULL;
    }
    return rec;
}

void Recorder_stop(Recorder *rec)
{
    if (!rec)
        return;
    char byte = 1;
    while (write(rec->stop_pipe[1], &byte, 1) < 0 && errno == EINTR)
        ;
    pthread_join(rec->thread, NULL);
    Recorder_free(rec);
}
