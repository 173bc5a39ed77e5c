#include "plan/jsonc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Positions live in a hash table beside the json-c tree, keyed by the
 * container and the member key (or element index). json-c represents null
 * as a NULL pointer, so keying by the value itself could not place nulls. */
enum { JSONC_NO_INDEX = -1 };

typedef struct JsoncEntry {
    const void *owner; /* the containing object/array, or the value itself */
    char *key;         /* object member key; NULL for elements and values */
    long index;        /* array element index; JSONC_NO_INDEX otherwise */
    JsoncPos key_pos;
    JsoncPos pos;
} JsoncEntry;

struct JsoncDoc {
    json_object *root;
    JsoncPos root_pos;
    JsoncEntry *slots; /* open addressing; owner == NULL marks a free slot */
    size_t count;
    size_t capacity;
};

static size_t Jsonc_hash(const void *owner, const char *key, long index)
{
    uint64_t h = (uint64_t)(uintptr_t)owner * 0x9E3779B97F4A7C15ULL;
    h ^= (uint64_t)index * 0xFF51AFD7ED558CCDULL;
    for (const char *k = key; k && *k; k++)
        h = (h ^ (unsigned char)*k) * 0x100000001B3ULL;
    return (size_t)(h ^ (h >> 31));
}

static bool Jsonc_entry_is(const JsoncEntry *e, const void *owner, const char *key, long index)
{
    if (e->owner != owner || e->index != index)
        return false;
    if (!key || !e->key)
        return key == e->key;
    return strcmp(e->key, key) == 0;
}

static JsoncEntry *Jsonc_find(const JsoncDoc *doc, const void *owner, const char *key, long index)
{
    if (doc->capacity == 0 || !owner)
        return NULL;
    size_t mask = doc->capacity - 1;
    for (size_t i = Jsonc_hash(owner, key, index) & mask;; i = (i + 1) & mask) {
        JsoncEntry *e = &doc->slots[i];
        if (!e->owner)
            return NULL;
        if (Jsonc_entry_is(e, owner, key, index))
            return e;
    }
}

static void Jsonc_place(JsoncEntry *slots, size_t capacity, const JsoncEntry *entry)
{
    size_t mask = capacity - 1;
    size_t i = Jsonc_hash(entry->owner, entry->key, entry->index) & mask;
    while (slots[i].owner)
        i = (i + 1) & mask;
    slots[i] = *entry;
}

static bool Jsonc_grow(JsoncDoc *doc)
{
    if ((doc->count + 1) * 2 <= doc->capacity)
        return true;
    size_t capacity = doc->capacity ? doc->capacity * 2 : 64;
    JsoncEntry *slots = calloc(capacity, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < doc->capacity; i++) {
        if (doc->slots[i].owner)
            Jsonc_place(slots, capacity, &doc->slots[i]);
    }
    free(doc->slots);
    doc->slots = slots;
    doc->capacity = capacity;
    return true;
}

static bool Jsonc_remember(JsoncDoc *doc, const void *owner, const char *key, long index,
                           JsoncPos key_pos, JsoncPos pos)
{
    if (!owner)
        return true; /* a null value: its member or element entry places it */
    if (!Jsonc_grow(doc))
        return false;
    JsoncEntry e = {owner, NULL, index, key_pos, pos};
    if (key && !(e.key = strdup(key)))
        return false;
    Jsonc_place(doc->slots, doc->capacity, &e);
    doc->count++;
    return true;
}

typedef struct Parser {
    const char *name;
    const unsigned char *s;
    size_t len;
    size_t i;
    int line;
    int col;
    int depth;
    JsoncDoc *doc;
    char *err;
    size_t errsize;
    char *buf; /* scratch for strings and numbers */
    size_t buflen;
    size_t bufcap;
} Parser;

static JsoncPos Parser_here(const Parser *p)
{
    return (JsoncPos){p->line, p->col};
}

static bool Parser_error(Parser *p, JsoncPos at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool Parser_error(Parser *p, JsoncPos at, const char *fmt, ...)
{
    int n = snprintf(p->err, p->errsize, "%s:%d:%d: ", p->name, at.line, at.col);
    if (n >= 0 && (size_t)n < p->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool Parser_out_of_memory(Parser *p)
{
    return Parser_error(p, Parser_here(p), "out of memory");
}

static int Parser_peek(const Parser *p)
{
    return p->i < p->len ? p->s[p->i] : -1;
}

static int Parser_peek_at(const Parser *p, size_t ahead)
{
    return p->i + ahead < p->len ? p->s[p->i + ahead] : -1;
}

/* A UTF-8 continuation byte does not start a new column. */
static void Parser_advance(Parser *p)
{
    if (p->i >= p->len)
        return;
    unsigned char c = p->s[p->i++];
    if (c == '\n') {
        p->line++;
        p->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        p->col++;
    }
}

static bool Parser_is_word(int c)
{
    return c >= 0 && c < 0x80 && (isalnum(c) || c == '_' || c == '$');
}

/* Length of the valid UTF-8 sequence starting at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t Jsonc_utf8_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    }
    return n;
}

/* What sits at the current position, for "unexpected ..." messages. */
static void Parser_describe(const Parser *p, char *out, size_t size)
{
    int c = Parser_peek(p);
    if (c < 0) {
        snprintf(out, size, "end of file");
    } else if (c == 0) {
        snprintf(out, size, "NUL byte");
    } else if (Parser_is_word(c) && !isdigit(c)) {
        size_t n = 0;
        while (n < 24 && Parser_is_word(Parser_peek_at(p, n)))
            n++;
        const char *more = Parser_is_word(Parser_peek_at(p, n)) ? "..." : "";
        snprintf(out, size, "word '%.*s%s'", (int)n, (const char *)p->s + p->i, more);
    } else if (c < 0x20 || c == 0x7F) {
        snprintf(out, size, "control character 0x%02X", (unsigned)c);
    } else if (c == '\'') {
        snprintf(out, size, "single quote");
    } else if (c >= 0x80) {
        size_t n = Jsonc_utf8_length(p->s + p->i, p->len - p->i);
        if (n)
            snprintf(out, size, "character '%.*s'", (int)n, (const char *)p->s + p->i);
        else
            snprintf(out, size, "byte 0x%02X (not UTF-8)", (unsigned)c);
    } else {
        snprintf(out, size, "'%c'", c);
    }
}

static bool Parser_unexpected(Parser *p, const char *expected)
{
    char what[64];
    Parser_describe(p, what, sizeof what);
    return Parser_error(p, Parser_here(p), "unexpected %s; expected %s", what, expected);
}

static bool Parser_skip_block_comment(Parser *p)
{
    JsoncPos start = Parser_here(p);
    Parser_advance(p);
    Parser_advance(p);
    while (p->i < p->len) {
        if (Parser_peek(p) == '*' && Parser_peek_at(p, 1) == '/') {
            Parser_advance(p);
            Parser_advance(p);
            return true;
        }
        Parser_advance(p);
    }
    return Parser_error(p, start, "comment opened here is never closed; expected '*/'");
}

static bool Parser_skip_space(Parser *p)
{
    for (;;) {
        int c = Parser_peek(p);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            Parser_advance(p);
        } else if (c == '/' && Parser_peek_at(p, 1) == '/') {
            while (p->i < p->len && Parser_peek(p) != '\n')
                Parser_advance(p);
        } else if (c == '/' && Parser_peek_at(p, 1) == '*') {
            if (!Parser_skip_block_comment(p))
                return false;
        } else if (c == '/') {
            return Parser_unexpected(p, "// or /* to start a comment");
        } else {
            return true;
        }
    }
}

static bool Parser_buf_put(Parser *p, const char *bytes, size_t n)
{
    if (p->buflen + n + 1 > p->bufcap) {
        size_t cap = p->bufcap ? p->bufcap : 64;
        while (p->buflen + n + 1 > cap)
            cap *= 2;
        char *buf = realloc(p->buf, cap);
        if (!buf)
            return Parser_out_of_memory(p);
        p->buf = buf;
        p->bufcap = cap;
    }
    memcpy(p->buf + p->buflen, bytes, n);
    p->buflen += n;
    p->buf[p->buflen] = '\0';
    return true;
}

static bool Parser_put_codepoint(Parser *p, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return Parser_buf_put(p, out, n);
}

/* Reads the 4 hex digits after "\u" at the current position (on the 'u'). */
static bool Parser_hex4(Parser *p, JsoncPos at, uint32_t *out)
{
    *out = 0;
    for (size_t k = 1; k <= 4; k++) {
        int c = Parser_peek_at(p, k);
        if (c < 0 || !isxdigit(c))
            return Parser_error(p, at, "invalid \\u escape; expected \\u and 4 hex digits");
        *out = *out * 16 + (uint32_t)(isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10));
    }
    for (size_t k = 0; k < 5; k++)
        Parser_advance(p);
    return true;
}

static bool Parser_unicode_escape(Parser *p, JsoncPos at)
{
    uint32_t cp, low;
    if (!Parser_hex4(p, at, &cp))
        return false;
    if (cp == 0)
        return Parser_error(p, at, "\\u0000 is not allowed; expected text without NUL characters");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return Parser_error(p, at, "lone low surrogate \\u%04X; expected a high surrogate first",
                            (unsigned)cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        JsoncPos second = Parser_here(p);
        if (Parser_peek(p) != '\\' || Parser_peek_at(p, 1) != 'u')
            return Parser_error(p, at, "lone high surrogate \\u%04X; expected \\uDC00-\\uDFFF next",
                                (unsigned)cp);
        Parser_advance(p);
        if (!Parser_hex4(p, second, &low))
            return false;
        if (low < 0xDC00 || low > 0xDFFF)
            return Parser_error(p, second,
                                "\\u%04X after high surrogate \\u%04X; expected "
                                "\\uDC00-\\uDFFF",
                                (unsigned)low, (unsigned)cp);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    return Parser_put_codepoint(p, cp);
}

static bool Parser_escape(Parser *p)
{
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    JsoncPos at = Parser_here(p);
    Parser_advance(p);
    int c = Parser_peek(p);
    if (c == 'u')
        return Parser_unicode_escape(p, at);
    const char *hit = c > 0 ? strchr(from, c) : NULL;
    if (!hit)
        return Parser_error(p, at,
                            "invalid escape in string; expected one of \\\" \\\\ \\/ \\b "
                            "\\f \\n \\r \\t \\uXXXX");
    Parser_advance(p);
    return Parser_buf_put(p, &to[hit - from], 1);
}

static bool Parser_raw_char(Parser *p, JsoncPos start)
{
    int c = Parser_peek(p);
    if (c == '\n')
        return Parser_error(p, start,
                            "string is not closed on its line; expected '\"' (or \\n "
                            "for a line break inside it)");
    if (c < 0x20 || c == 0x7F)
        return Parser_error(p, Parser_here(p),
                            "control character 0x%02X in string; expected it "
                            "escaped (\\t, \\u00XX)",
                            (unsigned)c);
    size_t n = c < 0x80 ? 1 : Jsonc_utf8_length(p->s + p->i, p->len - p->i);
    if (n == 0)
        return Parser_error(p, Parser_here(p),
                            "invalid UTF-8 byte 0x%02X in string; expected "
                            "UTF-8 text",
                            (unsigned)c);
    if (!Parser_buf_put(p, (const char *)p->s + p->i, n))
        return false;
    for (size_t k = 0; k < n; k++)
        Parser_advance(p);
    return true;
}

/* Reads a string (at its opening quote) into p->buf. */
static bool Parser_string(Parser *p)
{
    JsoncPos start = Parser_here(p);
    p->buflen = 0;
    if (!Parser_buf_put(p, "", 0))
        return false;
    Parser_advance(p);
    for (;;) {
        int c = Parser_peek(p);
        if (c < 0)
            return Parser_error(p, start,
                                "string is never closed; expected '\"' before the end "
                                "of the file");
        if (c == '"') {
            Parser_advance(p);
            return true;
        }
        if (!(c == '\\' ? Parser_escape(p) : Parser_raw_char(p, start)))
            return false;
    }
}

static void Parser_digits(Parser *p)
{
    while (Parser_peek(p) >= '0' && Parser_peek(p) <= '9')
        Parser_advance(p);
}

static bool Parser_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Checks the JSON number grammar, leaving the token at s[start, i). */
static bool Parser_number_token(Parser *p, JsoncPos at, size_t start, bool *integral)
{
    *integral = true;
    if (Parser_peek(p) == '-')
        Parser_advance(p);
    if (!Parser_is_digit(Parser_peek(p)))
        return Parser_error(p, at, "invalid number; expected a digit after '-'");
    if (Parser_peek(p) == '0' && Parser_is_digit(Parser_peek_at(p, 1)))
        return Parser_error(p, at, "invalid number; expected no leading zeros");
    Parser_digits(p);
    if (Parser_peek(p) == '.') {
        *integral = false;
        Parser_advance(p);
        if (!Parser_is_digit(Parser_peek(p)))
            return Parser_error(p, at, "invalid number; expected a digit after '.'");
        Parser_digits(p);
    }
    if (Parser_peek(p) == 'e' || Parser_peek(p) == 'E') {
        *integral = false;
        Parser_advance(p);
        if (Parser_peek(p) == '+' || Parser_peek(p) == '-')
            Parser_advance(p);
        if (!Parser_is_digit(Parser_peek(p)))
            return Parser_error(p, at, "invalid number; expected a digit in the exponent");
        Parser_digits(p);
    }
    if (!Parser_is_word(Parser_peek(p)) && Parser_peek(p) != '.')
        return true;
    size_t end = p->i;
    while (end < p->len && end - start < 24 && (Parser_is_word(p->s[end]) || p->s[end] == '.'))
        end++;
    return Parser_error(p, at, "invalid number '%.*s'; expected a decimal number",
                        (int)(end - start), (const char *)p->s + start);
}

static bool Parser_number(Parser *p, json_object **out)
{
    JsoncPos at = Parser_here(p);
    size_t start = p->i;
    bool integral;
    if (!Parser_number_token(p, at, start, &integral))
        return false;
    p->buflen = 0;
    if (!Parser_buf_put(p, (const char *)p->s + start, p->i - start))
        return false;
    errno = 0;
    if (integral) {
        long long v = strtoll(p->buf, NULL, 10);
        if (errno == 0) {
            *out = json_object_new_int64(v);
            return *out ? true : Parser_out_of_memory(p);
        }
    }
    errno = 0;
    double d = strtod(p->buf, NULL);
    if (isinf(d) || isnan(d))
        return Parser_error(p, at,
                            "number '%.24s%s' is out of range; expected a magnitude below "
                            "1.7e308",
                            p->buf, p->buflen > 24 ? "..." : "");
    *out = json_object_new_double(d);
    return *out ? true : Parser_out_of_memory(p);
}

static bool Parser_literal(Parser *p, json_object **out)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t w = 0; w < 3; w++) {
        size_t n = strlen(words[w]);
        if (p->len - p->i >= n && memcmp(p->s + p->i, words[w], n) == 0 &&
            !Parser_is_word(Parser_peek_at(p, n))) {
            for (size_t k = 0; k < n; k++)
                Parser_advance(p);
            *out = w == 2 ? NULL : json_object_new_boolean(w == 0);
            return w == 2 || *out ? true : Parser_out_of_memory(p);
        }
    }
    return Parser_unexpected(p, "a value (strings take double quotes; true, false and null are "
                                "lower case)");
}

static bool Parser_value(Parser *p, json_object **out);

static bool Parser_enter(Parser *p)
{
    if (p->depth >= JSONC_MAX_DEPTH)
        return Parser_error(p, Parser_here(p),
                            "nesting deeper than %d levels; expected a flatter structure",
                            JSONC_MAX_DEPTH);
    p->depth++;
    Parser_advance(p);
    return Parser_skip_space(p);
}

static bool Parser_member_key(Parser *p, json_object *obj, char **key, JsoncPos *at)
{
    *at = Parser_here(p);
    if (Parser_peek(p) != '"')
        return Parser_unexpected(p, "a key in double quotes");
    if (!Parser_string(p))
        return false;
    JsoncEntry *first = Jsonc_find(p->doc, obj, p->buf, JSONC_NO_INDEX);
    if (first)
        return Parser_error(p, *at,
                            "duplicate key \"%.64s\" (first at %d:%d); expected each key "
                            "once per object",
                            p->buf, first->key_pos.line, first->key_pos.col);
    if (!(*key = strdup(p->buf)))
        return Parser_out_of_memory(p);
    if (!Parser_skip_space(p))
        return false;
    if (Parser_peek(p) != ':') {
        char what[64];
        Parser_describe(p, what, sizeof what);
        return Parser_error(p, Parser_here(p), "unexpected %s after key \"%.64s\"; expected ':'",
                            what, *key);
    }
    Parser_advance(p);
    return Parser_skip_space(p);
}

static bool Parser_member(Parser *p, json_object *obj)
{
    char *key = NULL;
    JsoncPos key_at, value_at;
    json_object *value = NULL;
    bool ok = Parser_member_key(p, obj, &key, &key_at);
    if (ok) {
        value_at = Parser_here(p);
        ok = Parser_value(p, &value);
    }
    if (ok && json_object_object_add(obj, key, value) != 0) {
        json_object_put(value);
        ok = Parser_out_of_memory(p);
    }
    if (ok && !Jsonc_remember(p->doc, obj, key, JSONC_NO_INDEX, key_at, value_at))
        ok = Parser_out_of_memory(p);
    free(key);
    return ok;
}

/* Consumes the closing bracket of the container being read. */
static void Parser_close(Parser *p, bool *done)
{
    Parser_advance(p);
    p->depth--;
    *done = true;
}

/* Shared by objects and arrays: what follows a member/element. Sets *done
 * on the closing bracket. A comma before the closing bracket is allowed, so
 * that commenting out the last line of a list does not break the file. */
static bool Parser_separator(Parser *p, int close, JsoncPos open, bool *done)
{
    if (!Parser_skip_space(p))
        return false;
    int c = Parser_peek(p);
    *done = false;
    if (c == close) {
        Parser_close(p, done);
        return true;
    }
    if (c == ',') {
        Parser_advance(p);
        if (!Parser_skip_space(p))
            return false;
        if (Parser_peek(p) == close)
            Parser_close(p, done);
        return true;
    }
    char expected[96];
    snprintf(expected, sizeof expected, "',' or '%c' (the %s opened at %d:%d)%s", close,
             close == '}' ? "object" : "array", open.line, open.col,
             c == '"' ? "; is a comma missing?" : "");
    return Parser_unexpected(p, expected);
}

static bool Parser_object(Parser *p, json_object **out)
{
    JsoncPos open = Parser_here(p);
    json_object *obj = json_object_new_object();
    if (!obj)
        return Parser_out_of_memory(p);
    bool ok = Parser_enter(p);
    bool done = false;
    if (ok && Parser_peek(p) == '}')
        Parser_close(p, &done);
    else if (ok && Parser_peek(p) != '"')
        ok = Parser_unexpected(p, "a key in double quotes or '}'");
    while (ok && !done)
        ok = Parser_member(p, obj) && Parser_separator(p, '}', open, &done);
    if (!ok)
        json_object_put(obj);
    *out = ok ? obj : NULL;
    return ok;
}

static bool Parser_element(Parser *p, json_object *arr)
{
    JsoncPos at = Parser_here(p);
    json_object *value = NULL;
    if (!Parser_value(p, &value))
        return false;
    size_t index = json_object_array_length(arr);
    if (json_object_array_add(arr, value) != 0) {
        json_object_put(value);
        return Parser_out_of_memory(p);
    }
    if (!Jsonc_remember(p->doc, arr, NULL, (long)index, at, at))
        return Parser_out_of_memory(p);
    return true;
}

static bool Parser_array(Parser *p, json_object **out)
{
    JsoncPos open = Parser_here(p);
    json_object *arr = json_object_new_array();
    if (!arr)
        return Parser_out_of_memory(p);
    bool ok = Parser_enter(p);
    bool done = false;
    if (ok && Parser_peek(p) == ']')
        Parser_close(p, &done);
    while (ok && !done)
        ok = Parser_element(p, arr) && Parser_separator(p, ']', open, &done);
    if (!ok)
        json_object_put(arr);
    *out = ok ? arr : NULL;
    return ok;
}

static bool Parser_string_value(Parser *p, json_object **out)
{
    if (!Parser_string(p))
        return false;
    if (p->buflen > INT32_MAX)
        return Parser_error(p, Parser_here(p), "string too long; expected under 2 GiB");
    *out = json_object_new_string_len(p->buf, (int)p->buflen);
    return *out ? true : Parser_out_of_memory(p);
}

/* Parses one value at the current position (after any space). */
static bool Parser_value(Parser *p, json_object **out)
{
    JsoncPos at = Parser_here(p);
    int c = Parser_peek(p);
    bool ok;
    *out = NULL;
    if (c == '{')
        ok = Parser_object(p, out);
    else if (c == '[')
        ok = Parser_array(p, out);
    else if (c == '"')
        ok = Parser_string_value(p, out);
    else if (c == '-' || Parser_is_digit(c))
        ok = Parser_number(p, out);
    else if (Parser_is_word(c))
        ok = Parser_literal(p, out);
    else if (c == '\'')
        ok = Parser_unexpected(p, "a value (strings take double quotes)");
    else
        ok = Parser_unexpected(p, "a value");
    if (ok && !Jsonc_remember(p->doc, *out, NULL, JSONC_NO_INDEX, at, at)) {
        json_object_put(*out);
        *out = NULL;
        ok = Parser_out_of_memory(p);
    }
    return ok;
}

static void Parser_skip_bom(Parser *p)
{
    if (p->len >= 3 && memcmp(p->s, "\xEF\xBB\xBF", 3) == 0)
        p->i = 3;
}

static bool Parser_document(Parser *p)
{
    Parser_skip_bom(p);
    if (!Parser_skip_space(p))
        return false;
    if (Parser_peek(p) < 0)
        return Parser_error(p, Parser_here(p), "the file holds no value; expected a JSON value");
    p->doc->root_pos = Parser_here(p);
    if (!Parser_value(p, &p->doc->root) || !Parser_skip_space(p))
        return false;
    if (Parser_peek(p) >= 0) {
        char expected[96];
        snprintf(expected, sizeof expected,
                 "the end of the file after the value that started at "
                 "%d:%d",
                 p->doc->root_pos.line, p->doc->root_pos.col);
        return Parser_unexpected(p, expected);
    }
    return true;
}

JsoncDoc *Jsonc_parse(const char *name, const char *text, size_t len, char *err, size_t errsize)
{
    char scratch[1];
    Parser p = {
        .name = name ? name : "(plan)",
        .s = (const unsigned char *)(text ? text : ""),
        .len = text ? len : 0,
        .line = 1,
        .col = 1,
        .err = errsize ? err : scratch,
        .errsize = errsize ? errsize : sizeof scratch,
    };
    p.doc = calloc(1, sizeof *p.doc);
    if (!p.doc) {
        Parser_out_of_memory(&p);
        return NULL;
    }
    bool ok = Parser_document(&p);
    free(p.buf);
    if (!ok) {
        Jsonc_free(p.doc);
        return NULL;
    }
    return p.doc;
}

void Jsonc_free(JsoncDoc *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->capacity; i++)
        free(doc->slots[i].key);
    free(doc->slots);
    json_object_put(doc->root);
    free(doc);
}

json_object *Jsonc_root(const JsoncDoc *doc)
{
    return doc->root;
}

JsoncPos Jsonc_root_pos(const JsoncDoc *doc)
{
    return doc->root_pos;
}

bool Jsonc_member_pos(const JsoncDoc *doc, const json_object *obj, const char *key,
                      JsoncPos *key_pos, JsoncPos *value_pos)
{
    const JsoncEntry *e = key ? Jsonc_find(doc, obj, key, JSONC_NO_INDEX) : NULL;
    if (!e)
        return false;
    if (key_pos)
        *key_pos = e->key_pos;
    if (value_pos)
        *value_pos = e->pos;
    return true;
}

bool Jsonc_element_pos(const JsoncDoc *doc, const json_object *arr, size_t index, JsoncPos *pos)
{
    const JsoncEntry *e = Jsonc_find(doc, arr, NULL, (long)index);
    if (e && pos)
        *pos = e->pos;
    return e != NULL;
}

bool Jsonc_value_pos(const JsoncDoc *doc, const json_object *value, JsoncPos *pos)
{
    const JsoncEntry *e = Jsonc_find(doc, value, NULL, JSONC_NO_INDEX);
    if (e && pos)
        *pos = e->pos;
    return e != NULL;
}
