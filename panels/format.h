/* Figures as people read them on the night: units, sensible precision. */
#ifndef CUTOVER_PANELS_FORMAT_H
#define CUTOVER_PANELS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* 0.084 -> "84 ms", 2.5 -> "2.50 s", 75 -> "1m15s" */
void Format_seconds(double s, char *buf, size_t size);
/* 1234.5 -> "1.23k", 12 -> "12.0", 3.2e6 -> "3.20M" */
void Format_count(double v, char *buf, size_t size);
/* bytes: "512 B", "12.3 KB", "4.50 MB" */
void Format_bytes(double v, char *buf, size_t size);
/* milliseconds with sensible precision: "0.42", "12.3", "840" */
void Format_ms(double ms, char *buf, size_t size);
/* the age of a figure: "now", "3s ago", "2m ago", "never" */
void Format_age(int64_t age_ms, char *buf, size_t size);

#endif
