/* The subcommands of cutover. Each returns the process exit status (the
 * EXIT_ values below; cutover(1) lists them). */
#ifndef CUTOVER_CLI_COMMANDS_H
#define CUTOVER_CLI_COMMANDS_H

#include <stddef.h>

typedef int (*CommandFn)(int argc, char **argv);

typedef struct Command {
    const char *name;
    CommandFn run;
    const char *summary;
} Command;

const Command *Commands_all(size_t *count);

int Command_console(int argc, char **argv);
int Command_run(int argc, char **argv);
int Command_check(int argc, char **argv);
int Command_verify(int argc, char **argv);
int Command_replay(int argc, char **argv);
int Command_follow(int argc, char **argv);
int Command_report(int argc, char **argv);
int Command_export(int argc, char **argv);
int Command_init(int argc, char **argv);

/* Exit statuses shared by every command, so a script can act on them. */
enum {
    EXIT_OK = 0,          /* done: the cutover completed, the check passed */
    EXIT_NO = 1,          /* a negative answer: no-go (nothing changed), a broken chain */
    EXIT_USAGE = 2,       /* bad usage, a bad plan, bad input */
    EXIT_ROLLED_BACK = 3, /* the cutover failed before the point of no return and was
                             rolled back cleanly: the application is on the source */
    EXIT_HELD = 4,        /* held past the point of no return: the application may be
                             writing to the target; a person must act (nothing was undone) */
    EXIT_LOCKED = 5,      /* another console holds this plan's lock */
    EXIT_STOPPED = 6,     /* stopped before the point with changes in place (a signal, a
                             rollback that could not finish): run again to resume */
};

#endif
