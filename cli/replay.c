/* cutover replay [--theme NAME] [--ascii] [--speed X] [--start TIME] [--paused] FILE
 * cutover replay --snapshot TIME [--size COLSxROWS] [--theme NAME] [--ascii] FILE */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "console/replay.h"
#include "replay/player.h"
#include "console/snapshot.h"
#include "replay/timearg.h"
#include "themes/theme.h"

#define REPLAY_DEFAULT_COLS 120
#define REPLAY_DEFAULT_ROWS 40

typedef struct ReplayArgs {
    ReplayOptions play;
    const char *snapshot; /* TIME */
    const char *size;     /* COLSxROWS */
} ReplayArgs;

static void Replay_usage(FILE *out)
{
    fprintf(out,
            "Usage: cutover replay [OPTIONS] FILE\n"
            "       cutover replay --snapshot TIME [--size COLSxROWS] FILE\n"
            "Replays a recorded session in the console's panels.\n\n"
            "  -t, --theme NAME        dark, light, high-contrast, monochrome or a scheme file\n"
            "      --ascii             draw with ASCII only\n"
            "      --speed X           playing speed, 0.25 to 64 (default 1)\n"
            "      --start TIME        start there instead of at the beginning\n"
            "      --paused            start paused\n"
            "      --snapshot TIME     print the screen at TIME as text and exit\n"
            "      --size COLSxROWS    the snapshot's size (default: the recorded terminal's)\n"
            "  -h, --help              this help\n\n"
            "TIME: 2026-11-21T00:30:08Z (UTC, .123 for ms), 00:30:08 (UTC on the recorded day)\n"
            "or an offset from the start: +8s, +1m30s, +2h, +1500ms.\n\n"
            "Keys: Space play/pause, + - speed, = back to 1x, Left/Right 10 s, Shift-Left/Right\n"
            "1 min, [ ] previous/next step transition, g go to a time, 0-9 jump to 0%%, 10%%,\n"
            "... 90%%, End the end, c compress idle stretches, ? help, q quit.\n");
}

static int Replay_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover replay: %s%s\nTry 'cutover replay --help'.\n", what, arg);
    return EXIT_USAGE;
}

enum { OPT_ASCII = 1000, OPT_SPEED, OPT_SNAPSHOT, OPT_SIZE, OPT_START, OPT_PAUSED };

static int Replay_speed_arg(const char *text, double *speed)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || (*end != '\0' && strcmp(end, "x") != 0) || !(v >= REPLAY_SPEED_MIN) ||
        v > REPLAY_SPEED_MAX)
        return -1;
    *speed = v;
    return 0;
}

/* 0 to go on, EXIT_USAGE after a message, -1 after --help. */
static int Replay_parse(ReplayArgs *a, int argc, char **argv)
{
    static const struct option longopts[] = {{"theme", required_argument, NULL, 't'},
                                             {"ascii", no_argument, NULL, OPT_ASCII},
                                             {"speed", required_argument, NULL, OPT_SPEED},
                                             {"snapshot", required_argument, NULL, OPT_SNAPSHOT},
                                             {"size", required_argument, NULL, OPT_SIZE},
                                             {"start", required_argument, NULL, OPT_START},
                                             {"paused", no_argument, NULL, OPT_PAUSED},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->play.speed = 1.0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ht:", longopts, NULL)) != -1) {
        switch (c) {
        case 't': a->play.theme = optarg; break;
        case OPT_ASCII: a->play.ascii = true; break;
        case OPT_SPEED:
            if (Replay_speed_arg(optarg, &a->play.speed) != 0)
                return Replay_bad("--speed takes a number from 0.25 to 64, not ", optarg);
            break;
        case OPT_SNAPSHOT: a->snapshot = optarg; break;
        case OPT_SIZE: a->size = optarg; break;
        case OPT_START: a->play.start = optarg; break;
        case OPT_PAUSED: a->play.paused = true; break;
        case 'h': Replay_usage(stdout); return -1;
        case ':': return Replay_bad("missing value for ", argv[optind - 1]);
        default: return Replay_bad("unknown option ", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return Replay_bad(optind == argc ? "no session FILE given" : "more than one FILE: ",
                          optind == argc ? "" : argv[optind + 1]);
    if (a->size && !a->snapshot)
        return Replay_bad("--size goes with --snapshot", "");
    a->play.path = argv[optind];
    return 0;
}

static int Replay_snapshot(const ReplayArgs *a)
{
    char err[1280], problems[512];
    Theme theme;
    if (a->play.theme && Theme_load(a->play.theme, &theme, err, sizeof err) != 0)
        return Replay_bad("", err);
    Player *p = Player_open(a->play.path, false, err, sizeof err);
    if (!p) {
        fprintf(stderr, "cutover replay: %s\n", err);
        return EXIT_USAGE;
    }
    const SessionHeader *h = Player_header(p);
    int cols = h->cols >= 80 ? h->cols : REPLAY_DEFAULT_COLS;
    int rows = h->rows >= 24 ? h->rows : REPLAY_DEFAULT_ROWS;
    int64_t t, start = Player_start_ms(p), end = Player_end_ms(p);
    int rc = EXIT_USAGE;
    char *text = NULL;
    if (a->size && Snapshot_parse_size(a->size, &cols, &rows, err, sizeof err) != 0)
        fprintf(stderr, "cutover replay: %s\n", err);
    else if (TimeArg_parse(a->snapshot, start, end, &t, err, sizeof err) != 0 ||
             TimeArg_check(a->snapshot, t, start, end, err, sizeof err) != 0)
        fprintf(stderr, "cutover replay: %s\n", err);
    else if (Player_seek(p, t) != 0)
        fprintf(stderr, "cutover replay: %s\n", Player_error(p));
    else if (!(text = Snapshot_text(Player_model(p), Player_percent(p), cols, rows, a->play.ascii)))
        fprintf(stderr, "cutover replay: out of memory\n");
    else {
        fputs(text, stdout);
        rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_NO;
    }
    free(text);
    Player_problems(p, problems, sizeof problems);
    if (problems[0])
        fprintf(stderr, "cutover replay: %s: %s\n", a->play.path, problems);
    Player_close(p);
    return rc;
}

int Command_replay(int argc, char **argv)
{
    ReplayArgs a;
    int rc = Replay_parse(&a, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    if (a.snapshot)
        return Replay_snapshot(&a);
    return Replay_run(&a.play);
}
