#include "replay/timearg.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/clock.h"

#define DAY_MS 86400000LL

static const char *const TIMEARG_FORMS =
    "expected a UTC time (2026-11-21T00:30:08Z), a time of day on the recorded day (00:30:08) "
    "or an offset from the start (+8s, +1m30s)";

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so no time zone or libc can get in the way. */
static int64_t TimeArg_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int TimeArg_month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Exactly n digits at *p. */
static bool TimeArg_fixed(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int TimeArg_fail(char *err, size_t errsize, const char *text, const char *why)
{
    snprintf(err, errsize, "bad time \"%s\": %s", text, why);
    return -1;
}

/* HH:MM[:SS[.mmm]] at *p into ms since midnight. */
static int TimeArg_clock(const char **p, const char *text, int64_t *ms, char *err, size_t errsize)
{
    int h, m, s = 0, frac = 0;
    char why[96];
    if (!TimeArg_fixed(p, 2, &h) || *(*p)++ != ':' || !TimeArg_fixed(p, 2, &m))
        return TimeArg_fail(err, errsize, text, TIMEARG_FORMS);
    if (**p == ':' && (++*p, !TimeArg_fixed(p, 2, &s)))
        return TimeArg_fail(err, errsize, text, "the seconds need two digits (00:30:08)");
    if (**p == '.') {
        int digits = 0;
        for (++*p; **p >= '0' && **p <= '9'; ++*p, digits++)
            if (digits < 3)
                frac = frac * 10 + (**p - '0');
        if (digits == 0 || digits > 3)
            return TimeArg_fail(err, errsize, text, "milliseconds take 1 to 3 digits (.123)");
        for (; digits < 3; digits++)
            frac *= 10;
    }
    if (h > 23 || m > 59 || s > 59) {
        snprintf(why, sizeof why, "%s %d is out of range (%s)",
                 h > 23   ? "hour"
                 : m > 59 ? "minute"
                          : "second",
                 h > 23   ? h
                 : m > 59 ? m
                          : s,
                 h > 23 ? "00-23" : "00-59");
        return TimeArg_fail(err, errsize, text, why);
    }
    *ms = ((h * 60LL + m) * 60 + s) * 1000 + frac;
    return 0;
}

static int TimeArg_utc(const char *text, int64_t *out, char *err, size_t errsize)
{
    const char *p = text;
    int y, mo, d;
    char why[96];
    if (!TimeArg_fixed(&p, 4, &y) || *p++ != '-' || !TimeArg_fixed(&p, 2, &mo) || *p++ != '-' ||
        !TimeArg_fixed(&p, 2, &d) || *p++ != 'T')
        return TimeArg_fail(err, errsize, text, TIMEARG_FORMS);
    if (mo < 1 || mo > 12 || d < 1 || d > TimeArg_month_days(y, mo)) {
        snprintf(why, sizeof why, "%s is not a date", mo < 1 || mo > 12 ? "the month" : "the day");
        return TimeArg_fail(err, errsize, text, why);
    }
    int64_t ms;
    if (TimeArg_clock(&p, text, &ms, err, errsize) != 0)
        return -1;
    if (*p != 'Z')
        return TimeArg_fail(err, errsize, text,
                            *p ? "unexpected text after the time (times are UTC and end in Z)"
                               : "add Z: times are UTC (2026-11-21T00:30:08Z)");
    if (p[1])
        return TimeArg_fail(err, errsize, text, "unexpected text after the Z");
    *out = TimeArg_days(y, mo, d) * DAY_MS + ms;
    return 0;
}

static int TimeArg_time_of_day(const char *text, int64_t start_ms, int64_t end_ms, int64_t *out,
                               char *err, size_t errsize)
{
    const char *p = text;
    int64_t ms;
    if (TimeArg_clock(&p, text, &ms, err, errsize) != 0)
        return -1;
    if (*p)
        return TimeArg_fail(err, errsize, text, TIMEARG_FORMS);
    int64_t day = start_ms - ((start_ms % DAY_MS) + DAY_MS) % DAY_MS;
    int64_t t = day + ms;
    if (t < start_ms && end_ms >= day + DAY_MS)
        t += DAY_MS; /* after midnight on a night that crosses it */
    *out = t;
    return 0;
}

/* One "<number><unit>" of an offset. Returns the unit's rank (0 h .. 3 ms)
 * or -1 after writing the error. */
static int TimeArg_component(const char **p, const char *text, double *ms, char *err,
                             size_t errsize)
{
    static const struct {
        const char *name;
        double ms;
    } units[] = {{"h", 3600000.0}, {"ms", 1.0}, {"m", 60000.0}, {"s", 1000.0}};
    static const int rank[] = {0, 3, 1, 2};
    char why[128];
    const char *start = *p;
    double v = 0, scale = 0;
    for (; (**p >= '0' && **p <= '9') || (**p == '.' && scale == 0); ++*p) {
        if (**p == '.')
            scale = 1;
        else if (scale > 0)
            v += (**p - '0') * (scale /= 10);
        else
            v = v * 10 + (**p - '0');
    }
    if (*p == start || (*p - start == 1 && *start == '.'))
        return TimeArg_fail(err, errsize, text, "an offset is numbers with units, e.g. +1m30s");
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strncmp(*p, units[i].name, strlen(units[i].name)) == 0) {
            *p += strlen(units[i].name);
            *ms = v * units[i].ms;
            return rank[i];
        }
    if (**p == '\0')
        snprintf(why, sizeof why, "%.*s needs a unit (h, m, s or ms), e.g. +%.*ss",
                 (int)(*p - start), start, (int)(*p - start), start);
    else
        snprintf(why, sizeof why, "unknown unit \"%.8s\" (use h, m, s or ms)", *p);
    return TimeArg_fail(err, errsize, text, why);
}

static int TimeArg_offset(const char *text, const char *p, int64_t start_ms, int64_t *out,
                          char *err, size_t errsize)
{
    double total = 0;
    int last = -1;
    if (!*p)
        return TimeArg_fail(err, errsize, text, "nothing after the +; write e.g. +8s or +1m30s");
    while (*p) {
        double ms;
        int rank = TimeArg_component(&p, text, &ms, err, errsize);
        if (rank < 0)
            return -1;
        if (rank <= last)
            return TimeArg_fail(err, errsize, text,
                                "units go from hours down to milliseconds, each once (+1h2m3s)");
        last = rank;
        total += ms;
    }
    if (total > 1e13)
        return TimeArg_fail(err, errsize, text, "the offset is too large");
    *out = start_ms + (int64_t)(total + 0.5);
    return 0;
}

int TimeArg_parse(const char *text, int64_t start_ms, int64_t end_ms, int64_t *out, char *err,
                  size_t errsize)
{
    const char *p = text;
    if (*p == 'T' && p[1] == '+')
        p++;
    if (*p == '+')
        return TimeArg_offset(text, p + 1, start_ms, out, err, errsize);
    if (*p == '-' || (*p == 'T' && p[1] == '-'))
        return TimeArg_fail(err, errsize, text,
                            "offsets count forward from the start of the recording (+8s)");
    if (strlen(text) >= 11 && text[4] == '-')
        return TimeArg_utc(text, out, err, errsize);
    if (*text == '\0')
        return TimeArg_fail(err, errsize, text, TIMEARG_FORMS);
    return TimeArg_time_of_day(text, start_ms, end_ms, out, err, errsize);
}

int TimeArg_check(const char *text, int64_t t, int64_t start_ms, int64_t end_ms, char *err,
                  size_t errsize)
{
    char when[32], span[32];
    if (t >= start_ms && t <= end_ms)
        return 0;
    Clock_format_utc(t < start_ms ? start_ms : end_ms, when, sizeof when);
    Clock_format_duration(end_ms - start_ms, span, sizeof span);
    if (t < start_ms)
        snprintf(err, errsize, "time \"%s\" is before the recording starts (%s)", text, when);
    else
        snprintf(err, errsize, "time \"%s\" is after the recording ends (%s, T+%s)", text, when,
                 span);
    return -1;
}
