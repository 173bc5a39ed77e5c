# cli: the command line; main.c picks a subcommand, one file per command.
cutover_SOURCES += cli/main.c cli/commands.h cli/options.c cli/options.h cli/run.c
