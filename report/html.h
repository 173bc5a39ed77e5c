/* Writing text into an HTML page safely. Everything a session holds (notes
 * the operator typed, step details, error messages) is data: it goes through
 * Html_text, which escapes markup characters, drops control characters and
 * replaces bytes that are not UTF-8, so no recorded text can add an element,
 * an attribute or a script to the page. */
#ifndef CUTOVER_REPORT_HTML_H
#define CUTOVER_REPORT_HTML_H

#include <stdint.h>
#include <stdio.h>

/* The length of the valid UTF-8 sequence at s (2 to 4 bytes, s[0] >= 0x80),
 * or 0 when it is not UTF-8. */
int Html_utf8_length(const unsigned char *s);

/* Writes text escaped for element content and attribute values. */
void Html_text(FILE *out, const char *text);

/* printf, then the result escaped as by Html_text. */
void Html_textf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "2026-11-21 00:30:08.123" (UTC, ms). */
void Html_utc(FILE *out, int64_t wall_ms);

/* A duration from milliseconds: "8.013 s", "4 min 12.5 s", "2 h 03 min". */
void Html_duration(FILE *out, int64_t ms);

/* "T+1:02:03.456" from the session start. */
void Html_offset(FILE *out, int64_t ms);

#endif
