#include "checklist/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"

static const char *Proc_var(const ProcVars *v, const char *name, char *num, size_t numsize)
{
    const PlanServer *src = &v->plan->source, *dst = &v->plan->target;
    if (v->swap_servers)
        dst = src;
    if (strcmp(name, "source.host") == 0)
        return src->host ? src->host : "";
    if (strcmp(name, "target.host") == 0)
        return dst->host ? dst->host : "";
    if (strcmp(name, "source.port") == 0 || strcmp(name, "target.port") == 0) {
        snprintf(num, numsize, "%d", name[0] == 's' ? src->port : dst->port);
        return num;
    }
    if (strcmp(name, "value") == 0)
        return v->value ? v->value : "";
    if (strcmp(name, "plan.name") == 0)
        return v->plan->name ? v->plan->name : "";
    return NULL;
}

/* One argument with its {templates} filled; unknown names stay as written. */
static char *Proc_expand_word(const char *word, const ProcVars *vars)
{
    size_t cap = strlen(word) + 1024, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    for (const char *p = word; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        char name[64], num[16];
        const char *val = NULL;
        if (close && (size_t)(close - p - 1) < sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 1), p + 1);
            val = Proc_var(vars, name, num, sizeof num);
        }
        const char *piece = val ? val : p;
        size_t n = val ? strlen(val) : 1;
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, piece, n);
        len += n;
        p = val ? close + 1 : p + 1;
    }
    out[len] = '\0';
    return out;
}

char **Proc_expand(const PlanCommand *cmd, const ProcVars *vars)
{
    char **argv = calloc(cmd->argc + 1, sizeof *argv);
    if (!argv)
        return NULL;
    for (size_t i = 0; i < cmd->argc; i++) {
        argv[i] = Proc_expand_word(cmd->argv[i], vars);
        if (!argv[i]) {
            Proc_free(argv);
            return NULL;
        }
    }
    return argv;
}

void Proc_free(char **argv)
{
    if (!argv)
        return;
    for (char **a = argv; *a; a++)
        free(*a);
    free(argv);
}

void Proc_describe(char *const *argv, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; argv && argv[i] && len + 1 < size; i++) {
        bool quote = argv[i][0] == '\0' || strpbrk(argv[i], " \t'\"\\$") != NULL;
        int n = snprintf(out + len, size - len, quote ? "%s'%s'" : "%s%s", i ? " " : "", argv[i]);
        if (n < 0)
            break;
        len += (size_t)n;
        if (len >= size)
            len = size - 1;
    }
}

/* In the child: only async-signal-safe calls until exec. */
static void Proc_child(char *const *argv, int outfd, int errfd)
{
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, 0);
    dup2(outfd, 1);
    dup2(errfd, 2);
    execvp(argv[0], argv);
    static const char msg[] = "cannot run the command\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
}

static void Proc_take(int fd, char *buf, size_t size, size_t *len, bool *open_)
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

static void Proc_trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Reads both pipes until they close, the deadline passes or abort. Returns
 * 0, or 1 on timeout, 2 on cancel. */
static int Proc_collect(int outfd, int errfd, int timeout_ms, atomic_bool *cancel, char *out,
                        size_t size, char *errbuf, size_t errsize)
{
    size_t outlen = 0, errlen = 0;
    bool out_open = true, err_open = true;
    int64_t deadline = Clock_mono_ms() + timeout_ms;
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
            Proc_take(outfd, out, size, &outlen, &out_open);
        if (p[1].revents)
            Proc_take(errfd, errbuf, errsize, &errlen, &err_open);
    }
    return 0;
}

/* Waits for the child to exit, up to the deadline; kills the group if not. */
static int Proc_reap(pid_t pid, int64_t deadline, bool kill_now)
{
    int status;
    while (!kill_now && Clock_mono_ms() < deadline) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        Clock_sleep_ms(5);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

int Proc_run(char *const *argv, int timeout_ms, atomic_bool *cancel, char *out, size_t size,
             char *err, size_t errsize)
{
    if (timeout_ms <= 0)
        timeout_ms = 10000;
    out[0] = '\0';
    err[0] = '\0';
    if (!argv || !argv[0])
        return snprintf(err, errsize, "empty command"), -1;
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) != 0)
        return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]);
        close(po[1]);
        return snprintf(err, errsize, "pipe: %s", strerror(errno)), -1;
    }
    int64_t deadline = Clock_mono_ms() + timeout_ms;
    pid_t pid = fork();
    if (pid == 0)
        Proc_child(argv, po[1], pe[1]);
    close(po[1]);
    close(pe[1]);
    if (pid < 0) {
        close(po[0]);
        close(pe[0]);
        return snprintf(err, errsize, "fork: %s", strerror(errno)), -1;
    }
    char errbuf[512] = "";
    int why = Proc_collect(po[0], pe[0], timeout_ms, cancel, out, size, errbuf, sizeof errbuf);
    close(po[0]);
    close(pe[0]);
    int status = Proc_reap(pid, deadline, why != 0);
    Proc_trim(out);
    char *nl = strchr(errbuf, '\n');
    if (nl)
        *nl = '\0';
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
