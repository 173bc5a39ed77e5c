/* Webhooks for the http maintenance method, through libcurl: the plan's
 * method, URL, headers and body, ${ENV} expanded at run time (the expanded
 * values are registered as secrets so they never reach a log), a timeout,
 * abort honoured at once, and a 2xx answer expected. */
#ifndef CUTOVER_CHECKLIST_HTTP_H
#define CUTOVER_CHECKLIST_HTTP_H

#include <stdatomic.h>
#include <stddef.h>

#include "plan/plan.h"

/* "POST https://ops.example/maint  Authorization: Bearer ${OPS_TOKEN}  body
 * 12 bytes": the request as written in the plan (templates unexpanded). */
void Http_describe(const PlanHttp *req, char *out, size_t size);

/* Sends the request. Returns 0 for a 2xx answer (status set), -1 otherwise
 * with err saying what happened (status 0 when no answer came). */
int Http_send(const PlanHttp *req, atomic_bool *cancel, long *status, char *err, size_t errsize);

#endif
