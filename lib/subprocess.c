#include "lib/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"

extern char **environ;

/* Empty mask, default dispositions for the signals the parent may block or
 * ignore, a process group of its own, no descriptor but 0, 1 and 2. */
static int Subprocess_spawn(char *const *argv, int infd, int outfd, int errfd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGHUP);
    sigaddset(&defaults, SIGPIPE);
    posix_spawn_file_actions_init(&fa);
    if (infd >= 0)
        posix_spawn_file_actions_adddup2(&fa, infd, 0);
    else
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, outfd, 1);
    posix_spawn_file_actions_adddup2(&fa, errfd, 2);
    /* Nothing of the console's is inherited: a database connection's socket
     * left open in a long-running child (the binlog reader) would keep the
     * plan's lock held on the source after the console died. */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &defaults);
    posix_spawnattr_setpgroup(&at, 0);
    int rc = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

static void Subprocess_take(int fd, char *buf, size_t size, size_t *len, bool *open_)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN))
            *open_ = false;
        return;
    }
    size_t room = size - 1 - *len;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(buf + *len, tmp, take);
    *len += take;
    buf[*len] = '\0';
}

/* Reads both pipes until they close, the deadline passes or abort. Returns
 * 0, or 1 on timeout, 2 on cancel. A grandchild that keeps the pipes open
 * keeps this reading until the deadline: then the group is killed. */
static int Subprocess_collect(int outfd, int errfd, int64_t deadline, atomic_bool *cancel,
                              char *out, size_t size, char *errbuf, size_t errsize)
{
    size_t outlen = 0, errlen = 0;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        if (cancel && atomic_load(cancel))
            return 2;
        int64_t left = deadline - Clock_mono_ms();
        if (left <= 0)
            return 1;
        struct pollfd p[2] = {{out_open ? outfd : -1, POLLIN, 0},
                              {err_open ? errfd : -1, POLLIN, 0}};
        if (poll(p, 2, left < 20 ? (int)left : 20) < 0 && errno != EINTR)
            return 1;
        if (p[0].revents)
            Subprocess_take(outfd, out, size, &outlen, &out_open);
        if (p[1].revents)
            Subprocess_take(errfd, errbuf, errsize, &errlen, &err_open);
    }
    return 0;
}

/* Waits for the child up to the deadline; kills its whole group if not (or
 * at once when kill_now). Returns the wait status, or -1 when killed. */
static int Subprocess_reap(pid_t pid, int64_t deadline, bool kill_now)
{
    int status;
    while (!kill_now && Clock_mono_ms() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            kill(-pid, SIGKILL); /* whatever it left behind in its group */
            return status;
        }
        Clock_sleep_ms(5);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

static void Subprocess_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static int Subprocess_pipes(int po[2], int pe[2], char *err, size_t errsize)
{
    if (pipe2(po, O_CLOEXEC) != 0)
        return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    }
    return 0;
}

int Subprocess_run(char *const *argv, int timeout_ms, atomic_bool *cancel, char *out, size_t size,
                   char *err, size_t errsize)
{
    if (timeout_ms <= 0)
        timeout_ms = 10000;
    out[0] = '\0';
    err[0] = '\0';
    if (!argv || !argv[0])
        return snprintf(err, errsize, "empty command"), -1;
    int po[2], pe[2];
    if (Subprocess_pipes(po, pe, err, errsize) != 0)
        return -1;
    int64_t deadline = Clock_mono_ms() + timeout_ms;
    pid_t pid = -1;
    int rc = Subprocess_spawn(argv, -1, po[1], pe[1], &pid);
    close(po[1]);
    close(pe[1]);
    if (rc != 0) {
        close(po[0]);
        close(pe[0]);
        return snprintf(err, errsize, "cannot run %s: %s", argv[0], strerror(rc)), -1;
    }
    char errbuf[512] = "";
    int why = Subprocess_collect(po[0], pe[0], deadline, cancel, out, size, errbuf, sizeof errbuf);
    close(po[0]);
    close(pe[0]);
    int status = Subprocess_reap(pid, deadline, why != 0);
    Subprocess_trim(out);
    errbuf[strcspn(errbuf, "\n")] = '\0';
    if (why == 1 || (status < 0 && why == 0))
        return snprintf(err, errsize, "%s: no answer within %d ms (killed)", argv[0], timeout_ms),
               -1;
    if (why == 2)
        return snprintf(err, errsize, "%s: cancelled (killed)", argv[0]), -1;
    if (WIFSIGNALED(status))
        return snprintf(err, errsize, "%s: killed by signal %d", argv[0], WTERMSIG(status)), -1;
    snprintf(err, errsize, "%s", errbuf);
    return WEXITSTATUS(status);
}

int Subprocess_start(char *const *argv, int in_fd, int out_fd, int err_fd, pid_t *pid, char *err,
                     size_t errsize)
{
    if (!argv || !argv[0])
        return snprintf(err, errsize, "empty command"), -1;
    int rc = Subprocess_spawn(argv, in_fd, out_fd, err_fd, pid);
    if (rc != 0)
        return snprintf(err, errsize, "cannot run %s: %s", argv[0], strerror(rc)), -1;
    return 0;
}
