#include "lib/clock.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

static int64_t Clock_read_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t Clock_wall_ms(void)
{
    return Clock_read_ns(CLOCK_REALTIME) / 1000000LL;
}

int64_t Clock_mono_ms(void)
{
    return Clock_read_ns(CLOCK_MONOTONIC) / 1000000LL;
}

struct timespec Clock_mono_deadline(int64_t ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (ms < 0)
        ms = 0;
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

int64_t Clock_mono_us(void)
{
    return Clock_read_ns(CLOCK_MONOTONIC) / 1000LL;
}

double Clock_wall_s(void)
{
    return (double)Clock_read_ns(CLOCK_REALTIME) / 1e9;
}

double Clock_mono_s(void)
{
    return (double)Clock_read_ns(CLOCK_MONOTONIC) / 1e9;
}

static void Clock_split(int64_t wall_ms, struct tm *tm, int *millis)
{
    time_t secs = (time_t)(wall_ms / 1000);
    *millis = (int)(wall_ms % 1000);
    if (*millis < 0) {
        *millis += 1000;
        secs -= 1;
    }
    gmtime_r(&secs, tm);
}

void Clock_format_utc(int64_t wall_ms, char *buf, size_t size)
{
    struct tm tm;
    int millis;
    Clock_split(wall_ms, &tm, &millis);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

void Clock_format_hms(int64_t wall_ms, char *buf, size_t size)
{
    struct tm tm;
    int millis;
    Clock_split(wall_ms, &tm, &millis);
    snprintf(buf, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void Clock_format_duration(int64_t ms, char *buf, size_t size)
{
    const char *sign = ms < 0 ? "-" : "";
    if (ms < 0)
        ms = -ms;
    if (ms < 60000)
        snprintf(buf, size, "%s%lld.%03llds", sign, (long long)(ms / 1000), (long long)(ms % 1000));
    else if (ms < 3600000)
        snprintf(buf, size, "%s%lldm%02lld.%01llds", sign, (long long)(ms / 60000),
                 (long long)(ms / 1000 % 60), (long long)(ms % 1000 / 100));
    else
        snprintf(buf, size, "%s%lldh%02lldm%02llds", sign, (long long)(ms / 3600000),
                 (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60));
}

void Clock_sleep_ms(int64_t ms)
{
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

bool Clock_sleep_unless(const atomic_bool *cancel, int64_t ms)
{
    int64_t end = Clock_mono_us() + ms * 1000;
    while (!(cancel && atomic_load(cancel))) {
        int64_t left = end - Clock_mono_us();
        if (left <= 0)
            return false;
        struct timespec ts = {0, (long)((left > 5000 ? 5000 : left) * 1000)};
        nanosleep(&ts, NULL);
    }
    return true;
}
