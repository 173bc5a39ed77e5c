/* cutover: the command line. Each subcommand lives in its own file under
 * cli/; this file only picks one. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const Command commands[] = {
    {"console", Command_console, "open the live console on PLAN (the default)"},
    {"run", Command_run, "carry out the cutover in PLAN (--headless for no screen)"},
    {"check", Command_check,
     "pre-flight only (--offline: the plan alone): exit 0 go, 1 no-go, 2 plan error"},
    {"verify", Command_verify, "check an audit log's hash chain: exit 0 intact, 1 broken"},
    {"replay", Command_replay, "replay a recorded session (--snapshot TIME prints one screen)"},
    {"follow", Command_follow, "watch a session another console is recording, read-only"},
    {"report", Command_report, "a self-contained HTML report of a recorded session"},
    {"export", Command_export, "export a recorded session (--asciicast, --compressed, --jsonl)"},
    {"init", Command_init, "write a first plan from what the source and the target say"},
};

static const size_t ncommands = sizeof commands / sizeof commands[0];

const Command *Commands_all(size_t *count)
{
    *count = ncommands;
    return commands;
}

static const Command *Commands_find(const char *name)
{
    for (size_t i = 0; i < ncommands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    /* Here, before any thread starts: setlocale() rewrites the global locale
     * that json-c copies (duplocale) on every parse, and the executor parses
     * the audit log while the console starts; a setlocale() racing that
     * copy corrupted the heap. Only the character set is taken from the
     * environment (curses needs it for UTF-8); numbers print with a dot
     * everywhere, as in the recording. */
    setlocale(LC_CTYPE, "");
    if (argc >= 2 && argv[1][0] != '-') {
        const Command *cmd = Commands_find(argv[1]);
        if (cmd)
            return cmd->run(argc - 1, argv + 1);
    }
    /* No subcommand: `cutover [options] PLAN` opens the console. */
    return Command_console(argc, argv);
}
