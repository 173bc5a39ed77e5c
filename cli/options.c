#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"

void Cli_print_version(void)
{
    printf("cutover %s\n", PACKAGE_VERSION);
}

void Cli_print_usage(FILE *out)
{
    size_t n;
    const Command *cmds = Commands_all(&n);
    fprintf(out, "Usage: cutover [run] [OPTIONS] PLAN\n"
                 "       cutover COMMAND [OPTIONS] ARGS\n\n"
                 "A terminal console for database cutover night: live replication lag, CDC\n"
                 "rate, endpoint latency and server metrics beside a checklist that carries\n"
                 "out the cutover, audits every step and records the night for replay.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
    fprintf(out, "\nOptions of run:\n"
                 "  -r, --readonly         observe only: show everything, execute nothing\n"
                 "      --headless         no full screen; print one line per event\n"
                 "  -y, --yes              confirm every step in advance (rehearsals)\n"
                 "  -n, --dry-run          print what each step would run, run nothing\n"
                 "  -s, --session-dir DIR  where the session recording and audit log go\n"
                 "  -t, --theme NAME       dark, light, high-contrast, monochrome or a file\n"
                 "      --ascii            draw with ASCII only\n"
                 "      --exit-after-frames N  quit after N screen updates (for tests)\n"
                 "  -h, --help             this help\n"
                 "  -V, --version          the version\n\n"
                 "Exit status of run --headless: 0 completed; 1 no-go, nothing changed; 2 bad\n"
                 "usage or plan; 3 failed and rolled back cleanly; 4 held past the point of no\n"
                 "return (the application may write to the target: a person must act, nothing\n"
                 "was undone); 5 another console holds the plan's lock; 6 stopped with changes\n"
                 "in place before the point (run again to resume).\n\n"
                 "Environment: NO_COLOR disables colour. See cutover(1) and cutover-plan(5).\n");
}

static int RunOptions_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover: %s%s\nTry 'cutover --help'.\n", what, arg);
    return EXIT_USAGE;
}

static int RunOptions_int(const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 0 || v > 1000000000L)
        return -1;
    *out = (int)v;
    return 0;
}

enum { OPT_HEADLESS = 1000, OPT_ASCII, OPT_EXIT_AFTER };

int RunOptions_parse(RunOptions *opt, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"readonly", no_argument, NULL, 'r'},
        {"headless", no_argument, NULL, OPT_HEADLESS},
        {"yes", no_argument, NULL, 'y'},
        {"dry-run", no_argument, NULL, 'n'},
        {"session-dir", required_argument, NULL, 's'},
        {"theme", required_argument, NULL, 't'},
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"exit-after-frames", required_argument, NULL, OPT_EXIT_AFTER},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    memset(opt, 0, sizeof *opt);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":rynhVs:t:", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': opt->readonly = true; break;
        case OPT_HEADLESS: opt->headless = true; break;
        case 'y': opt->yes = true; break;
        case 'n': opt->dry_run = true; break;
        case 's': opt->session_dir = optarg; break;
        case 't': opt->theme = optarg; break;
        case OPT_ASCII: opt->ascii = true; break;
        case OPT_EXIT_AFTER:
            if (RunOptions_int(optarg, &opt->exit_after_frames) != 0)
                return RunOptions_bad("--exit-after-frames needs a whole number, not ", optarg);
            break;
        case 'h': Cli_print_usage(stdout); return -1;
        case 'V': Cli_print_version(); return -1;
        case ':': return RunOptions_bad("this option needs a value: ", argv[optind - 1]);
        default: return RunOptions_bad("unknown option: ", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return RunOptions_bad("no plan given: cutover [run] [OPTIONS] PLAN", "");
    if (optind + 1 < argc)
        return RunOptions_bad("one plan at a time; unexpected argument: ", argv[optind + 1]);
    opt->plan_path = argv[optind];
    return 0;
}
