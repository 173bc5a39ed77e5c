/* The loop's second view: no terminal, one line on stdout for every event
 * but the samples (`cutover run --headless`), flushed at once so a pipe or
 * a CI log sees each step as it happens. */
#ifndef CUTOVER_CONSOLE_LINES_H
#define CUTOVER_CONSOLE_LINES_H

#include "console/loop.h"

/* self: unused (NULL). */
extern const LoopViewClass LINES_VIEW;

#endif
