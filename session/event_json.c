/* The session file is written thousands of lines a minute, so formatting is
 * done by hand into the caller's buffer (no allocation, no json-c objects);
 * parsing, which has to survive any garbage, uses json-c. */
#include "session/event_json.h"

#include <json-c/json.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bounded writer: once it overflows, everything after is ignored and the
 * caller sees the overflow at the end. */
typedef struct Out {
    char *buf;
    size_t size, len;
    bool overflow;
} Out;

static void Out_bytes(Out *o, const char *s, size_t n)
{
    if (o->overflow || o->len + n >= o->size) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void Out_str(Out *o, const char *s)
{
    Out_bytes(o, s, strlen(s));
}

static void Out_int(Out *o, long long v)
{
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", v);
    Out_bytes(o, num, (size_t)n);
}

/* The length of the valid UTF-8 sequence at s, or 0 when it is not one
 * (a field cut in the middle of a character, or Latin-1 from a server). */
static size_t EventJson_utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned min;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0)
        n = 2, min = 0x80, cp = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3, min = 0x800, cp = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0)
        n = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* A JSON string: quotes, backslashes and control characters escaped, valid
 * UTF-8 passed through, invalid bytes replaced by U+FFFD so every line stays
 * readable by any JSON parser (replay, the HTML report, jq). */
static void Out_json_string(Out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    Out_bytes(o, "\"", 1);
    while (*p) {
        size_t run = 0;
        while (p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
            run++;
        Out_bytes(o, (const char *)p, run);
        p += run;
        if (!*p)
            break;
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            Out_bytes(o, esc, 2);
            p++;
        } else if (*p < 0x20) {
            const char *named = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : NULL;
            char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            Out_str(o, named ? named : esc);
            p++;
        } else {
            size_t n = EventJson_utf8_len(p);
            if (n == 0) {
                Out_str(o, "\\ufffd");
                p++;
            } else {
                Out_bytes(o, (const char *)p, n);
                p += n;
            }
        }
    }
    Out_bytes(o, "\"", 1);
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void EventJson_init_locale(void)
{
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* The shortest of %.15g/%.16g/%.17g that reads back to the same double, in
 * the C locale whatever the console's LC_NUMERIC (a decimal comma would not
 * be JSON). Non-finite values are not JSON either: they are written null. */
static void Out_double(Out *o, double v)
{
    if (!isfinite(v)) {
        Out_str(o, "null");
        return;
    }
    pthread_once(&c_locale_once, EventJson_init_locale);
    locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
    char num[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, v);
        if (strtod(num, NULL) == v)
            break;
    }
    if (c_locale)
        uselocale(old);
    Out_str(o, num);
}

static void Out_field_string(Out *o, const char *name, const char *value)
{
    if (!*value)
        return;
    Out_str(o, name);
    Out_json_string(o, value);
}

int EventJson_format(const Event *ev, char *buf, size_t size)
{
    const char *kind = Event_kind_name(ev->kind);
    if (!kind || size == 0)
        return -1;
    Out o = {.buf = buf, .size = size};
    Out_str(&o, "{\"t\":");
    Out_int(&o, ev->wall_ms);
    Out_str(&o, ",\"m\":");
    Out_int(&o, ev->mono_ms);
    Out_str(&o, ",\"k\":\"");
    Out_str(&o, kind);
    Out_str(&o, "\"");
    Out_field_string(&o, ",\"key\":", ev->key);
    /* A value of 0 is only written when it is one (has_value): a text-only
     * sample has none, and parsing sets has_value from "v" being present. */
    if (ev->has_value || ev->value != 0) {
        Out_str(&o, ",\"v\":");
        Out_double(&o, ev->value);
    }
    if (ev->value2 != 0) {
        Out_str(&o, ",\"v2\":");
        Out_double(&o, ev->value2);
    }
    if (ev->state != 0) {
        Out_str(&o, ",\"s\":");
        Out_int(&o, ev->state);
    }
    Out_field_string(&o, ",\"o\":", ev->origin);
    Out_field_string(&o, ",\"x\":", ev->text);
    Out_str(&o, "}");
    if (o.overflow)
        return -1;
    buf[o.len] = '\0';
    return (int)o.len;
}

/* ---- parsing ---- */

static int EventJson_fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int EventJson_fail(char *err, size_t errsize, const char *fmt, ...)
{
    if (err && errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsize, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool EventJson_is_number(struct json_object *v)
{
    json_type t = json_object_get_type(v);
    return t == json_type_double || t == json_type_int;
}

/* Reads an optional string member into a fixed field (cut to fit). */
static int EventJson_string(struct json_object *obj, const char *name, char *dst, size_t n,
                            char *err, size_t errsize)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return EventJson_fail(err, errsize, "\"%s\" is not a string", name);
    Event_copy_field(dst, n, json_object_get_string(v));
    return 0;
}

/* Reads an optional number; null stands for a non-finite value. */
static int EventJson_double(struct json_object *obj, const char *name, double *dst, bool *present,
                            char *err, size_t errsize)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (v == NULL)
        *dst = NAN;
    else if (EventJson_is_number(v))
        *dst = json_object_get_double(v);
    else
        return EventJson_fail(err, errsize, "\"%s\" is not a number", name);
    if (present)
        *present = true;
    return 0;
}

static int EventJson_int(struct json_object *obj, const char *name, bool required, int64_t *dst,
                         char *err, size_t errsize)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, name, &v))
        return required ? EventJson_fail(err, errsize, "missing \"%s\"", name) : 0;
    if (!json_object_is_type(v, json_type_int))
        return EventJson_fail(err, errsize, "\"%s\" is not an integer", name);
    *dst = json_object_get_int64(v);
    return 0;
}

static int EventJson_kind(struct json_object *obj, Event *ev, char *err, size_t errsize)
{
    struct json_object *v;
    if (!json_object_object_get_ex(obj, "k", &v))
        return EventJson_fail(err, errsize, "missing \"%s\"", "k");
    if (!json_object_is_type(v, json_type_string))
        return EventJson_fail(err, errsize, "\"%s\" is not a string", "k");
    int kind = Event_kind_parse(json_object_get_string(v));
    if (kind < 0)
        return EventJson_fail(err, errsize, "unknown event kind \"%.60s\"",
                              json_object_get_string(v));
    ev->kind = (EventKind)kind;
    return 0;
}

static int EventJson_fields(struct json_object *obj, Event *ev, char *err, size_t errsize)
{
    int64_t state = 0;
    if (EventJson_int(obj, "t", true, &ev->wall_ms, err, errsize) != 0 ||
        EventJson_kind(obj, ev, err, errsize) != 0 ||
        EventJson_int(obj, "m", false, &ev->mono_ms, err, errsize) != 0 ||
        EventJson_int(obj, "s", false, &state, err, errsize) != 0 ||
        EventJson_double(obj, "v", &ev->value, &ev->has_value, err, errsize) != 0 ||
        EventJson_double(obj, "v2", &ev->value2, NULL, err, errsize) != 0 ||
        EventJson_string(obj, "key", ev->key, sizeof ev->key, err, errsize) != 0 ||
        EventJson_string(obj, "o", ev->origin, sizeof ev->origin, err, errsize) != 0 ||
        EventJson_string(obj, "x", ev->text, sizeof ev->text, err, errsize) != 0)
        return -1;
    if (state < INT32_MIN || state > INT32_MAX)
        return EventJson_fail(err, errsize, "\"%s\" is out of range", "s");
    ev->state = (int)state;
    return 0;
}

/* Only trailing white space may follow the object (a line read with its
 * newline, or a Windows CR). */
static bool EventJson_only_space(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s == '\0';
}

int EventJson_parse(const char *line, Event *ev, char *err, size_t errsize)
{
    memset(ev, 0, sizeof *ev);
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return EventJson_fail(err, errsize, "%s", "out of memory");
    size_t len = strlen(line);
    struct json_object *obj =
        json_tokener_parse_ex(tok, line, (int)(len > INT32_MAX ? INT32_MAX : len));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int rc = -1;
    if (!obj)
        EventJson_fail(err, errsize, "not valid JSON (%s)",
                       jerr == json_tokener_continue ? "the line ends early"
                                                     : json_tokener_error_desc(jerr));
    else if (!EventJson_only_space(line + used))
        EventJson_fail(err, errsize, "%s", "text after the JSON object");
    else if (!json_object_is_type(obj, json_type_object))
        EventJson_fail(err, errsize, "%s", "not a JSON object");
    else
        rc = EventJson_fields(obj, ev, err, errsize);
    json_object_put(obj);
    if (rc != 0)
        memset(ev, 0, sizeof *ev);
    return rc;
}
