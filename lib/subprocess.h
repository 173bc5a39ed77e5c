/* The one way the console runs another program (exec hooks, the swap's
 * commands, credential_process): without a shell, stdin from /dev/null,
 * stdout and stderr captured, a deadline and a cancel flag. The child starts
 * with an empty signal mask and default dispositions (headless mode blocks
 * SIGINT/SIGTERM/SIGHUP in every thread, and a child would inherit that) in
 * its own process group, so a timeout or an abort kills it and everything it
 * started. */
#ifndef CUTOVER_LIB_SUBPROCESS_H
#define CUTOVER_LIB_SUBPROCESS_H

#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

/* Runs argv (argv[0] looked up in PATH). stdout goes into out (truncated to
 * size-1 bytes; trailing newlines removed), stderr's first line into err.
 * Returns the exit status (0-255), or -1 with err when it could not start,
 * was killed by a signal, ran past timeout_ms (the whole group is killed)
 * or was cancelled (likewise). cancel may be NULL. */
int Subprocess_run(char *const *argv, int timeout_ms, atomic_bool *cancel, char *out, size_t size,
                   char *err, size_t errsize);

/* Starts argv for a caller that reads it as it runs (a stream): stdin from
 * in_fd (-1: /dev/null), stdout and stderr into out_fd and err_fd, the same
 * signal set-up and process group as above. The caller reads, kills the
 * group (kill(-pid, ...)) and reaps. 0, or -1 with err. */
int Subprocess_start(char *const *argv, int in_fd, int out_fd, int err_fd, pid_t *pid, char *err,
                     size_t errsize);

#endif
