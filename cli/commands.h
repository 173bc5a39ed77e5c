/* The subcommands of cutover. Each returns the process exit status:
 * 0 success, 1 a negative answer (no-go, broken chain, failed cutover),
 * 2 bad usage or bad input. */
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

/* Exit statuses shared by every command. */
enum { EXIT_OK = 0, EXIT_NO = 1, EXIT_USAGE = 2 };

#endif
