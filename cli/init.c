/* `cutover init`: connects to the source and the target given as options,
 * learns what it can (cli/init_detect.c) and writes a commented first plan
 * (cli/init_write.c) that `cutover check` can take at once. It never
 * overwrites a file without --force, and never writes a password: only
 * references to where one is (an environment variable, an option file's
 * group). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/init.h"
#include "lib/atomic_file.h"

static void Init_usage(FILE *out)
{
    fprintf(out,
            "Usage: cutover init --source HOST[:PORT] --target HOST[:PORT] [OPTIONS]\n"
            "Connects to both servers, detects what it can (flavour and version, RDS, the\n"
            "binary log's format, retention and GTIDs, whether the target is a replica, the\n"
            "application's tables with their sizes and keys) and writes a commented plan.\n\n"
            "  -o, --output PLAN          where to write it (default cutover.plan.jsonc)\n"
            "      --force                replace PLAN if it exists\n"
            "      --name NAME            the plan's name (default: cutover)\n"
            "      --source HOST[:PORT]   or --source-socket PATH\n"
            "      --target HOST[:PORT]   or --target-socket PATH\n"
            "      --endpoint HOST[:PORT] the PrivateLink endpoint (default: the source)\n"
            "      --user USER            the console's account on both (default cutover);\n"
            "                             --source-user, --target-user for each\n"
            "      --password-env VAR     its password in VAR (both servers); or\n"
            "                             --source-password-env, --target-password-env\n"
            "      --option-file FILE     or in a MySQL option file, groups --source-group\n"
            "                             and --target-group (default client)\n"
            "      --maintenance-flag PATH  the file that pauses the application\n"
            "      --swap-file PATH --swap-key KEY --swap-value VALUE\n"
            "                             the connection string to swap to the target\n"
            "      --app-user USER --app-password-env VAR  the target's health check\n"
            "      --dms-task-arn ARN --aws-region REGION [--aws-endpoint-url URL]\n"
            "                             the target is fed by this AWS DMS task: its\n"
            "                             mappings decide which tables are verified\n"
            "      --session-dir DIR      where recordings and the audit log go\n"
            "On a terminal, what --source and --target leave out is asked for (never a\n"
            "password: where it is), and the equivalent command line is printed.\n"
            "Passwords are read to connect and never written: the plan names where they\n"
            "are. Exit 0 written, 1 a server could not be read, 2 bad usage or PLAN exists.\n");
}

enum {
    O_FORCE = 1000,
    O_NAME,
    O_SOURCE,
    O_SOURCE_SOCKET,
    O_TARGET,
    O_TARGET_SOCKET,
    O_ENDPOINT,
    O_USER,
    O_SOURCE_USER,
    O_TARGET_USER,
    O_PASSWORD_ENV,
    O_SOURCE_PASSWORD_ENV,
    O_TARGET_PASSWORD_ENV,
    O_OPTION_FILE,
    O_SOURCE_GROUP,
    O_TARGET_GROUP,
    O_MAINTENANCE_FLAG,
    O_SWAP_FILE,
    O_SWAP_KEY,
    O_SWAP_VALUE,
    O_APP_USER,
    O_APP_PASSWORD_ENV,
    O_DMS_TASK_ARN,
    O_AWS_REGION,
    O_AWS_ENDPOINT_URL,
    O_SESSION_DIR,
};

static const struct option Init_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, O_FORCE},
    {"name", required_argument, NULL, O_NAME},
    {"source", required_argument, NULL, O_SOURCE},
    {"source-socket", required_argument, NULL, O_SOURCE_SOCKET},
    {"target", required_argument, NULL, O_TARGET},
    {"target-socket", required_argument, NULL, O_TARGET_SOCKET},
    {"endpoint", required_argument, NULL, O_ENDPOINT},
    {"user", required_argument, NULL, O_USER},
    {"source-user", required_argument, NULL, O_SOURCE_USER},
    {"target-user", required_argument, NULL, O_TARGET_USER},
    {"password-env", required_argument, NULL, O_PASSWORD_ENV},
    {"source-password-env", required_argument, NULL, O_SOURCE_PASSWORD_ENV},
    {"target-password-env", required_argument, NULL, O_TARGET_PASSWORD_ENV},
    {"option-file", required_argument, NULL, O_OPTION_FILE},
    {"source-group", required_argument, NULL, O_SOURCE_GROUP},
    {"target-group", required_argument, NULL, O_TARGET_GROUP},
    {"maintenance-flag", required_argument, NULL, O_MAINTENANCE_FLAG},
    {"swap-file", required_argument, NULL, O_SWAP_FILE},
    {"swap-key", required_argument, NULL, O_SWAP_KEY},
    {"swap-value", required_argument, NULL, O_SWAP_VALUE},
    {"app-user", required_argument, NULL, O_APP_USER},
    {"app-password-env", required_argument, NULL, O_APP_PASSWORD_ENV},
    {"dms-task-arn", required_argument, NULL, O_DMS_TASK_ARN},
    {"aws-region", required_argument, NULL, O_AWS_REGION},
    {"aws-endpoint-url", required_argument, NULL, O_AWS_ENDPOINT_URL},
    {"session-dir", required_argument, NULL, O_SESSION_DIR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Where each option's value goes (NULL: not a string option). */
static const char **Init_slot(InitArgs *a, int c)
{
    switch (c) {
    case 'o': return &a->output;
    case O_NAME: return &a->name;
    case O_SOURCE: return &a->source;
    case O_SOURCE_SOCKET: return &a->source_socket;
    case O_TARGET: return &a->target;
    case O_TARGET_SOCKET: return &a->target_socket;
    case O_ENDPOINT: return &a->endpoint;
    case O_SOURCE_USER: return &a->source_user;
    case O_TARGET_USER: return &a->target_user;
    case O_SOURCE_PASSWORD_ENV: return &a->source_password_env;
    case O_TARGET_PASSWORD_ENV: return &a->target_password_env;
    case O_OPTION_FILE: return &a->option_file;
    case O_SOURCE_GROUP: return &a->source_group;
    case O_TARGET_GROUP: return &a->target_group;
    case O_MAINTENANCE_FLAG: return &a->maintenance_flag;
    case O_SWAP_FILE: return &a->swap_file;
    case O_SWAP_KEY: return &a->swap_key;
    case O_SWAP_VALUE: return &a->swap_value;
    case O_APP_USER: return &a->app_user;
    case O_APP_PASSWORD_ENV: return &a->app_password_env;
    case O_DMS_TASK_ARN: return &a->dms_task_arn;
    case O_AWS_REGION: return &a->aws_region;
    case O_AWS_ENDPOINT_URL: return &a->aws_endpoint_url;
    case O_SESSION_DIR: return &a->session_dir;
    default: return NULL;
    }
}

static int Init_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover init: %s%s\nTry 'cutover init --help'.\n", what, arg ? arg : "");
    return EXIT_USAGE;
}

/* Options that only make sense together. */
static int Init_check_args(InitArgs *a)
{
    if (!a->source == !a->source_socket)
        return Init_bad("say where the source is: --source HOST[:PORT] or --source-socket", NULL);
    if (!a->target == !a->target_socket)
        return Init_bad("say where the target is: --target HOST[:PORT] or --target-socket", NULL);
    if (a->option_file && (a->source_password_env || a->target_password_env))
        return Init_bad("passwords from --option-file or from the environment, not both", NULL);
    if (!!a->swap_file + !!a->swap_key + !!a->swap_value != 0 &&
        !(a->swap_file && a->swap_key && a->swap_value))
        return Init_bad("the swap needs all three: --swap-file, --swap-key, --swap-value", NULL);
    if (!a->app_user != !a->app_password_env)
        return Init_bad("the health check needs both --app-user and --app-password-env", NULL);
    if (a->dms_task_arn && !a->aws_region)
        return Init_bad("--dms-task-arn needs --aws-region", NULL);
    return 0;
}

/* Asked on a terminal when a flag that says where a server is is missing. */
static bool Init_should_ask(const InitArgs *a)
{
    bool missing = (!a->source && !a->source_socket) || (!a->target && !a->target_socket);
    return missing && isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

/* 0 to go on, EXIT_USAGE after a message, -1 after --help. */
static int Init_parse(InitArgs *a, InitAsk *ans, int argc, char **argv)
{
    const char *user = "cutover", *password_env = NULL;
    bool user_given = false;
    memset(a, 0, sizeof *a);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", Init_longopts, NULL)) != -1) {
        const char **slot = Init_slot(a, c);
        if (slot)
            *slot = optarg;
        else if (c == 'h') {
            Init_usage(stdout);
            return -1;
        } else if (c == O_FORCE)
            a->force = true;
        else if (c == O_USER)
            user = optarg, user_given = true;
        else if (c == O_PASSWORD_ENV)
            password_env = optarg;
        else if (c == ':')
            return Init_bad("missing value for ", argv[optind - 1]);
        else
            return Init_bad("unknown option ", argv[optind - 1]);
    }
    if (optind != argc)
        return Init_bad("unexpected argument ", argv[optind]);
    a->output = a->output ? a->output : "cutover.plan.jsonc";
    a->name = a->name ? a->name : "cutover";
    a->source_user = a->source_user ? a->source_user : user;
    a->target_user = a->target_user ? a->target_user : user;
    a->source_password_env = a->source_password_env ? a->source_password_env : password_env;
    a->target_password_env = a->target_password_env ? a->target_password_env : password_env;
    a->source_group = a->source_group ? a->source_group : "client";
    a->target_group = a->target_group ? a->target_group : "client";
    user_given = user_given || a->source_user != user || a->target_user != user;
    if (Init_should_ask(a)) {
        int rc = Init_ask(a, !user_given, ans, stdin, stderr);
        if (rc != 0)
            return rc;
    }
    return Init_check_args(a);
}

bool Init_split_hostport(const char *text, char *host, size_t size, int *port)
{
    snprintf(host, size, "%s", text);
    char *colon = strrchr(host, ':'), *end;
    *port = 0;
    if (!colon || strchr(colon + 1, ']'))
        return *host != '\0';
    long p = strtol(colon + 1, &end, 10);
    bool ok = colon > host && colon[1] != '\0' && *end == '\0' && p >= 1 && p <= 65535;
    *colon = '\0';
    *port = ok ? (int)p : 0;
    return ok;
}

/* Init_split_hostport, or EXIT_USAGE after saying what is wrong. */
static int Init_hostport(const char *text, char *host, size_t size, int *port)
{
    return Init_split_hostport(text, host, size, port)
               ? 0
               : Init_bad("expected HOST or HOST:PORT (port 1-65535): ", text);
}

static bool Init_loopback(const char *host)
{
    return !host || strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
           strcmp(host, "::1") == 0;
}

/* HOST[:PORT] or a socket, the account and where its password is. */
static int Init_server_from(InitServer *s, const char *label, const char *hostport,
                            const char *socket, const char *user, const char *password_env,
                            const char *option_file, const char *group)
{
    PlanServer *p = &s->plan;
    memset(s, 0, sizeof *s);
    p->label = (char *)label;
    p->user = (char *)user;
    p->port = 3306;
    p->tls = TLS_PREFERRED;
    if (socket)
        p->socket = (char *)socket;
    else {
        int port;
        if (Init_hostport(hostport, s->host, sizeof s->host, &port) != 0)
            return EXIT_USAGE;
        p->host = s->host;
        p->port = port ? port : p->port;
    }
    if (password_env) {
        p->password.kind = SECRET_ENV;
        p->password.env = (char *)password_env;
    } else if (option_file) {
        p->password.kind = SECRET_OPTION_FILE;
        p->password.file = (char *)option_file;
        p->password.group = (char *)group;
    }
    return 0;
}

typedef struct InitJob {
    const InitArgs *args;
    const InitFacts *facts;
} InitJob;

static int Init_write_file(FILE *f, void *ctx, char *err, size_t errsize)
{
    InitJob *job = ctx;
    (void)err;
    (void)errsize;
    return Init_write(job->args, job->facts, f);
}

/* The plan as written must be one the console reads: parsed back now. */
static int Init_self_check(const char *path)
{
    char err[1024];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "cutover init: the plan written does not parse (a bug): %s\n", err);
        return EXIT_NO;
    }
    Plan_free(plan);
    return EXIT_OK;
}

static void Init_summary(const InitArgs *a, const InitFacts *f)
{
    fprintf(stderr, "cutover init: source %s%s, target %s%s%s; %zu table(s)", f->source.version,
            f->source.rds ? " (RDS)" : "", f->target.version, f->target.rds ? " (RDS)" : "",
            f->target.replica ? ", a replica" : "", f->ntables);
    if (f->nkeyless)
        fprintf(stderr, ", %zu without a key (named in the plan, not verified)", f->nkeyless);
    if (f->dms.read)
        fprintf(stderr, "; DMS task %s %s, carrying %zu of them%s", f->dms.identifier,
                f->dms.status, f->dms.ncarried,
                f->dms.heartbeat && f->dms.fence
                    ? ""
                    : " but NOT the heartbeat and fence tables (see the plan)");
    fprintf(stderr, "\ncutover init: wrote %s; next: cutover check %s\n", a->output, a->output);
}

int Command_init(int argc, char **argv)
{
    InitArgs a;
    InitAsk ans;
    int rc = Init_parse(&a, &ans, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    struct stat st;
    if (!a.force && stat(a.output, &st) == 0) {
        fprintf(stderr, "cutover init: %s exists; --force replaces it\n", a.output);
        return EXIT_USAGE;
    }
    InitFacts f;
    memset(&f, 0, sizeof f);
    if (Init_server_from(&f.source, "source", a.source, a.source_socket, a.source_user,
                         a.source_password_env, a.option_file, a.source_group) != 0 ||
        Init_server_from(&f.target, "target", a.target, a.target_socket, a.target_user,
                         a.target_password_env, a.option_file, a.target_group) != 0 ||
        (a.endpoint &&
         Init_hostport(a.endpoint, f.endpoint_host, sizeof f.endpoint_host, &f.endpoint_port) != 0))
        return EXIT_USAGE;
    char err[1400];
    if (Init_detect(&f, err, sizeof err) != 0 || Init_dms(&a, &f, err, sizeof err) != 0) {
        fprintf(stderr, "cutover init: %s\n", err);
        Init_facts_free(&f);
        return EXIT_NO;
    }
    /* TLS as the plan will ask for it: what loopback may skip, a remote
     * server keeps (verify-identity once its CA is named). */
    f.source.plan.tls =
        Init_loopback(f.source.plan.host) || !f.source.tls ? TLS_PREFERRED : TLS_REQUIRED;
    f.target.plan.tls =
        Init_loopback(f.target.plan.host) || !f.target.tls ? TLS_PREFERRED : TLS_REQUIRED;
    InitJob job = {.args = &a, .facts = &f};
    rc = AtomicFile_write(a.output, 0644, Init_write_file, &job, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "cutover init: %s\n", err);
        Init_facts_free(&f);
        return EXIT_NO;
    }
    Init_summary(&a, &f);
    Init_facts_free(&f);
    return Init_self_check(a.output);
}
