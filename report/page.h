/* The report as one self-contained HTML page: inline CSS and SVG, no script,
 * no external resource, so it opens offline in any browser years later. */
#ifndef CUTOVER_REPORT_PAGE_H
#define CUTOVER_REPORT_PAGE_H

#include <stdio.h>

#include "report/collect.h"

/* Lists (alarms, transitions, notes, warnings) longer than this show their
 * first rows and say how many more there are. */
#define PAGE_MAX_ROWS 500

/* Writes the page. 0, or -1 when writing failed (errno set). */
int Page_write(FILE *out, const Report *rep);

#endif
