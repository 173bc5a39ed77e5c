#include "aws/buf.h"

#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void Awsbuf_init(Awsbuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

static void reserve(Awsbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        fputs("cutover: out of memory\n", stderr);
        abort();
    }
    b->data = data;
    b->cap = cap;
}

void Awsbuf_append(Awsbuf *b, const void *data, size_t len)
{
    reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void Awsbuf_puts(Awsbuf *b, const char *s)
{
    Awsbuf_append(b, s, strlen(s));
}

void Awsbuf_putc(Awsbuf *b, char c)
{
    Awsbuf_append(b, &c, 1);
}

void Awsbuf_printf(Awsbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *Awsbuf_steal(Awsbuf *b)
{
    reserve(b, 0);
    b->data[b->len] = '\0';
    char *s = b->data;
    Awsbuf_init(b);
    return s;
}

void Awsbuf_wipe(Awsbuf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    Awsbuf_free(b);
}

void Awsbuf_free(Awsbuf *b)
{
    free(b->data);
    Awsbuf_init(b);
}
