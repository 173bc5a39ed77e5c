/* `cutover [run] PLAN`: the live console, or with --headless the same run
 * without a screen. */
#include "config.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/headless.h"
#include "cli/options.h"
#include "cli/runtime.h"
#include "console/live.h"
#include "console/loop.h"

/* The terminal's size for the recording's header, read before curses starts. */
static void Run_terminal_size(int *cols, int *rows)
{
    struct winsize ws;
    *cols = *rows = 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
}

static int Run_console(const RunOptions *opt)
{
    Runtime rt;
    Event last_word = {0};
    int cols, rows;
    Run_terminal_size(&cols, &rows);
    Loop_block_signals(); /* before any thread starts: only the loop takes them */
    int rc = Runtime_open(&rt, opt, cols, rows);
    if (rc != 0)
        return rc;
    LiveConfig cfg = {
        .plan = rt.plan,
        .bus = rt.bus,
        .queue = rt.events,
        .executor = rt.executor,
        .session_file = opt->readonly ? NULL : rt.dir.recording,
        .theme = opt->theme,
        .yes = opt->yes,
        .ascii = opt->ascii,
        .exit_after_frames = opt->exit_after_frames,
        .last_word = &last_word,
    };
    rc = Live_run(&cfg);
    Runtime_close_with(&rt, &last_word);
    return rc;
}

int Command_console(int argc, char **argv)
{
    RunOptions opt;
    int rc = RunOptions_parse(&opt, argc, argv);
    if (rc != 0)
        return rc < 0 ? EXIT_OK : rc;
    if (opt.headless)
        return Headless_run(&opt);
    return Run_console(&opt);
}

int Command_run(int argc, char **argv)
{
    return Command_console(argc, argv);
}
