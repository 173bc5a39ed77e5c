/* `cutover check --offline PLAN`: the plan alone, without connecting to
 * anything or writing anything: it parses (every key, type and combination
 * the parser knows), every password reference resolves (AWS secrets are
 * named as not checked: that needs AWS), every file the plan names is there
 * (CA bundles, the swap's file, the maintenance flag's directory), and every
 * command's program can be found. For the desk, the day before the night:
 * exit 0 when all pass, 1 when one fails, 2 when the plan does not parse. */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/check_offline.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "notify/webhook.h"
#include "plan/secret.h"

static void Offline_secret(CheckReport *o, const char *what, const SecretRef *ref)
{
    char where[300], pw[512], err[400], warn[300];
    if (ref->kind == SECRET_NONE)
        return;
    Secret_describe(ref, where, sizeof where);
    if (ref->kind == SECRET_AWS_SECRET) {
        CheckReport_line(o, "SKIP", what, "an AWS secret: not checked offline");
        return;
    }
    if (Secret_resolve(ref, pw, sizeof pw, err, sizeof err) != 0) {
        CheckReport_line(o, "FAIL", what, err);
        return;
    }
    memset(pw, 0, sizeof pw);
    if (Secret_file_warning(ref, warn, sizeof warn))
        CheckReport_line(o, "FAIL", what, warn);
    else
        CheckReport_line(o, "PASS", what, where);
}

static void Offline_file(CheckReport *o, const char *what, const char *path, bool dir_of)
{
    char copy[4096];
    struct stat st;
    if (!path)
        return;
    snprintf(copy, sizeof copy, "%s", path);
    const char *p = dir_of ? dirname(copy) : copy;
    char why[4200];
    if (stat(p, &st) != 0) {
        snprintf(why, sizeof why, "%s: not there", p);
        CheckReport_line(o, "FAIL", what, why);
    } else {
        snprintf(why, sizeof why, "%s", p);
        CheckReport_line(o, "PASS", what, why);
    }
}

/* argv[0] as the exec methods run it: a path, or looked up in PATH. */
static bool Offline_program_found(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    char dir[4096], full[4400];
    for (const char *p = path ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)n, p);
        snprintf(full, sizeof full, "%s/%s", n ? dir : ".", prog);
        if (access(full, X_OK) == 0)
            return true;
        p += n + (p[n] == ':');
    }
    return false;
}

static void Offline_command(CheckReport *o, const char *what, const PlanCommand *cmd)
{
    char why[600];
    if (!cmd->argv || !cmd->argv[0])
        return;
    bool found = Offline_program_found(cmd->argv[0]);
    snprintf(why, sizeof why, "%s%s", cmd->argv[0], found ? "" : ": not found (PATH)");
    CheckReport_line(o, found ? "PASS" : "FAIL", what, why);
}

static void Offline_servers(CheckReport *o, const Plan *plan)
{
    Offline_secret(o, "source password", &plan->source.password);
    Offline_secret(o, "target password", &plan->target.password);
    Offline_file(o, "source tls_ca", plan->source.tls_ca, false);
    Offline_file(o, "target tls_ca", plan->target.tls_ca, false);
    Offline_file(o, "source tls_cert", plan->source.tls_cert, false);
    Offline_file(o, "source tls_key", plan->source.tls_key, false);
    Offline_file(o, "target tls_cert", plan->target.tls_cert, false);
    Offline_file(o, "target tls_key", plan->target.tls_key, false);
    Offline_secret(o, "target_health password", &plan->target_health.app_password);
    Offline_secret(o, "audit hmac_key", &plan->audit_hmac_key);
    Offline_secret(o, "reverse password", &plan->reverse.password);
}

static void Offline_actions(CheckReport *o, const Plan *plan)
{
    if (plan->maintenance.method == METHOD_FILE)
        Offline_file(o, "maintenance flag's dir", plan->maintenance.path, true);
    Offline_command(o, "maintenance.on", &plan->maintenance.on_cmd);
    Offline_command(o, "maintenance.off", &plan->maintenance.off_cmd);
    if (plan->swap.method == SWAP_FILE)
        Offline_file(o, "swap file", plan->swap.path, false);
    Offline_command(o, "swap.command", &plan->swap.cmd);
    Offline_command(o, "swap.readback", &plan->swap.readback_cmd);
    Offline_command(o, "stop_replication.stop", &plan->stop_replication.stop);
    Offline_command(o, "stop_replication.start", &plan->stop_replication.start);
    Offline_command(o, "stop_replication.check", &plan->stop_replication.check);
    Offline_command(o, "reverse.start", &plan->reverse.start);
    Offline_command(o, "reverse.stop", &plan->reverse.stop);
}

static void Offline_notify(CheckReport *o, const Plan *plan)
{
    for (size_t i = 0; i < plan->notify.n; i++) {
        char what[96], err[600];
        snprintf(what, sizeof what, "notify %s", plan->notify.hooks[i].name);
        const PlanWebhook *w = &plan->notify.hooks[i];
        if (Webhook_check(w, false, err, sizeof err) != 0)
            CheckReport_line(o, "FAIL", what, err);
        else if (w->nsecrets)
            CheckReport_line(o, "PASS", what,
                             "URL and headers resolve; their Secrets Manager values are not "
                             "read offline");
        else
            CheckReport_line(o, "PASS", what, "URL and headers resolve");
    }
}

int CheckOffline_run(const char *path, bool json)
{
    char err[1024];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "cutover: %s\n", err);
        return EXIT_USAGE;
    }
    CheckReport o;
    char title[300];
    snprintf(title, sizeof title, "offline check of \"%s\" (nothing is connected to or written)",
             plan->name);
    CheckReport_begin(&o, json, 24, title);
    CheckReport_line(&o, "PASS", "plan", "parses: every key, type and combination");
    Offline_servers(&o, plan);
    Offline_actions(&o, plan);
    Offline_notify(&o, plan);
    CheckReport_end(&o, plan->name, "offline", "READY (offline)", "NOT READY");
    Plan_free(plan);
    return o.failed ? EXIT_NO : EXIT_OK;
}
