/* Events as session-file lines: one JSON object per line. */
#ifndef CUTOVER_SESSION_EVENT_JSON_H
#define CUTOVER_SESSION_EVENT_JSON_H

#include <stddef.h>

#include "session/event.h"

/* Writes ev as one JSON object (no newline) into buf. Returns the length, or
 * -1 if buf is too small. */
int EventJson_format(const Event *ev, char *buf, size_t size);

/* Parses one line. 0 on success, -1 with a reason in err. */
int EventJson_parse(const char *line, Event *ev, char *err, size_t errsize);

#endif
