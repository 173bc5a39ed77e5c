#include "panels/format.h"

#include <math.h>
#include <stdio.h>

void Format_seconds(double s, char *buf, size_t size)
{
    if (isnan(s))
        snprintf(buf, size, "-");
    else if (fabs(s) < 1.0)
        snprintf(buf, size, "%.0f ms", s * 1000.0);
    else if (fabs(s) < 60.0)
        snprintf(buf, size, "%.2f s", s);
    else
        snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60.0));
}

void Format_count(double v, char *buf, size_t size)
{
    double a = fabs(v);
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (a >= 1e9)
        snprintf(buf, size, "%.2fG", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, size, "%.2fM", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, size, "%.1fk", v / 1e3);
    else if (a >= 100 || v == floor(v))
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.1f", v);
}

void Format_bytes(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, "-");
    else if (v < 1024)
        snprintf(buf, size, "%.0f B", v);
    else if (v < 1024.0 * 1024)
        snprintf(buf, size, "%.1f KB", v / 1024);
    else if (v < 1024.0 * 1024 * 1024)
        snprintf(buf, size, "%.2f MB", v / (1024.0 * 1024));
    else
        snprintf(buf, size, "%.2f GB", v / (1024.0 * 1024 * 1024));
}

void Format_ms(double ms, char *buf, size_t size)
{
    if (isnan(ms))
        snprintf(buf, size, "-");
    else if (ms < 10)
        snprintf(buf, size, "%.2f", ms);
    else if (ms < 100)
        snprintf(buf, size, "%.1f", ms);
    else
        snprintf(buf, size, "%.0f", ms);
}

void Format_age(int64_t age_ms, char *buf, size_t size)
{
    if (age_ms == INT64_MAX)
        snprintf(buf, size, "never");
    else if (age_ms < 1500)
        snprintf(buf, size, "now");
    else if (age_ms < 120000)
        snprintf(buf, size, "%llds ago", (long long)(age_ms / 1000));
    else
        snprintf(buf, size, "%lldm ago", (long long)(age_ms / 60000));
}
