/* `cutover check PLAN`: the pre-flight checks alone, as a table; exit 0 go,
 * 1 no-go, 2 plan error. The checks create the heartbeat and fence tables
 * on the source when missing (as the console does), and write heartbeats
 * to measure lag; nothing else is changed. With --json, one JSON document
 * (cli/check_report.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "aws/awsplan.h"
#include "checklist/preflight.h"
#include "cli/check_offline.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "lib/redact.h"

static void Check_print(void *arg, const char *check, bool pass, const char *why)
{
    CheckReport_line(arg, pass ? "PASS" : "FAIL", check, why);
}

static void Check_log(void *arg, LogLevel level, const char *text)
{
    (void)arg;
    (void)level;
    char copy[EVENT_TEXT_MAX];
    snprintf(copy, sizeof copy, "%s", text);
    Redact_apply(copy, sizeof copy);
    fprintf(stderr, "cutover: %s\n", copy);
}

static void Check_usage(FILE *out)
{
    fprintf(out, "Usage: cutover check [--offline] [--json] PLAN\n"
                 "The pre-flight checks: exit 0 go, 1 no-go, 2 plan error.\n"
                 "  --offline  the plan alone: parses, passwords resolve, files and programs\n"
                 "             are there; connects to nothing, writes nothing\n"
                 "  --json     one JSON document on standard output (for scripts):\n"
                 "             {plan, mode, go, failed, checks: [{check, verdict, why}]}\n");
}

/* 0 to go on, EXIT_USAGE after a message, -1 after --help. */
static int Check_parse(int argc, char **argv, bool *offline, bool *json, const char **plan)
{
    static const struct option longopts[] = {{"offline", no_argument, NULL, 'o'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    *offline = *json = false;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            Check_usage(stdout);
            return -1;
        }
        if (c == 'o')
            *offline = true;
        else if (c == 'j')
            *json = true;
        else {
            fprintf(stderr, "cutover check: unknown option %s\n", argv[optind - 1]);
            Check_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "cutover check: one plan expected: cutover check [--offline] [--json] "
                        "PLAN\n");
        return EXIT_USAGE;
    }
    *plan = argv[optind];
    return 0;
}

int Command_check(int argc, char **argv)
{
    bool offline, json;
    const char *path;
    int rc = Check_parse(argc, argv, &offline, &json, &path);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    if (offline)
        return CheckOffline_run(path, json);
    char err[1024];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "cutover: %s\n", err);
        return EXIT_USAGE;
    }
    /* Passwords and webhook values from Secrets Manager resolve as in a run. */
    Awsplan_begin(&plan->aws);
    StepMemo memo;
    memset(&memo, 0, sizeof memo);
    StepCtx c = {
        .plan = plan,
        .timeouts = Step_timeouts(plan),
        .memo = &memo,
        .log = Check_log,
    };
    CheckReport report;
    char title[300];
    snprintf(title, sizeof title, "pre-flight of \"%s\"", plan->name);
    CheckReport_begin(&report, json, 17, title);
    Preflight_run(&c, Check_print, &report);
    int failed = report.failed;
    CheckReport_end(&report, plan->name, "online", "GO", "NO-GO");
    Step_drop(&c, c.source);
    Step_drop(&c, c.target);
    Awsplan_end();
    Plan_free(plan);
    return failed ? EXIT_NO : EXIT_OK;
}
