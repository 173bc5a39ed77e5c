/* cutover follow [--theme NAME] [--ascii] FILE: watch a session another
 * console is recording, live and read-only. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "console/follow.h"

static void Follow_usage(FILE *out)
{
    fprintf(out, "Usage: cutover follow [OPTIONS] FILE\n"
                 "Shows a session another console is recording, live and read-only: it reads\n"
                 "the session file as it grows and never writes anything.\n\n"
                 "  -t, --theme NAME  dark, light, high-contrast, monochrome or a scheme file\n"
                 "      --ascii       draw with ASCII only\n"
                 "  -h, --help        this help\n\n"
                 "Keys: f freeze the display, t theme, ? help, q quit.\n");
}

static int Follow_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover follow: %s%s\nTry 'cutover follow --help'.\n", what, arg);
    return EXIT_USAGE;
}

enum { OPT_ASCII = 1000 };

int Command_follow(int argc, char **argv)
{
    static const struct option longopts[] = {{"theme", required_argument, NULL, 't'},
                                             {"ascii", no_argument, NULL, OPT_ASCII},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    FollowOptions opt;
    memset(&opt, 0, sizeof opt);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ht:", longopts, NULL)) != -1) {
        switch (c) {
        case 't': opt.theme = optarg; break;
        case OPT_ASCII: opt.ascii = true; break;
        case 'h': Follow_usage(stdout); return EXIT_OK;
        case ':': return Follow_bad("missing value for ", argv[optind - 1]);
        default: return Follow_bad("unknown option ", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return Follow_bad(optind == argc ? "no session FILE given" : "more than one FILE: ",
                          optind == argc ? "" : argv[optind + 1]);
    opt.path = argv[optind];
    return Follow_run(&opt);
}
