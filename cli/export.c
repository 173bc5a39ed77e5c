/* cutover export --asciicast [-o OUT.cast] [--size COLSxROWS] [--fps N]
 *                 [--speed X] [--no-compress] [--ascii] FILE
 * The replayed screens of a recorded session for asciinema.
 * cutover export --compressed [-o OUT] FILE | --jsonl [-o OUT] FILE
 * The recording itself, compressed or plain (cli/export_recording.c). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/export_recording.h"
#include "lib/atomic_file.h"
#include "replay/player.h"
#include "console/snapshot.h"
#include "report/asciicast.h"

#define EXPORT_DEFAULT_COLS 120
#define EXPORT_DEFAULT_ROWS 40
#define EXPORT_SPEED_MIN    0.01
#define EXPORT_SPEED_MAX    1000.0

typedef struct ExportArgs {
    const char *path;
    const char *out; /* NULL or "-": stdout */
    const char *size;
    bool asciicast, compressed, jsonl;
    AsciicastOptions cast;
} ExportArgs;

static void Export_usage(FILE *out)
{
    fprintf(out, "Usage: cutover export --asciicast [OPTIONS] FILE\n"
                 "       cutover export --compressed [-o OUT] FILE\n"
                 "       cutover export --jsonl [-o OUT] FILE\n"
                 "--asciicast writes the replayed screens of a recorded session as an\n"
                 "asciicast v2 file (asciinema play OUT.cast).\n"
                 "--compressed writes the recording in compressed blocks that replay, report\n"
                 "and verify read directly, and zcat/zgrep read as the plain lines (default\n"
                 "OUT: FILE.gz; read back and compared before it is kept; FILE is kept).\n"
                 "--jsonl writes the plain recorded lines of a recording, compressed or not.\n\n"
                 "  -o, --output OUT      write to OUT (default: standard output)\n"
                 "      --size COLSxROWS  the screen size (default: the recorded terminal's)\n"
                 "      --fps N           screens looked at per second of played time\n"
                 "                        (default 4, at most 60); only changes are written\n"
                 "      --speed X         playing speed (default 1: real time)\n"
                 "      --no-compress     play idle stretches in full (default: an idle stretch\n"
                 "                        of samples only plays in about a second)\n"
                 "      --ascii           draw with ASCII only\n"
                 "  -h, --help            this help\n");
}

static int Export_bad(const char *what, const char *arg)
{
    fprintf(stderr, "cutover export: %s%s\nTry 'cutover export --help'.\n", what, arg);
    return EXIT_USAGE;
}

static int Export_number(const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || (*end != '\0' && strcmp(end, "x") != 0) || !(v >= lo) || v > hi)
        return -1;
    *out = v;
    return 0;
}

enum {
    OPT_ASCIICAST = 1000,
    OPT_SIZE,
    OPT_FPS,
    OPT_SPEED,
    OPT_NO_COMPRESS,
    OPT_ASCII,
    OPT_COMPRESSED,
    OPT_JSONL,
};

static int Export_option(ExportArgs *a, int c, char **argv)
{
    switch (c) {
    case 'o': a->out = optarg; return 0;
    case OPT_ASCIICAST: a->asciicast = true; return 0;
    case OPT_COMPRESSED: a->compressed = true; return 0;
    case OPT_JSONL: a->jsonl = true; return 0;
    case OPT_SIZE: a->size = optarg; return 0;
    case OPT_FPS:
        if (Export_number(optarg, 0.1, ASCIICAST_FPS_MAX, &a->cast.fps) != 0)
            return Export_bad("--fps takes a number from 0.1 to 60, not ", optarg);
        return 0;
    case OPT_SPEED:
        if (Export_number(optarg, EXPORT_SPEED_MIN, EXPORT_SPEED_MAX, &a->cast.speed) != 0)
            return Export_bad("--speed takes a number from 0.01 to 1000, not ", optarg);
        return 0;
    case OPT_NO_COMPRESS: a->cast.compress = false; return 0;
    case OPT_ASCII: a->cast.ascii = true; return 0;
    case ':': return Export_bad("missing value for ", argv[optind - 1]);
    default: return Export_bad("unknown option ", argv[optind - 1]);
    }
}

/* 0 to go on, EXIT_USAGE after a message, -1 after --help. */
static int Export_parse(ExportArgs *a, int argc, char **argv)
{
    static const struct option longopts[] = {{"asciicast", no_argument, NULL, OPT_ASCIICAST},
                                             {"compressed", no_argument, NULL, OPT_COMPRESSED},
                                             {"jsonl", no_argument, NULL, OPT_JSONL},
                                             {"output", required_argument, NULL, 'o'},
                                             {"size", required_argument, NULL, OPT_SIZE},
                                             {"fps", required_argument, NULL, OPT_FPS},
                                             {"speed", required_argument, NULL, OPT_SPEED},
                                             {"no-compress", no_argument, NULL, OPT_NO_COMPRESS},
                                             {"ascii", no_argument, NULL, OPT_ASCII},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    a->cast.fps = ASCIICAST_FPS_DEFAULT;
    a->cast.speed = 1.0;
    a->cast.compress = true;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
        if (c == 'h') {
            Export_usage(stdout);
            return -1;
        }
        int rc = Export_option(a, c, argv);
        if (rc != 0)
            return rc;
    }
    if (a->asciicast + a->compressed + a->jsonl != 1)
        return Export_bad("say one format: --asciicast, --compressed or --jsonl", "");
    if (optind != argc - 1)
        return Export_bad(optind == argc ? "no session FILE given" : "more than one FILE: ",
                          optind == argc ? "" : argv[optind + 1]);
    a->path = argv[optind];
    return 0;
}

static int Export_size(ExportArgs *a, const Player *p)
{
    const SessionHeader *h = Player_header(p);
    a->cast.cols = h->cols >= 80 ? h->cols : EXPORT_DEFAULT_COLS;
    a->cast.rows = h->rows >= 24 ? h->rows : EXPORT_DEFAULT_ROWS;
    char err[256];
    if (a->size && Snapshot_parse_size(a->size, &a->cast.cols, &a->cast.rows, err, sizeof err)) {
        fprintf(stderr, "cutover export: %s\n", err);
        return -1;
    }
    return 0;
}

typedef struct ExportJob {
    const ExportArgs *args;
    Player *player;
    AsciicastStats *stats;
} ExportJob;

static int Export_cast(FILE *f, void *ctx, char *err, size_t errsize)
{
    ExportJob *job = ctx;
    return Asciicast_write(f, job->player, &job->args->cast, job->stats, err, errsize);
}

/* A reader never sees half a cast (lib/atomic_file). */
static int Export_to_file(const ExportArgs *a, Player *p, AsciicastStats *st, char *err,
                          size_t errsize)
{
    ExportJob job = {.args = a, .player = p, .stats = st};
    return AtomicFile_write(a->out, 0644, Export_cast, &job, err, errsize);
}

int Command_export(int argc, char **argv)
{
    ExportArgs a;
    int rc = Export_parse(&a, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    if (a.compressed)
        return ExportRecording_compressed(a.path, a.out);
    if (a.jsonl)
        return ExportRecording_jsonl(a.path, a.out);
    char err[1280];
    Player *p = Player_open(a.path, false, err, sizeof err);
    if (!p) {
        fprintf(stderr, "cutover export: %s\n", err);
        return EXIT_USAGE;
    }
    AsciicastStats st;
    if (Export_size(&a, p) != 0)
        rc = -1, err[0] = '\0';
    else if (!a.out || strcmp(a.out, "-") == 0)
        rc = Asciicast_write(stdout, p, &a.cast, &st, err, sizeof err) == 0 && fflush(stdout) == 0
                 ? 0
                 : -1;
    else
        rc = Export_to_file(&a, p, &st, err, sizeof err);
    if (rc != 0 && err[0])
        fprintf(stderr, "cutover export: %s\n", err);
    if (rc == 0)
        fprintf(stderr, "cutover export: %ld frames (%ld screens looked at), %.1f s\n",
                st.frames_written, st.frames_rendered, st.duration_s);
    char problems[512];
    Player_problems(p, problems, sizeof problems);
    if (problems[0])
        fprintf(stderr, "cutover export: %s: %s\n", a.path, problems);
    Player_close(p);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
