/* Just enough XML for AWS replies (Query and REST-XML protocols): find an
 * element by name, walk repeated elements, read text with the five entity
 * escapes undone. No namespaces prefixes, no CDATA: AWS sends neither. */
#ifndef CUTOVER_AWS_XML_H
#define CUTOVER_AWS_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/buf.h"

typedef struct {
    const char *start; /* the element's content, between its tags */
    size_t len;
} Xml_span;

/* Finds the first <tag ...>...</tag> (or <tag/>) in within; false when
 * absent. A nested element of the same name is not supported (AWS replies
 * have none). */
bool Xml_find(Xml_span within, const char *tag, Xml_span *out);

/* Iterates over repeated elements: pass *cursor = within.start first; each
 * call finds the next <tag> at or after *cursor. */
bool Xml_next(Xml_span within, const char *tag, const char **cursor, Xml_span *out);

/* The unescaped text of the first <tag> in within into buf; false (and "")
 * when absent. */
bool Xml_text(Xml_span within, const char *tag, char *buf, size_t size);

/* A whole document as a span. */
Xml_span Xml_doc(const char *text);

/* Appends s with & < > " ' escaped. */
void Xml_escape(Awsbuf *out, const char *s);

#endif
