/* `cutover init` on a terminal without --source or --target: it asks, one
 * line each, for what it needs to connect (never a password: only where
 * the password is), then says the command line that would have done the
 * same, for the runbook. Off a terminal the flags are required instead. */
#include "config.h"

#include <string.h>

#include "cli/commands.h"
#include "cli/init.h"
#include "lib/home_path.h"

/* One answer into buf ("" for an empty line); false at end of input. */
static bool Ask_line(FILE *in, FILE *out, const char *question, const char *def, char *buf,
                     size_t size)
{
    fprintf(out, def && *def ? "%s [%s]: " : "%s: ", question, def);
    fflush(out);
    if (!fgets(buf, (int)size, in))
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    if (!*buf && def)
        snprintf(buf, size, "%s", def);
    return true;
}

/* HOST, HOST:PORT (1-65535) or an absolute socket path. */
static bool Ask_where_ok(const char *text)
{
    char host[300];
    int port;
    return *text == '/' || Init_split_hostport(text, host, sizeof host, &port);
}

/* Asks until the answer is a place (or, for the endpoint, nothing; it is
 * never a socket). */
static bool Ask_where(FILE *in, FILE *out, const char *question, bool endpoint, char *buf,
                      size_t size)
{
    for (;;) {
        if (!Ask_line(in, out, question, NULL, buf, size))
            return false;
        if (endpoint ? !*buf || (*buf != '/' && Ask_where_ok(buf)) : Ask_where_ok(buf))
            return true;
        fprintf(out, endpoint ? "  expected HOST or HOST:PORT (port 1-65535), or nothing\n"
                              : "  expected HOST, HOST:PORT (port 1-65535) or a socket path "
                                "starting with /\n");
    }
}

static void Ask_place(const char *answer, const char **host, const char **socket)
{
    *(*answer == '/' ? socket : host) = answer;
}

/* Where the password is: an environment variable, or a MySQL option file
 * with a group per server. */
static bool Ask_password(FILE *in, FILE *out, InitArgs *a, InitAsk *ans)
{
    if (!Ask_line(in, out, "Environment variable holding the password (empty: a MySQL option file)",
                  NULL, ans->password_env, sizeof ans->password_env))
        return false;
    if (*ans->password_env) {
        a->source_password_env = a->target_password_env = ans->password_env;
        return true;
    }
    if (!Ask_line(in, out, "Option file", "~/.my.cnf", ans->option_file, sizeof ans->option_file) ||
        !Ask_line(in, out, "  its group for the source", "client", ans->source_group,
                  sizeof ans->source_group) ||
        !Ask_line(in, out, "  its group for the target", "client", ans->target_group,
                  sizeof ans->target_group))
        return false;
    char path[sizeof ans->option_file];
    if (HomePath_expand(ans->option_file, path, sizeof path) == 0)
        snprintf(ans->option_file, sizeof ans->option_file, "%s", path);
    a->option_file = ans->option_file;
    a->source_group = ans->source_group;
    a->target_group = ans->target_group;
    return true;
}

static void Ask_say_flags(const InitArgs *a, FILE *out)
{
    fprintf(out, "cutover init: the same as a command line:\n  cutover init -o %s", a->output);
    fprintf(out, a->source ? " --source %s" : " --source-socket %s",
            a->source ? a->source : a->source_socket);
    fprintf(out, a->target ? " --target %s" : " --target-socket %s",
            a->target ? a->target : a->target_socket);
    if (a->endpoint)
        fprintf(out, " --endpoint %s", a->endpoint);
    fprintf(out, " --source-user %s --target-user %s", a->source_user, a->target_user);
    if (a->option_file)
        fprintf(out, " --option-file %s --source-group %s --target-group %s", a->option_file,
                a->source_group, a->target_group);
    else if (a->source_password_env)
        fprintf(out, " --password-env %s", a->source_password_env);
    fputc('\n', out);
}

static bool Ask_all(InitArgs *a, bool ask_user, InitAsk *ans, FILE *in, FILE *out)
{
    bool need_password = !a->option_file && !a->source_password_env && !a->target_password_env;
    if (!a->source && !a->source_socket) {
        if (!Ask_where(in, out, "Source server (HOST[:PORT] or socket path)", false, ans->source,
                       sizeof ans->source))
            return false;
        Ask_place(ans->source, &a->source, &a->source_socket);
    }
    if (!a->target && !a->target_socket) {
        if (!Ask_where(in, out, "Target server (HOST[:PORT] or socket path)", false, ans->target,
                       sizeof ans->target))
            return false;
        Ask_place(ans->target, &a->target, &a->target_socket);
    }
    if (!a->endpoint) {
        if (!Ask_where(in, out, "PrivateLink endpoint to the source (empty: the source itself)",
                       true, ans->endpoint, sizeof ans->endpoint))
            return false;
        a->endpoint = *ans->endpoint ? ans->endpoint : NULL;
    }
    if (ask_user) {
        if (!Ask_line(in, out, "The console's database account", a->source_user, ans->user,
                      sizeof ans->user))
            return false;
        a->source_user = a->target_user = ans->user;
    }
    return !need_password || Ask_password(in, out, a, ans);
}

int Init_ask(InitArgs *a, bool ask_user, InitAsk *ans, FILE *in, FILE *out)
{
    memset(ans, 0, sizeof *ans);
    fprintf(out, "cutover init: a first plan from what the servers say; Ctrl-D stops "
                 "(nothing is written before the end). Passwords are never asked for, only "
                 "where they are.\n");
    if (!Ask_all(a, ask_user, ans, in, out)) {
        fprintf(out, "\ncutover init: stopped; nothing written\n");
        return EXIT_USAGE;
    }
    Ask_say_flags(a, out);
    return 0;
}
