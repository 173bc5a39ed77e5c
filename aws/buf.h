/* A growable byte buffer for building requests, canonical strings and
 * replies. Always NUL-terminated, so its data can be used as a C string. */
#ifndef CUTOVER_AWS_BUF_H
#define CUTOVER_AWS_BUF_H

#include <stddef.h>

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} Awsbuf;

void Awsbuf_init(Awsbuf *b);

/* Appending aborts the program when memory runs out: there is no sensible
 * way to carry on signing half a request. */
void Awsbuf_append(Awsbuf *b, const void *data, size_t len);
void Awsbuf_puts(Awsbuf *b, const char *s);
void Awsbuf_putc(Awsbuf *b, char c);
void Awsbuf_printf(Awsbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the NUL-terminated contents to the caller (free() them) and leaves
 * the buffer empty. */
char *Awsbuf_steal(Awsbuf *b);

/* Wipes the contents before freeing, for buffers that held secrets. */
void Awsbuf_wipe(Awsbuf *b);

void Awsbuf_free(Awsbuf *b);

#endif
