#include "plan/actions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The names checklist/proc.c fills in; {value} is the value being put in
 * place (the old one when a swap is undone). */
const char *const Actions_templates[] = {
    "source.host", "source.port", "target.host",  "target.port",
    "value",       "plan.name",   "point.binlog", NULL,
};

/* {point.binlog}: where the target's binary log stood at the point of no
 * return ("FILE:POS"); known only when carrying writes back. */
static const char Actions_point_template[] = "point.binlog";
static const char Actions_reverse_path[] = "reverse_replication.";

enum { TIMEOUT_MIN_MS = 100, TIMEOUT_MAX_MS = 3600000 };

/* "{target.host}", "{value}": lower-case words with at most one dot.
 * Other braces (a JSON argument, find's "{}") are not templates. */
static size_t Actions_template_at(const char *s, char *name, size_t size)
{
    size_t n = 1;
    bool dot = false;
    while (islower((unsigned char)s[n]) || s[n] == '_' || (s[n] == '.' && !dot && n > 1)) {
        dot = dot || s[n] == '.';
        n++;
    }
    if (s[n] != '}' || n == 1 || s[n - 1] == '.' || n - 1 >= size)
        return 0;
    memcpy(name, s + 1, n - 1);
    name[n - 1] = '\0';
    return n + 1;
}

static bool Actions_known_template(const char *name, const char *path)
{
    if (strcmp(name, Actions_point_template) == 0)
        return strncmp(path, Actions_reverse_path, sizeof Actions_reverse_path - 1) == 0;
    for (size_t i = 0; Actions_templates[i]; i++) {
        if (strcmp(name, Actions_templates[i]) == 0)
            return true;
    }
    return false;
}

static bool Actions_check_templates(const Reader *r, const ReaderObj *o, const char *key,
                                    char **argv)
{
    char name[64], list[400], path[160];
    Reader_path(o, key, path, sizeof path);
    for (size_t i = 0; argv[i]; i++) {
        for (const char *c = strchr(argv[i], '{'); c; c = strchr(c + 1, '{')) {
            if (Actions_template_at(c, name, sizeof name) == 0 ||
                Actions_known_template(name, path))
                continue;
            json_object *arr = NULL;
            JsoncPos at = Reader_value_pos(r, o, key);
            json_object_object_get_ex(o->jso, key, &arr);
            Jsonc_element_pos(r->doc, arr, i, &at);
            Reader_join(Actions_templates, list, sizeof list);
            if (strcmp(name, Actions_point_template) == 0)
                return Reader_fail(r, at,
                                   "%s[%zu]: {%s} is known only in reverse_replication's "
                                   "commands",
                                   path, i, name);
            return Reader_fail(r, at, "%s[%zu]: unknown template {%s}; expected one of: %s", path,
                               i, name, list);
        }
    }
    return true;
}

bool Actions_read_command(const Reader *r, const ReaderObj *o, const char *key, PlanCommand *cmd)
{
    return Reader_strings(r, o, key, true, &cmd->argv, &cmd->argc) &&
           Actions_check_templates(r, o, key, cmd->argv);
}

/* ${NAME} references are expanded from the environment at run time; a
 * malformed one would reach the server literally, so it is refused here. */
bool Actions_check_env_refs(const Reader *r, const ReaderObj *o, const char *key, const char *value)
{
    char path[160];
    for (const char *c = strstr(value, "${"); c; c = strstr(c + 2, "${")) {
        const char *n = c + 2;
        while (isalnum((unsigned char)*n) || *n == '_')
            n++;
        if (*n == '}' && n > c + 2 && !isdigit((unsigned char)c[2]))
            continue;
        Reader_path(o, key, path, sizeof path);
        return Reader_fail(r, Reader_value_pos(r, o, key),
                           "%s: malformed variable reference \"%.20s\"; expected ${NAME} with "
                           "letters, digits and _",
                           path, c);
    }
    return true;
}

/* True when a URL carries a password ("scheme://user:pw@host"). A
 * ${VARIABLE} in its place counts only when allow_env: HTTP requests expand
 * it at run time, a swapped connection string is written as it is. */
bool Actions_url_has_password(const char *url, bool allow_env)
{
    const char *scheme = strstr(url, "://");
    if (!scheme)
        return false;
    const char *user = scheme + 3;
    size_t len = strcspn(user, "/?#");
    const char *at = memchr(user, '@', len);
    const char *colon = at ? memchr(user, ':', (size_t)(at - user)) : NULL;
    return colon && !(allow_env && strncmp(colon + 1, "${", 2) == 0);
}

static bool Actions_refuse_url_password(const Reader *r, const ReaderObj *o, const char *key,
                                        const char *url)
{
    char path[160];
    if (!Actions_url_has_password(url, true))
        return true;
    Reader_path(o, key, path, sizeof path);
    return Reader_fail(r, Reader_value_pos(r, o, key),
                       "%s: the URL holds a password; expected no password, or a ${VARIABLE} "
                       "in its place",
                       path);
}

/* The swapped value lands in the application's settings as written: a
 * password in it would sit in the plan, the audit log and the recording. */
static bool Actions_refuse_value_password(const Reader *r, const ReaderObj *o, const char *key,
                                          const char *value)
{
    bool found = Actions_url_has_password(value, false);
    for (const char *c = value; *c && !found; c++)
        found = strncasecmp(c, "password=", 9) == 0 || strncasecmp(c, "pwd=", 4) == 0;
    if (!found)
        return true;
    return Reader_fail(r, Reader_value_pos(r, o, key),
                       "%s.%s: the connection string holds a password; expected one without "
                       "(the application reads its password separately)",
                       o->path, key);
}

static bool Actions_read_url(const Reader *r, const ReaderObj *o, char **url)
{
    char path[160];
    if (!Reader_string(r, o, "url", true, url))
        return false;
    if (strncmp(*url, "http://", 7) != 0 && strncmp(*url, "https://", 8) != 0) {
        Reader_path(o, "url", path, sizeof path);
        return Reader_fail(r, Reader_value_pos(r, o, "url"),
                           "%s: expected an http:// or https:// URL", path);
    }
    return Actions_check_env_refs(r, o, "url", *url) &&
           Actions_refuse_url_password(r, o, "url", *url);
}

/* A header that carries a credential must take it from the environment. */
static bool Actions_credential_header(const char *name)
{
    static const char *const words[] = {"auth", "token", "key", "secret", "cookie", "password"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        for (const char *c = name; *c; c++) {
            if (strncasecmp(c, words[i], strlen(words[i])) == 0)
                return true;
        }
    }
    return false;
}

static bool Actions_header_name_ok(const char *name)
{
    if (!*name)
        return false;
    for (const char *c = name; *c; c++) {
        if (!isalnum((unsigned char)*c) && !strchr("!#$%&'*+-.^_`|~", *c))
            return false;
    }
    return true;
}

static bool Actions_read_header(const Reader *r, const ReaderObj *headers, const char *name,
                                PlanHeader *out)
{
    char path[160];
    Reader_path(headers, name, path, sizeof path);
    if (!Actions_header_name_ok(name))
        return Reader_fail(r, Reader_key_pos(r, headers, name),
                           "%s: \"%.40s\" is not a header name; expected letters, digits and -",
                           headers->path, name);
    if (!(out->name = strdup(name)))
        return Reader_out_of_memory(r);
    if (!Reader_text(r, headers, name, &out->value) ||
        !Actions_check_env_refs(r, headers, name, out->value))
        return false;
    if (strpbrk(out->value, "\r\n"))
        return Reader_fail(r, Reader_value_pos(r, headers, name),
                           "%s: line break in a header value; expected one line", path);
    if (Actions_credential_header(name) && !strstr(out->value, "${"))
        return Reader_fail(r, Reader_value_pos(r, headers, name),
                           "%s: credentials are never inline; expected a ${VARIABLE} reference "
                           "such as \"Bearer ${OPS_TOKEN}\"",
                           path);
    return true;
}

bool Actions_read_headers(const Reader *r, const ReaderObj *o, PlanHttp *http)
{
    ReaderObj headers;
    if (!Reader_object(r, o, "headers", false, &headers))
        return false;
    if (!headers.jso)
        return true;
    size_t n = (size_t)json_object_object_length(headers.jso);
    http->headers = calloc(n ? n : 1, sizeof *http->headers);
    if (!http->headers)
        return Reader_out_of_memory(r);
    struct json_object_iterator it = json_object_iter_begin(headers.jso);
    struct json_object_iterator end = json_object_iter_end(headers.jso);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *name = json_object_iter_peek_name(&it);
        if (!Actions_read_header(r, &headers, name, &http->headers[http->nheaders++]))
            return false;
    }
    return true;
}

static bool Actions_read_http(const Reader *r, const ReaderObj *parent, const char *key,
                              PlanHttp *http)
{
    static const char *const keys[] = {"method", "url", "headers", "body", "timeout_ms", NULL};
    static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE", "GET", NULL};
    ReaderObj o;
    int method = 0;
    http->timeout_ms = 5000;
    if (!Reader_object(r, parent, key, true, &o) || !Reader_allow_keys(r, &o, keys, NULL) ||
        !Reader_enum(r, &o, "method", methods, false, &method))
        return false;
    if (!(http->method = strdup(methods[method])))
        return Reader_out_of_memory(r);
    return Actions_read_url(r, &o, &http->url) && Actions_read_headers(r, &o, http) &&
           Reader_text(r, &o, "body", &http->body) &&
           (!http->body || Actions_check_env_refs(r, &o, "body", http->body)) &&
           Reader_int(r, &o, "timeout_ms", TIMEOUT_MIN_MS, TIMEOUT_MAX_MS, &http->timeout_ms);
}

static bool Actions_read_maintenance_exec(const Reader *r, const ReaderObj *o, PlanMaintenance *m)
{
    int timeout = 10000;
    if (!Actions_read_command(r, o, "on", &m->on_cmd) ||
        !Actions_read_command(r, o, "off", &m->off_cmd) ||
        !Reader_int(r, o, "timeout_ms", TIMEOUT_MIN_MS, TIMEOUT_MAX_MS, &timeout))
        return false;
    m->on_cmd.timeout_ms = m->off_cmd.timeout_ms = timeout;
    return true;
}

/* A section chosen by its "method": opens the optional section `name`, reads
 * the method (required, or defaulting to *method) and checks the section has
 * only that method's keys. False on an error; *present false when absent. */
static bool Actions_method_section(const Reader *r, const ReaderObj *root, const char *name,
                                   const char *const *methods,
                                   const char *const *const *keys_by_method, bool required,
                                   ReaderObj *o, int *method, bool *present)
{
    *present = false;
    if (!Reader_object(r, root, name, false, o))
        return false;
    if (!o->jso)
        return true;
    *present = true;
    return Reader_enum(r, o, "method", methods, required, method) &&
           Reader_allow_keys(r, o, keys_by_method[*method], methods[*method]);
}

bool Actions_read_maintenance(const Reader *r, const ReaderObj *root, PlanMaintenance *out)
{
    static const char *const methods[] = {"file", "http", "exec", NULL};
    static const char *const file_keys[] = {"method", "path", NULL};
    static const char *const http_keys[] = {"method", "on", "off", NULL};
    static const char *const exec_keys[] = {"method", "on", "off", "timeout_ms", NULL};
    static const char *const *const keys[] = {file_keys, http_keys, exec_keys};
    ReaderObj o;
    int method = 0;
    bool present;
    if (!Actions_method_section(r, root, "maintenance", methods, keys, true, &o, &method, &present))
        return false;
    if (!present)
        return true;
    out->method = (ActionMethod)method;
    switch (out->method) {
    case METHOD_FILE: return Reader_string(r, &o, "path", true, &out->path);
    case METHOD_HTTP:
        return Actions_read_http(r, &o, "on", &out->on_http) &&
               Actions_read_http(r, &o, "off", &out->off_http);
    case METHOD_EXEC: return Actions_read_maintenance_exec(r, &o, out);
    }
    return false;
}

/* 'user'@'host' exactly: the executor puts it into ALTER USER, so nothing
 * that could close the quotes is allowed. */
static bool Actions_account_ok(const char *account)
{
    const char *p = account;
    for (int part = 0; part < 2; part++) {
        if (*p++ != '\'')
            return false;
        size_t n = strcspn(p, "'\\");
        if (p[n] != '\'' || (part == 0 && n == 0))
            return false;
        p += n + 1;
        if (part == 0 && *p++ != '@')
            return false;
    }
    return *p == '\0';
}

static bool Actions_read_accounts(const Reader *r, const ReaderObj *o, PlanReadonly *ro)
{
    if (!Reader_strings(r, o, "accounts", true, &ro->accounts, &ro->naccounts))
        return false;
    for (size_t i = 0; i < ro->naccounts; i++) {
        if (Actions_account_ok(ro->accounts[i]))
            continue;
        json_object *arr = NULL;
        JsoncPos at = Reader_value_pos(r, o, "accounts");
        json_object_object_get_ex(o->jso, "accounts", &arr);
        Jsonc_element_pos(r->doc, arr, i, &at);
        return Reader_fail(r, at,
                           "%s.accounts[%zu]: \"%.64s\" is not an account; expected "
                           "'user'@'host' with single quotes, such as 'app'@'%%'",
                           o->path, i, ro->accounts[i]);
    }
    return true;
}

bool Actions_read_readonly(const Reader *r, const ReaderObj *root, PlanReadonly *out)
{
    static const char *const methods[] = {"global", "lock-accounts", "rds-parameter-group", NULL};
    static const char *const global_keys[] = {"method", NULL};
    static const char *const lock_keys[] = {"method", "accounts", NULL};
    static const char *const rds_keys[] = {"method", "parameter_group", NULL};
    static const char *const *const keys[] = {global_keys, lock_keys, rds_keys};
    ReaderObj o;
    int method = READONLY_GLOBAL;
    bool present;
    if (!Actions_method_section(r, root, "read_only", methods, keys, false, &o, &method, &present))
        return false;
    if (!present)
        return true;
    out->method = (ReadonlyMethod)method;
    switch (out->method) {
    case READONLY_GLOBAL: return true;
    case READONLY_LOCK_ACCOUNTS: return Actions_read_accounts(r, &o, out);
    case READONLY_RDS_PARAMETER_GROUP:
        return Reader_string(r, &o, "parameter_group", true, &out->parameter_group);
    }
    return false;
}

static bool Actions_swap_key_ok(const char *key)
{
    if (!isalpha((unsigned char)key[0]) && key[0] != '_')
        return false;
    for (const char *c = key; *c; c++) {
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.')
            return false;
    }
    return true;
}

static bool Actions_read_swap_value(const Reader *r, const ReaderObj *o, bool required,
                                    PlanSwap *swap)
{
    if (!Reader_string(r, o, "value", required, &swap->value))
        return false;
    if (!swap->value)
        return true;
    return Actions_refuse_value_password(r, o, "value", swap->value);
}

/* SSM and Route 53: the new value, and optionally the one it replaces. */
static bool Actions_read_swap_named(const Reader *r, const ReaderObj *o, PlanSwap *swap)
{
    if (!Reader_string(r, o, "id", true, &swap->aws_id) ||
        !Actions_read_swap_value(r, o, true, swap) ||
        !Reader_string(r, o, "from", false, &swap->from))
        return false;
    if (swap->from && !strcmp(swap->from, swap->value))
        return Reader_fail(r, Reader_value_pos(r, o, "from"),
                           "%s.from: the same as %s.value (\"%.64s\"); from is the value the "
                           "swap replaces",
                           o->path, o->path, swap->from);
    return !swap->from || Actions_refuse_value_password(r, o, "from", swap->from);
}

static bool Actions_read_swap_file(const Reader *r, const ReaderObj *o, PlanSwap *swap)
{
    if (!Reader_string(r, o, "path", true, &swap->path) ||
        !Reader_string(r, o, "key", true, &swap->key))
        return false;
    if (!Actions_swap_key_ok(swap->key))
        return Reader_fail(r, Reader_value_pos(r, o, "key"),
                           "%s.key: \"%.64s\" is not a KEY of KEY=value lines; expected letters, "
                           "digits, _ and .",
                           o->path, swap->key);
    return Actions_read_swap_value(r, o, true, swap);
}

static bool Actions_read_swap_exec(const Reader *r, const ReaderObj *o, PlanSwap *swap)
{
    int timeout = 10000;
    if (!Actions_read_command(r, o, "command", &swap->cmd) ||
        !Actions_read_command(r, o, "readback", &swap->readback_cmd) ||
        !Reader_int(r, o, "timeout_ms", TIMEOUT_MIN_MS, TIMEOUT_MAX_MS, &timeout))
        return false;
    swap->cmd.timeout_ms = swap->readback_cmd.timeout_ms = timeout;
    return Actions_read_swap_value(r, o, true, swap); /* readback must match it */
}

bool Actions_read_swap(const Reader *r, const ReaderObj *root, PlanSwap *out)
{
    static const char *const methods[] = {"file", "exec", "aws-secret", "ssm", "route53", NULL};
    static const char *const file_keys[] = {"method", "path", "key", "value", NULL};
    static const char *const exec_keys[] = {"method",     "command", "readback",
                                            "timeout_ms", "value",   NULL};
    static const char *const secret_keys[] = {"method", "id", "value", NULL};
    static const char *const named_keys[] = {"method", "id", "value", "from", NULL};
    static const char *const *const keys[] = {file_keys, exec_keys, secret_keys, named_keys,
                                              named_keys};
    ReaderObj o;
    int method = 0;
    bool present;
    if (!Actions_method_section(r, root, "swap", methods, keys, true, &o, &method, &present))
        return false;
    if (!present)
        return true;
    out->method = (SwapMethod)method;
    switch (out->method) {
    case SWAP_FILE: return Actions_read_swap_file(r, &o, out);
    case SWAP_EXEC: return Actions_read_swap_exec(r, &o, out);
    case SWAP_AWS_SECRET:
        return Reader_string(r, &o, "id", true, &out->aws_id) &&
               Actions_read_swap_value(r, &o, false, out);
    case SWAP_SSM:
    case SWAP_ROUTE53: return Actions_read_swap_named(r, &o, out);
    }
    return false;
}

void Actions_free_command(PlanCommand *cmd)
{
    Reader_free_strings(cmd->argv);
    cmd->argv = NULL;
    cmd->argc = 0;
}

void Actions_free_http(PlanHttp *http)
{
    free(http->method);
    free(http->url);
    for (size_t i = 0; i < http->nheaders; i++) {
        free(http->headers[i].name);
        free(http->headers[i].value);
    }
    free(http->headers);
    free(http->body);
}

void Actions_free_maintenance(PlanMaintenance *m)
{
    free(m->path);
    Actions_free_http(&m->on_http);
    Actions_free_http(&m->off_http);
    Actions_free_command(&m->on_cmd);
    Actions_free_command(&m->off_cmd);
}

void Actions_free_readonly(PlanReadonly *ro)
{
    Reader_free_strings(ro->accounts);
    free(ro->parameter_group);
}

/* The way back past the point of no return. replica: the source replicates
 * from the target (host, port, user and password as the source reaches it);
 * dms: the reverse task; exec: start at {point.binlog}, stop. */
bool Actions_read_reverse(const Reader *r, const ReaderObj *root, PlanReverse *out)
{
    static const char *const methods[] = {"none", "replica", "dms", "exec", NULL};
    static const char *const none_keys[] = {"method", NULL};
    static const char *const replica_keys[] = {"method",   "host",       "port", "user",
                                               "password", "timeout_ms", NULL};
    static const char *const dms_keys[] = {"method", "task_arn", "timeout_ms", NULL};
    static const char *const exec_keys[] = {"method", "start", "stop", "timeout_ms", NULL};
    static const char *const *const keys[] = {none_keys, replica_keys, dms_keys, exec_keys};
    ReaderObj o;
    int method = REVERSE_NONE;
    bool present;
    out->port = 3306;
    out->timeout_ms = 120000;
    if (!Actions_method_section(r, root, "reverse_replication", methods, keys, true, &o, &method,
                                &present))
        return false;
    out->method = (ReverseMethod)method;
    if (!present || method == REVERSE_NONE)
        return true;
    if (!Reader_int(r, &o, "timeout_ms", 1000, TIMEOUT_MAX_MS, &out->timeout_ms))
        return false;
    switch (out->method) {
    case REVERSE_REPLICA:
        return Reader_string(r, &o, "host", true, &out->host) &&
               Reader_int(r, &o, "port", 1, 65535, &out->port) &&
               Reader_string(r, &o, "user", true, &out->user) &&
               Reader_secret(r, &o, "password", true, &out->password);
    case REVERSE_DMS: return Reader_string(r, &o, "task_arn", true, &out->task_arn);
    case REVERSE_EXEC:
        if (!Actions_read_command(r, &o, "start", &out->start) ||
            !Actions_read_command(r, &o, "stop", &out->stop))
            return false;
        out->start.timeout_ms = out->stop.timeout_ms = 60000;
        return true;
    case REVERSE_NONE: break;
    }
    return true;
}

void Actions_free_reverse(PlanReverse *rev)
{
    free(rev->host);
    free(rev->user);
    free(rev->task_arn);
    Actions_free_command(&rev->start);
    Actions_free_command(&rev->stop);
}

void Actions_free_swap(PlanSwap *swap)
{
    free(swap->path);
    free(swap->key);
    free(swap->value);
    Actions_free_command(&swap->cmd);
    Actions_free_command(&swap->readback_cmd);
    free(swap->aws_id);
    free(swap->from);
}
