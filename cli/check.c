/* `cutover check PLAN`: the pre-flight checks alone, as a table; exit 0 go,
 * 1 no-go, 2 plan error. The checks create the heartbeat and fence tables
 * on the source when missing (as the console does), and write heartbeats
 * to measure lag; nothing else is changed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "checklist/preflight.h"
#include "cli/check_offline.h"
#include "cli/commands.h"
#include "lib/redact.h"

static void Check_print(void *arg, const char *check, bool pass, const char *why)
{
    (void)arg;
    char text[EVENT_TEXT_MAX];
    snprintf(text, sizeof text, "%s", why);
    Redact_apply(text, sizeof text);
    printf("%-4s  %-17s  %s\n", pass ? "PASS" : "FAIL", check, text);
    fflush(stdout);
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

int Command_check(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("Usage: cutover check [--offline] PLAN\nThe pre-flight checks: exit 0 go, 1 "
               "no-go, 2 plan error.\n  --offline  the plan alone: parses, passwords resolve, "
               "files and programs are there;\n             connects to nothing, writes "
               "nothing\n");
        return EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "--offline") == 0)
        return CheckOffline_run(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "cutover check: one plan expected: cutover check [--offline] PLAN\n");
        return EXIT_USAGE;
    }
    char err[1024];
    Plan *plan = Plan_load(argv[1], err, sizeof err);
    if (!plan) {
        fprintf(stderr, "cutover: %s\n", err);
        return EXIT_USAGE;
    }
    StepMemo memo;
    memset(&memo, 0, sizeof memo);
    StepCtx c = {
        .plan = plan,
        .timeouts = Step_timeouts(plan),
        .memo = &memo,
        .log = Check_log,
    };
    printf("pre-flight of \"%s\"\n", plan->name);
    int failed = Preflight_run(&c, Check_print, NULL);
    printf("%s\n", failed ? "NO-GO" : "GO");
    Step_drop(&c, c.source);
    Step_drop(&c, c.target);
    Plan_free(plan);
    return failed ? EXIT_NO : EXIT_OK;
}
