/* The plan's action sections: how maintenance is switched, how the source is
 * made read-only, how the connection string is swapped. Each reader checks
 * the method's own required keys and refuses keys of other methods. */
#ifndef CUTOVER_PLAN_ACTIONS_H
#define CUTOVER_PLAN_ACTIONS_H

#include <stdbool.h>

#include "plan/plan.h"
#include "plan/reader.h"

/* Names that may appear as {name} in command arguments (NULL terminated). */
extern const char *const Actions_templates[];

bool Actions_read_maintenance(const Reader *r, const ReaderObj *root, PlanMaintenance *out);
bool Actions_read_readonly(const Reader *r, const ReaderObj *root, PlanReadonly *out);
bool Actions_read_swap(const Reader *r, const ReaderObj *root, PlanSwap *out);
bool Actions_read_reverse(const Reader *r, const ReaderObj *root, PlanReverse *out);

/* A required command (a list of strings, templates checked) at key. */
bool Actions_read_command(const Reader *r, const ReaderObj *o, const char *key, PlanCommand *cmd);
void Actions_free_command(PlanCommand *cmd);

/* True when a URL carries a password ("scheme://user:pw@host"); with
 * allow_env a ${VARIABLE} in its place does not count. */
bool Actions_url_has_password(const char *url, bool allow_env);

/* Every ${NAME} in the value at key is well formed (expanded at run time). */
bool Actions_check_env_refs(const Reader *r, const ReaderObj *o, const char *key,
                            const char *value);
/* The optional "headers" object of an HTTP request: credentials only as
 * ${NAME} references. */
bool Actions_read_headers(const Reader *r, const ReaderObj *o, PlanHttp *http);
void Actions_free_http(PlanHttp *http);
void Actions_free_maintenance(PlanMaintenance *m);
void Actions_free_readonly(PlanReadonly *ro);
void Actions_free_swap(PlanSwap *swap);
/* Everything but the password (plan.c frees secrets). */
void Actions_free_reverse(PlanReverse *rev);

#endif
