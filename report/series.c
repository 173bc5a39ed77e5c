#include "report/series.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int ColumnSeries_init(ColumnSeries *s, int64_t from_ms, int64_t to_ms, int ncols)
{
    memset(s, 0, sizeof *s);
    s->from_ms = from_ms;
    s->to_ms = to_ms > from_ms ? to_ms : from_ms + 1;
    s->ncols = ncols > 0 ? ncols : 1;
    s->cols = calloc((size_t)s->ncols, sizeof *s->cols);
    return s->cols ? 0 : -1;
}

void ColumnSeries_free(ColumnSeries *s)
{
    free(s->cols);
    s->cols = NULL;
}

int ColumnSeries_column(const ColumnSeries *s, int64_t t_ms)
{
    if (t_ms <= s->from_ms)
        return 0;
    if (t_ms >= s->to_ms)
        return s->ncols - 1;
    /* Integer arithmetic: a double would do, but this is exact for any span. */
    return (int)((t_ms - s->from_ms) * s->ncols / (s->to_ms - s->from_ms + 1));
}

void ColumnSeries_add(ColumnSeries *s, int64_t t_ms, double value)
{
    if (t_ms < s->from_ms || t_ms > s->to_ms || !isfinite(value))
        return;
    ColumnBucket *b = &s->cols[ColumnSeries_column(s, t_ms)];
    if (b->count == 0) {
        b->min = b->max = value;
        b->min_ms = b->max_ms = b->first_ms = t_ms;
    }
    if (value < b->min) {
        b->min = value;
        b->min_ms = t_ms;
    }
    if (value > b->max) {
        b->max = value;
        b->max_ms = t_ms;
    }
    b->last_ms = t_ms;
    b->count++;
    if (s->samples == 0 || value < s->min)
        s->min = value;
    if (s->samples == 0 || value > s->max)
        s->max = value;
    s->samples++;
}
