#include "session/bus.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/redact.h"

#define BUS_MAX_QUEUES 8

struct BusQueue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    Event *ring;
    size_t cap, head, count;
    int wake[2]; /* self-pipe; -1 when the consumer does not poll */
    bool closed;
};

struct Bus {
    pthread_mutex_t lock;
    BusQueue *queues[BUS_MAX_QUEUES];
    size_t nqueues;
    int64_t start_wall_ms;
    int64_t start_mono_ms;
};

Bus *Bus_new(void)
{
    Bus *bus = calloc(1, sizeof *bus);
    if (!bus)
        return NULL;
    pthread_mutex_init(&bus->lock, NULL);
    bus->start_wall_ms = Clock_wall_ms();
    bus->start_mono_ms = Clock_mono_ms();
    return bus;
}

static void BusQueue_free(BusQueue *q)
{
    if (q->wake[0] >= 0) {
        close(q->wake[0]);
        close(q->wake[1]);
    }
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
    free(q->ring);
    free(q);
}

void Bus_free(Bus *bus)
{
    if (!bus)
        return;
    for (size_t i = 0; i < bus->nqueues; i++)
        BusQueue_free(bus->queues[i]);
    pthread_mutex_destroy(&bus->lock);
    free(bus);
}

int64_t Bus_start_wall_ms(const Bus *bus)
{
    return bus->start_wall_ms;
}

int64_t Bus_now_mono_ms(const Bus *bus)
{
    return Clock_mono_ms() - bus->start_mono_ms;
}

static int BusQueue_open_pipe(BusQueue *q)
{
    if (pipe(q->wake) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(q->wake[i], F_SETFL, fcntl(q->wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(q->wake[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

BusQueue *Bus_attach(Bus *bus, int with_wake_fd)
{
    BusQueue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->wake[0] = q->wake[1] = -1;
    q->cap = 256;
    q->ring = calloc(q->cap, sizeof *q->ring);
    if (!q->ring || (with_wake_fd && BusQueue_open_pipe(q) != 0)) {
        free(q->ring);
        free(q);
        return NULL;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    pthread_mutex_lock(&bus->lock);
    if (bus->nqueues == BUS_MAX_QUEUES) {
        pthread_mutex_unlock(&bus->lock);
        BusQueue_free(q);
        return NULL;
    }
    bus->queues[bus->nqueues++] = q;
    pthread_mutex_unlock(&bus->lock);
    return q;
}

void Bus_detach(Bus *bus, BusQueue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&bus->lock);
    for (size_t i = 0; i < bus->nqueues; i++) {
        if (bus->queues[i] != q)
            continue;
        bus->queues[i] = bus->queues[--bus->nqueues];
        break;
    }
    pthread_mutex_unlock(&bus->lock);
    BusQueue_free(q);
}

/* Doubles the ring, unrolling it so head is 0 again. Called with q->lock held. */
static bool BusQueue_grow(BusQueue *q)
{
    size_t cap = q->cap * 2;
    Event *ring = malloc(cap * sizeof *ring);
    if (!ring)
        return false;
    for (size_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) % q->cap];
    free(q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return true;
}

static void BusQueue_push(BusQueue *q, const Event *ev)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->cap && !BusQueue_grow(q)) {
        /* Out of memory: overwrite the oldest rather than block a probe. */
        q->head = (q->head + 1) % q->cap;
        q->count--;
    }
    q->ring[(q->head + q->count) % q->cap] = *ev;
    bool was_empty = q->count++ == 0;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
    if (was_empty && q->wake[1] >= 0) {
        char byte = 1;
        /* A full pipe already means "wake up": EAGAIN is fine. */
        ssize_t n = write(q->wake[1], &byte, 1);
        (void)n;
    }
}

void Bus_post(Bus *bus, const Event *ev)
{
    Event stamped = *ev;
    /* Stamped and queued under one lock so every consumer sees the same
     * order, and in time order: the recording must be the sequence the
     * screen folded, or a replay could fold an alarm the UI raised in answer
     * to an event before that event. */
    pthread_mutex_lock(&bus->lock);
    if (stamped.wall_ms == 0)
        stamped.wall_ms = Clock_wall_ms();
    if (stamped.mono_ms == 0)
        stamped.mono_ms = Clock_mono_ms() - bus->start_mono_ms;
    for (size_t i = 0; i < bus->nqueues; i++)
        BusQueue_push(bus->queues[i], &stamped);
    pthread_mutex_unlock(&bus->lock);
}

void Bus_post_log(Bus *bus, LogLevel level, const char *who, const char *fmt, ...)
{
    Event ev;
    char text[EVENT_TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    Redact_apply(text, sizeof text);
    Event_log(&ev, level, who, "%s", text);
    Bus_post(bus, &ev);
}

void Bus_close(Bus *bus)
{
    pthread_mutex_lock(&bus->lock);
    for (size_t i = 0; i < bus->nqueues; i++) {
        BusQueue *q = bus->queues[i];
        pthread_mutex_lock(&q->lock);
        q->closed = true;
        pthread_cond_broadcast(&q->ready);
        pthread_mutex_unlock(&q->lock);
    }
    pthread_mutex_unlock(&bus->lock);
}

int BusQueue_fd(const BusQueue *q)
{
    return q->wake[0];
}

static void BusQueue_drain_pipe(BusQueue *q)
{
    char buf[64];
    if (q->wake[0] < 0)
        return;
    while (read(q->wake[0], buf, sizeof buf) > 0)
        ;
}

/* Called with q->lock held. */
static size_t BusQueue_pop(BusQueue *q, Event *out, size_t max)
{
    size_t n = 0;
    while (n < max && q->count > 0) {
        out[n++] = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
    }
    return n;
}

size_t BusQueue_take(BusQueue *q, Event *out, size_t max)
{
    BusQueue_drain_pipe(q);
    pthread_mutex_lock(&q->lock);
    size_t n = BusQueue_pop(q, out, max);
    bool more = q->count > 0;
    pthread_mutex_unlock(&q->lock);
    if (more && q->wake[1] >= 0) {
        char byte = 1;
        ssize_t w = write(q->wake[1], &byte, 1);
        (void)w;
    }
    return n;
}

size_t BusQueue_wait(BusQueue *q, Event *out, size_t max, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ms >= 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed) {
        int rc = timeout_ms < 0 ? pthread_cond_wait(&q->ready, &q->lock)
                                : pthread_cond_timedwait(&q->ready, &q->lock, &deadline);
        if (rc == ETIMEDOUT)
            break;
    }
    size_t n = BusQueue_pop(q, out, max);
    pthread_mutex_unlock(&q->lock);
    return n;
}
