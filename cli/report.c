/* cutover report [--audit FILE] [-o OUT.html] FILE
 * One self-contained HTML page about a recorded session: steps, downtime,
 * charts, alarms, the operator's decisions and notes, the audit verdict. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/atomic_file.h"
#include "report/collect.h"
#include "report/page.h"

typedef struct ReportArgs {
    const char *path;
    const char *out; /* NULL or "-": stdout */
    const char *audit;
} ReportArgs;

static void Report_usage(FILE *out)
{
    fprintf(out, "Usage: cutover report [--audit FILE] [-o OUT.html] FILE\n"
                 "Writes one self-contained HTML page about a recorded session: the steps with\n"
                 "their UTC times and durations, the downtime window, charts of lag, events/s and\n"
                 "endpoint latency with the steps marked, alarms, operator decisions and notes,\n"
                 "and whether the audit chain verifies.\n\n"
                 "  -o, --output OUT     write the page to OUT (default: standard output)\n"
                 "      --audit FILE     the audit log to verify (default: SLUG.audit.jsonl next\n"
                 "                       to the session file)\n"
                 "  -h, --help           this help\n");
}

static int Report_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover report: %s%s\nTry 'cutover report --help'.\n", what, arg);
    return EXIT_USAGE;
}

enum { OPT_AUDIT = 1000 };

/* 0 to go on, EXIT_USAGE after a message, -1 after --help. */
static int Report_parse(ReportArgs *a, int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"audit", required_argument, NULL, OPT_AUDIT},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': a->out = optarg; break;
        case OPT_AUDIT: a->audit = optarg; break;
        case 'h': Report_usage(stdout); return -1;
        case ':': return Report_bad("missing value for ", argv[optind - 1]);
        default: return Report_bad("unknown option ", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return Report_bad(optind == argc ? "no session FILE given" : "more than one FILE: ",
                          optind == argc ? "" : argv[optind + 1]);
    a->path = argv[optind];
    return 0;
}

static int Report_page(FILE *f, void *rep, char *err, size_t errsize)
{
    (void)err;
    (void)errsize;
    return Page_write(f, rep);
}

/* A reader never sees half a report (lib/atomic_file). 0, or -1 with err. */
static int Report_write_file(const Report *rep, const char *out, char *err, size_t errsize)
{
    return AtomicFile_write(out, 0644, Report_page, (void *)rep, err, errsize);
}

static void Report_say_audit(const Report *rep)
{
    const ReportAudit *a = &rep->audit;
    switch (a->verdict) {
    case AUDIT_INTACT:
        fprintf(stderr, "cutover report: audit chain intact, %ld records\n", a->records);
        break;
    case AUDIT_BROKEN:
        fprintf(stderr, "cutover report: audit chain broken at line %ld: %s\n", a->bad_line,
                a->message);
        break;
    default: fprintf(stderr, "cutover report: %s\n", a->message); break;
    }
}

int Command_report(int argc, char **argv)
{
    ReportArgs a;
    int rc = Report_parse(&a, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    Report *rep = malloc(sizeof *rep);
    char err[1280];
    if (!rep) {
        fprintf(stderr, "cutover report: out of memory\n");
        return EXIT_USAGE;
    }
    if (Report_collect(rep, a.path, a.audit, err, sizeof err) != 0) {
        fprintf(stderr, "cutover report: %s\n", err);
        free(rep);
        return EXIT_USAGE;
    }
    bool to_stdout = !a.out || strcmp(a.out, "-") == 0;
    if (to_stdout)
        rc = Page_write(stdout, rep) == 0 && fflush(stdout) == 0 ? 0 : -1;
    else
        rc = Report_write_file(rep, a.out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "cutover report: %s\n",
                to_stdout ? "cannot write to standard output" : err);
    else
        Report_say_audit(rep);
    if (rc == 0 && rep->problems[0])
        fprintf(stderr, "cutover report: %s: %s\n", a.path, rep->problems);
    Report_free(rep);
    free(rep);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
