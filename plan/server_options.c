#include "plan/server_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/home_path.h"
#include "plan/option_file.h"

/* "~/.my.cnf" as the shell would have it: plans are written by people. */
static bool ServerOptions_file(const Reader *r, const ReaderObj *o, PlanServer *s)
{
    char path[4096];
    if (!Reader_string(r, o, "option_file", false, &s->option_file))
        return false;
    if (!s->option_file || strncmp(s->option_file, "~/", 2) != 0)
        return true;
    if (HomePath_expand(s->option_file, path, sizeof path) != 0)
        return Reader_fail(r, Reader_value_pos(r, o, "option_file"),
                           "%s.option_file: \"%s\" starts with ~/ but HOME is not set (or the "
                           "path is too long); expected an absolute path",
                           o->path, s->option_file);
    free(s->option_file);
    return (s->option_file = strdup(path)) != NULL || Reader_out_of_memory(r);
}

/* Fills an unset field; "" from the files is not a value. */
static bool ServerOptions_set(const Reader *r, char **field, const char *value)
{
    if (*field || !value[0])
        return true;
    return (*field = strdup(value)) != NULL || Reader_out_of_memory(r);
}

/* Where the server is when the plan does not say: the files' host, or their
 * socket when the host is "localhost" or absent (as Connector/C decides). */
static bool ServerOptions_where(const Reader *r, const ReaderObj *o, PlanServer *s,
                                const OptionValues *v)
{
    if (!Reader_has(o, "port") && v->port > 0 && v->port <= 65535)
        s->port = (int)v->port;
    if (s->host || s->socket)
        return true;
    bool by_socket = v->socket[0] && (!v->host[0] || strcmp(v->host, "localhost") == 0);
    return by_socket ? ServerOptions_set(r, &s->socket, v->socket)
                     : ServerOptions_set(r, &s->host, v->host);
}

/* The password stays a reference: it is read again when a connection needs
 * it, never kept in the plan. */
static bool ServerOptions_password(const Reader *r, const ReaderObj *o, PlanServer *s,
                                   const OptionValues *v)
{
    if (Reader_has(o, "password") || !v->password[0])
        return true;
    s->password.kind = SECRET_OPTION_FILE;
    return (!s->option_file || (s->password.file = strdup(s->option_file))) &&
                   (s->password.group = strdup(s->option_group ? s->option_group : "client"))
               ? true
               : Reader_out_of_memory(r);
}

/* ssl-verify-server-cert=1 and ssl-enforce=1 (Connector/C's names) stand
 * for the plan's "verify-identity" and "required" unless it says a mode. */
static bool ServerOptions_tls(const Reader *r, const ReaderObj *o, PlanServer *s,
                              const OptionValues *v, bool *tls_given)
{
    if (!ServerOptions_set(r, &s->tls_ca, v->ssl_ca) ||
        !ServerOptions_set(r, &s->tls_cert, v->ssl_cert) ||
        !ServerOptions_set(r, &s->tls_key, v->ssl_key))
        return false;
    if (!s->tls_cert != !s->tls_key)
        return Reader_fail(r, Reader_obj_pos(r, o),
                           "%s: a client certificate needs both a cert and a key; the plan and "
                           "its option files give only the %s",
                           o->path, s->tls_cert ? "cert" : "key");
    if (Reader_has(o, "tls") || Reader_has(o, "ssl-mode"))
        return true;
    if (v->ssl_verify_server || v->ssl_enforce) {
        s->tls = v->ssl_verify_server ? TLS_VERIFY_IDENTITY : TLS_REQUIRED;
        *tls_given = true;
    }
    return true;
}

static bool ServerOptions_apply(const Reader *r, const ReaderObj *o, PlanServer *s, bool *tls_given)
{
    OptionValues v;
    char err[700], where[700];
    const char *key = Reader_has(o, "option_file") ? "option_file" : "option_group";
    if (OptionFile_read(s->option_file, s->option_group, &v, err, sizeof err) != 0)
        return Reader_fail(r, Reader_value_pos(r, o, key), "%s.%s: %s", o->path, key, err);
    bool ok = ServerOptions_where(r, o, s, &v) && ServerOptions_set(r, &s->user, v.user) &&
              ServerOptions_password(r, o, s, &v) && ServerOptions_tls(r, o, s, &v, tls_given);
    OptionValues_clear(&v);
    if (!ok || s->user)
        return ok;
    OptionFile_describe(s->option_file, s->option_group, where, sizeof where);
    return Reader_fail(r, Reader_obj_pos(r, o),
                       "%s: no user; expected \"user\" here or a user= line in %s", o->path, where);
}

bool ServerOptions_read(const Reader *r, const ReaderObj *o, PlanServer *s, bool *tls_given)
{
    *tls_given = false;
    if (!ServerOptions_file(r, o, s) ||
        !Reader_string(r, o, "option_group", false, &s->option_group))
        return false;
    bool files = Reader_has(o, "option_file") || Reader_has(o, "option_group");
    return !files || ServerOptions_apply(r, o, s, tls_given);
}
