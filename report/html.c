#include "report/html.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

int Html_utf8_length(const unsigned char *s)
{
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] >= 0xF5)
        return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* Overlong three- and four-byte forms and UTF-16 surrogates. */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

static bool Html_escape_char(FILE *out, unsigned char c)
{
    switch (c) {
    case '&': fputs("&amp;", out); return true;
    case '<': fputs("&lt;", out); return true;
    case '>': fputs("&gt;", out); return true;
    case '"': fputs("&quot;", out); return true;
    case '\'': fputs("&#39;", out); return true;
    default: return false;
    }
}

void Html_text(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        if (*s < 0x80) {
            if (!Html_escape_char(out, *s) && (*s >= 0x20 || *s == '\n' || *s == '\t') &&
                *s != 0x7F)
                fputc(*s, out);
            s++;
            continue;
        }
        int n = Html_utf8_length(s);
        if (n == 0) {
            fputs("\xEF\xBF\xBD", out); /* U+FFFD for a byte that is not UTF-8 */
            s++;
            continue;
        }
        fwrite(s, 1, (size_t)n, out);
        s += n;
    }
}

void Html_textf(FILE *out, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    Html_text(out, buf);
}

void Html_utc(FILE *out, int64_t wall_ms)
{
    if (wall_ms < 0)
        wall_ms = 0;
    time_t secs = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    fprintf(out, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
            tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(wall_ms % 1000));
}

void Html_duration(FILE *out, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 60000)
        fprintf(out, "%lld.%03lld&nbsp;s", (long long)(ms / 1000), (long long)(ms % 1000));
    else if (ms < 3600000)
        fprintf(out, "%lld&nbsp;min %lld.%01lld&nbsp;s", (long long)(ms / 60000),
                (long long)(ms / 1000 % 60), (long long)(ms / 100 % 10));
    else
        fprintf(out, "%lld&nbsp;h %02lld&nbsp;min", (long long)(ms / 3600000),
                (long long)(ms / 60000 % 60));
}

void Html_offset(FILE *out, int64_t ms)
{
    const char *sign = ms < 0 ? "-" : "+";
    if (ms < 0)
        ms = -ms;
    fprintf(out, "T%s%lld:%02lld:%02lld.%03lld", sign, (long long)(ms / 3600000),
            (long long)(ms / 60000 % 60), (long long)(ms / 1000 % 60), (long long)(ms % 1000));
}
