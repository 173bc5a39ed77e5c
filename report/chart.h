/* The report's charts as inline SVG: a metric's columns drawn as polylines
 * (each column's minimum and maximum, so spikes survive downsampling), the
 * downtime window shaded, and each step's start marked by a vertical line
 * with its number (and its title where there is room). */
#ifndef CUTOVER_REPORT_CHART_H
#define CUTOVER_REPORT_CHART_H

#include <stdbool.h>
#include <stdio.h>

#include "report/collect.h"

#define CHART_WIDTH  1100
#define CHART_HEIGHT 250

/* The colour of chart line i (also used by the legend). */
const char *Chart_color(int line);

/* Writes one <svg> for chart ch: the night, or the close-up of the cutover. */
void Chart_svg(FILE *out, const Report *rep, const ReportChart *ch, bool closeup);

/* The steps in the order they started (1-based numbers on the charts):
 * fills order with indexes into rep->steps; returns how many. */
int Chart_step_order(const Report *rep, int *order, int max);

/* The steps as bars on the cutover's time line (the run, then any undoing),
 * with the downtime shaded; last_mono_ms ends what never ended. */
void Chart_timeline_svg(FILE *out, const Report *rep, int64_t last_mono_ms);

#endif
