#include "config.h"

#include <stdio.h>

#include "cli/commands.h"
#include "cli/options.h"

int Command_console(int argc, char **argv)
{
    RunOptions opt;
    int rc = RunOptions_parse(&opt, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    fprintf(stderr, "cutover: the console is being built\n");
    return EXIT_NO;
}

int Command_run(int argc, char **argv)
{
    return Command_console(argc, argv);
}

int Command_check(int argc, char **argv)
{
    return Command_console(argc, argv);
}

int Command_verify(int argc, char **argv)
{
    return Command_console(argc, argv);
}
