/* Options of `cutover run` (and of `cutover PLAN`, which is the same). */
#ifndef CUTOVER_CLI_OPTIONS_H
#define CUTOVER_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef struct RunOptions {
    const char *plan_path;
    const char *session_dir;
    const char *theme;
    bool readonly;         /* observer: show everything, execute nothing */
    bool headless;         /* no full screen: one line per event on stdout */
    bool yes;              /* confirmations given in advance (rehearsals) */
    bool dry_run;          /* print what each step would run, run nothing */
    bool ascii;            /* force ASCII drawing */
    int exit_after_frames; /* tests: quit after N frames (0 = never) */
} RunOptions;

/* Parses argv (argv[0] is the command name). Returns 0, or EXIT_USAGE after
 * printing what was wrong to stderr, or -1 when --help/--version was
 * answered (exit 0). */
int RunOptions_parse(RunOptions *opt, int argc, char **argv);

void Cli_print_usage(FILE *out);
void Cli_print_version(void);

#endif
