/* The plan's "notify" section:
 *   "notify": { "team": { "url": "https://hooks.example/${HOOK_TOKEN}",
 *                         "format": "slack", "headers": {...},
 *                         "timeout_ms": 3000, "queue": 256, "retries": 3 } }
 * A webhook URL often is the secret (a Slack incoming webhook), so it may be
 * a lone ${NAME} taken whole from the environment, or from Secrets Manager
 * through "secrets"; a literal one must not carry a password. */
#include "plan/notify.h"

#include <stdlib.h>
#include <string.h>

#include "plan/actions.h"

enum { NOTIFY_TIMEOUT_MS = 3000, NOTIFY_QUEUE = 256, NOTIFY_RETRIES = 3 };

/* "${NAME}" and nothing else. */
static bool PlanNotify_env_only(const char *url)
{
    size_t n = strlen(url);
    return n > 3 && strncmp(url, "${", 2) == 0 && url[n - 1] == '}' && !strchr(url + 2, '$');
}

static bool PlanNotify_read_url(const Reader *r, const ReaderObj *o, char **url)
{
    char path[160];
    if (!Reader_string(r, o, "url", true, url) || !Actions_check_env_refs(r, o, "url", *url))
        return false;
    if (PlanNotify_env_only(*url))
        return true;
    Reader_path(o, "url", path, sizeof path);
    if (strncmp(*url, "http://", 7) != 0 && strncmp(*url, "https://", 8) != 0)
        return Reader_fail(r, Reader_value_pos(r, o, "url"),
                           "%s: expected an http:// or https:// URL, or ${NAME} to take it "
                           "from the environment",
                           path);
    if (Actions_url_has_password(*url, true))
        return Reader_fail(r, Reader_value_pos(r, o, "url"),
                           "%s: credentials in the URL are never inline; expected a ${NAME} "
                           "reference",
                           path);
    return true;
}

/* "secrets": { "NAME": { "aws_secret": "ID", "field": "url" } }: ${NAME}
 * in the url and headers read from Secrets Manager when the webhook starts.
 * Without "field" the secret is taken whole (a plain-text secret). */
static bool PlanNotify_read_secret(const Reader *r, const ReaderObj *o, const char *name,
                                   PlanSecretVar *v)
{
    char path[160];
    Reader_path(o, name, path, sizeof path);
    if (!(v->name = strdup(name)))
        return Reader_out_of_memory(r);
    if (!Reader_env_name(name))
        return Reader_fail(r, Reader_key_pos(r, o, name),
                           "%s: \"%.64s\" is not a variable name; expected letters, digits and _",
                           path, name);
    if (!Reader_secret(r, o, name, true, &v->ref))
        return false;
    if (v->ref.kind != SECRET_AWS_SECRET)
        return Reader_fail(r, Reader_value_pos(r, o, name),
                           "%s: expected { \"aws_secret\": \"ID\" } (an environment variable "
                           "is used directly as ${NAME})",
                           path);
    v->ref.aws_side = AWS_SIDE_TARGET;
    return v->ref.field || (v->ref.field = strdup("")) != NULL || Reader_out_of_memory(r);
}

static bool PlanNotify_read_secrets(const Reader *r, const ReaderObj *hook, PlanWebhook *w)
{
    ReaderObj o;
    if (!Reader_object(r, hook, "secrets", false, &o))
        return false;
    if (!o.jso)
        return true;
    size_t n = (size_t)json_object_object_length(o.jso);
    if (!(w->secrets = calloc(n ? n : 1, sizeof *w->secrets)))
        return Reader_out_of_memory(r);
    struct json_object_iterator it = json_object_iter_begin(o.jso);
    struct json_object_iterator end = json_object_iter_end(o.jso);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
        if (!PlanNotify_read_secret(r, &o, json_object_iter_peek_name(&it),
                                    &w->secrets[w->nsecrets++]))
            return false;
    return true;
}

static bool PlanNotify_read_hook(const Reader *r, const ReaderObj *notify, const char *name,
                                 PlanWebhook *w)
{
    static const char *const keys[] = {"url",   "format",  "headers", "timeout_ms",
                                       "queue", "retries", "secrets", NULL};
    static const char *const formats[] = {"json", "slack", NULL};
    ReaderObj o;
    int format = NOTIFY_JSON;
    w->http.timeout_ms = NOTIFY_TIMEOUT_MS;
    w->queue = NOTIFY_QUEUE;
    w->retries = NOTIFY_RETRIES;
    if (!(w->name = strdup(name)) || !(w->http.method = strdup("POST")))
        return Reader_out_of_memory(r);
    if (!Reader_object(r, notify, name, true, &o) || !Reader_allow_keys(r, &o, keys, NULL) ||
        !PlanNotify_read_url(r, &o, &w->http.url) ||
        !Reader_enum(r, &o, "format", formats, false, &format) ||
        !Actions_read_headers(r, &o, &w->http) ||
        !Reader_int(r, &o, "timeout_ms", 100, 60000, &w->http.timeout_ms) ||
        !Reader_int(r, &o, "queue", 1, 100000, &w->queue) ||
        !Reader_int(r, &o, "retries", 0, 100, &w->retries) || !PlanNotify_read_secrets(r, &o, w))
        return false;
    w->format = (NotifyFormat)format;
    return true;
}

bool PlanNotify_read(const Reader *r, const ReaderObj *root, PlanNotify *out)
{
    ReaderObj o;
    if (!Reader_object(r, root, "notify", false, &o))
        return false;
    if (!o.jso)
        return true;
    size_t n = (size_t)json_object_object_length(o.jso);
    out->hooks = calloc(n ? n : 1, sizeof *out->hooks);
    if (!out->hooks)
        return Reader_out_of_memory(r);
    struct json_object_iterator it = json_object_iter_begin(o.jso);
    struct json_object_iterator end = json_object_iter_end(o.jso);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
        if (!PlanNotify_read_hook(r, &o, json_object_iter_peek_name(&it), &out->hooks[out->n++]))
            return false;
    return true;
}

void PlanNotify_free(PlanNotify *n)
{
    for (size_t i = 0; i < n->n; i++) {
        PlanWebhook *w = &n->hooks[i];
        free(w->name);
        Actions_free_http(&w->http);
        for (size_t j = 0; j < w->nsecrets; j++) {
            free(w->secrets[j].name);
            Plan_free_secret(&w->secrets[j].ref);
        }
        free(w->secrets);
    }
    free(n->hooks);
    memset(n, 0, sizeof *n);
}
