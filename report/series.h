/* A metric across the night in a fixed number of columns: each column keeps
 * the minimum and maximum that fell into it (and when), so a chart drawn from
 * it shows every spike however long the session is, in bounded memory
 * (a 24-hour session of a million samples becomes a few hundred columns). */
#ifndef CUTOVER_REPORT_SERIES_H
#define CUTOVER_REPORT_SERIES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ColumnBucket {
    int count;
    double min, max;
    int64_t min_ms, max_ms;    /* when the minimum and maximum were seen */
    int64_t first_ms, last_ms; /* the first and last sample in the column */
} ColumnBucket;

typedef struct ColumnSeries {
    int64_t from_ms, to_ms; /* the span the columns cover */
    int ncols;
    ColumnBucket *cols;
    long samples; /* samples that fell within the span */
    double min, max;
} ColumnSeries;

/* Columns over [from_ms, to_ms]. 0, or -1 when out of memory. */
int ColumnSeries_init(ColumnSeries *s, int64_t from_ms, int64_t to_ms, int ncols);
void ColumnSeries_free(ColumnSeries *s);

/* Adds a sample; outside the span or not finite: ignored. */
void ColumnSeries_add(ColumnSeries *s, int64_t t_ms, double value);

/* The column t_ms falls into (clamped to the columns). */
int ColumnSeries_column(const ColumnSeries *s, int64_t t_ms);

#endif
