#include "aws/xml.h"

#include <stdio.h>
#include <string.h>

Xml_span Xml_doc(const char *text)
{
    Xml_span s = {text ? text : "", text ? strlen(text) : 0};
    return s;
}

/* Finds "<tag" followed by '>', '/', or white space within [p, end). */
static const char *open_tag(const char *p, const char *end, const char *tag, size_t tlen)
{
    for (; p + tlen + 1 < end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + tlen + 1 >= end)
            return NULL;
        char after = p[1 + tlen];
        if (!strncmp(p + 1, tag, tlen) && (after == '>' || after == '/' || after == ' ' ||
                                           after == '\t' || after == '\n' || after == '\r'))
            return p;
    }
    return NULL;
}

static const char *find_close(const char *p, const char *end, const char *tag, size_t tlen)
{
    for (; p + tlen + 3 <= end; p++) {
        p = memchr(p, '<', (size_t)(end - p));
        if (!p || p + tlen + 3 > end)
            return NULL;
        if (p[1] == '/' && !strncmp(p + 2, tag, tlen) && p[2 + tlen] == '>')
            return p;
    }
    return NULL;
}

bool Xml_next(Xml_span within, const char *tag, const char **cursor, Xml_span *out)
{
    const char *end = within.start + within.len;
    size_t tlen = strlen(tag);
    const char *p = open_tag(*cursor, end, tag, tlen);
    if (!p)
        return false;
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if (!gt)
        return false;
    if (gt[-1] == '/') { /* <tag/> is empty */
        out->start = gt + 1;
        out->len = 0;
        *cursor = gt + 1;
        return true;
    }
    const char *close = find_close(gt + 1, end, tag, tlen);
    if (!close)
        return false;
    out->start = gt + 1;
    out->len = (size_t)(close - (gt + 1));
    *cursor = close + tlen + 3;
    return true;
}

bool Xml_find(Xml_span within, const char *tag, Xml_span *out)
{
    const char *cursor = within.start;
    return Xml_next(within, tag, &cursor, out);
}

static void unescape(const char *s, size_t len, char *buf, size_t size)
{
    static const struct {
        const char *name;
        char c;
    } ENTITIES[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        char c = s[i];
        for (size_t e = 0; c == '&' && e < sizeof ENTITIES / sizeof ENTITIES[0]; e++) {
            size_t n = strlen(ENTITIES[e].name);
            if (i + n <= len && !strncmp(s + i, ENTITIES[e].name, n)) {
                c = ENTITIES[e].c;
                i += n - 1;
                break;
            }
        }
        buf[o++] = c;
    }
    if (size)
        buf[o] = '\0';
}

bool Xml_text(Xml_span within, const char *tag, char *buf, size_t size)
{
    Xml_span s;
    if (!Xml_find(within, tag, &s)) {
        if (size)
            buf[0] = '\0';
        return false;
    }
    unescape(s.start, s.len, buf, size);
    return true;
}

void Xml_escape(Awsbuf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': Awsbuf_puts(out, "&amp;"); break;
        case '<': Awsbuf_puts(out, "&lt;"); break;
        case '>': Awsbuf_puts(out, "&gt;"); break;
        case '"': Awsbuf_puts(out, "&quot;"); break;
        case '\'': Awsbuf_puts(out, "&apos;"); break;
        default: Awsbuf_putc(out, *s);
        }
    }
}
