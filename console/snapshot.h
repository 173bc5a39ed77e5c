/* A replayed screen as plain text, without a terminal: the model drawn by
 * Screen_render (the live console's drawing code) into a canvas of the
 * given size and turned into text (tig's display dumps, for cutover). */
#ifndef CUTOVER_CONSOLE_SNAPSHOT_H
#define CUTOVER_CONSOLE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

/* The screen for model m at position_percent through the recording, as
 * UTF-8 text (ASCII only with ascii). The caller frees; NULL when out of
 * memory. */
char *Snapshot_text(const Model *m, double position_percent, int cols, int rows, bool ascii);

/* Parses "COLSxROWS" (e.g. 120x40). 0, or -1 with the reason in err. */
int Snapshot_parse_size(const char *text, int *cols, int *rows, char *err, size_t errsize);

#endif
