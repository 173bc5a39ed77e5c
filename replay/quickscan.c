#include "replay/quickscan.h"

#include <string.h>

typedef struct Cursor {
    const char *p, *end;
} Cursor;

static bool Cursor_lit(Cursor *c, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool Cursor_is_digit(const Cursor *c)
{
    return c->p < c->end && *c->p >= '0' && *c->p <= '9';
}

/* 1 to max digits, no leading zero; returns how many, 0 when none or too
 * many (then the caller is not sure). */
static int Cursor_digits(Cursor *c, int max, int64_t *value)
{
    int n = 0;
    int64_t v = 0;
    const char *first = c->p;
    while (Cursor_is_digit(c)) {
        if (++n > max)
            return 0;
        v = v * 10 + (*c->p++ - '0');
    }
    if (n > 1 && *first == '0')
        return 0;
    if (value)
        *value = v;
    return n;
}

/* A JSON integer of at most max digits. */
static bool Cursor_int(Cursor *c, int max, int64_t *value)
{
    bool neg = Cursor_lit(c, "-");
    if (!Cursor_digits(c, max, value))
        return false;
    if (neg)
        *value = -*value;
    return true;
}

/* A JSON number (or null) small enough that json-c reads it as a finite
 * double or an int64 without argument. */
static bool Cursor_number(Cursor *c)
{
    if (Cursor_lit(c, "null"))
        return true;
    Cursor_lit(c, "-");
    if (!Cursor_digits(c, 15, NULL))
        return false;
    if (Cursor_lit(c, ".")) {
        int n = 0;
        while (Cursor_is_digit(c) && n <= 20)
            c->p++, n++;
        if (n == 0 || n > 20)
            return false;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
            c->p++;
        int n = 0;
        while (Cursor_is_digit(c) && n <= 2)
            c->p++, n++;
        if (n == 0 || n > 2)
            return false;
    }
    return true;
}

/* A JSON string of printable ASCII with simple escapes; the span inside the
 * quotes is returned. \u escapes and non-ASCII bytes are left to json-c. */
static bool Cursor_string(Cursor *c, const char **s, size_t *len, bool *escaped)
{
    if (!Cursor_lit(c, "\""))
        return false;
    const char *start = c->p;
    *escaped = false;
    while (c->p < c->end && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        if (ch < 0x20 || ch >= 0x7f)
            return false;
        if (ch == '\\') {
            if (c->p + 1 >= c->end || !strchr("\"\\/bfnrt", c->p[1]) || c->p[1] == '\0')
                return false;
            *escaped = true;
            c->p++;
        }
        c->p++;
    }
    if (c->p >= c->end)
        return false;
    *s = start;
    *len = (size_t)(c->p - start);
    c->p++;
    return true;
}

static bool QuickScan_kind(Cursor *c, QuickEvent *q)
{
    const char *name;
    size_t len;
    bool escaped;
    if (!Cursor_lit(c, ",\"k\":") || !Cursor_string(c, &name, &len, &escaped) || escaped)
        return false;
    for (int k = 0; k < EVENT_KIND_COUNT; k++) {
        const char *known = Event_kind_name((EventKind)k);
        if (known && strlen(known) == len && memcmp(known, name, len) == 0) {
            q->kind = (EventKind)k;
            return true;
        }
    }
    return false;
}

/* The optional members, in the order the recorder writes them. */
static bool QuickScan_members(Cursor *c, QuickEvent *q)
{
    const char *s;
    size_t len;
    bool escaped;
    int64_t state;
    if (Cursor_lit(c, ",\"key\":")) {
        if (!Cursor_string(c, &q->key, &q->key_len, &escaped) || escaped)
            return false;
        if (q->key_len > EVENT_KEY_MAX - 1)
            q->key_len = EVENT_KEY_MAX - 1; /* as Event_copy_field cuts it */
    }
    if (Cursor_lit(c, ",\"v\":")) {
        if (!Cursor_number(c))
            return false;
        q->has_value = true;
    }
    if (Cursor_lit(c, ",\"v2\":") && !Cursor_number(c))
        return false;
    if (Cursor_lit(c, ",\"s\":") && !Cursor_int(c, 9, &state))
        return false;
    if (Cursor_lit(c, ",\"o\":") && !Cursor_string(c, &s, &len, &escaped))
        return false;
    if (Cursor_lit(c, ",\"x\":") && !Cursor_string(c, &s, &len, &escaped))
        return false;
    return Cursor_lit(c, "}");
}

int QuickScan_line(const char *line, size_t len, QuickEvent *q)
{
    Cursor c = {line, line + len};
    memset(q, 0, sizeof *q);
    q->key = "";
    if (!Cursor_lit(&c, "{\"t\":") || !Cursor_int(&c, 18, &q->wall_ms) ||
        !Cursor_lit(&c, ",\"m\":") || !Cursor_int(&c, 18, &q->mono_ms) || !QuickScan_kind(&c, q) ||
        !QuickScan_members(&c, q))
        return 0;
    while (c.p < c.end && (*c.p == ' ' || *c.p == '\t' || *c.p == '\r' || *c.p == '\n'))
        c.p++;
    return c.p == c.end;
}
