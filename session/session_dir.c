#include "session/session_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"

#define SLUG_MAX 64

static int SessionDir_fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int SessionDir_fail(char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* Lowercase letters and digits kept, every other run of bytes one '-'. */
static void SessionDir_slug(const char *name, char *slug, size_t size)
{
    size_t len = 0;
    for (const char *p = name ? name : ""; *p && len + 1 < size; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            slug[len++] = ch;
        else if (len > 0 && slug[len - 1] != '-')
            slug[len++] = '-';
    }
    while (len > 0 && slug[len - 1] == '-')
        len--;
    slug[len] = '\0';
    if (len == 0)
        snprintf(slug, size, "plan");
}

/* The override, the plan's choice, then the XDG state directory. */
static int SessionDir_pick(char *dir, size_t size, const Plan *plan, const char *override,
                           char *err, size_t errsize)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    struct passwd *pw = NULL;
    int n;
    if (override && *override)
        n = snprintf(dir, size, "%s", override);
    else if (plan && plan->session_dir && *plan->session_dir)
        n = snprintf(dir, size, "%s", plan->session_dir);
    else if (state && *state == '/')
        n = snprintf(dir, size, "%s/cutover", state);
    else if ((home && *home) || ((pw = getpwuid(getuid())) && (home = pw->pw_dir)))
        n = snprintf(dir, size, "%s/.local/state/cutover", home);
    else
        return SessionDir_fail(err, errsize,
                               "no session directory: set --session-dir, the plan's "
                               "session_dir, or HOME");
    if (n < 0 || (size_t)n >= size)
        return SessionDir_fail(err, errsize, "session directory path too long");
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    return 0;
}

/* mkdir -p, new directories 0700: recordings and audit logs are private. */
static int SessionDir_create(const char *dir, char *err, size_t errsize)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return SessionDir_fail(err, errsize, "session directory %s: %s", path, strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return SessionDir_fail(err, errsize, "session directory %s: not a directory", dir);
    return 0;
}

/* A new name for this run's recording: a second run in the same second gets
 * a suffix rather than an O_EXCL failure. */
static int SessionDir_recording(SessionDir *sd, const char *slug)
{
    time_t now = (time_t)(Clock_wall_ms() / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i < 100; i++) {
        char suffix[8] = "";
        if (i > 1)
            snprintf(suffix, sizeof suffix, "-%d", i);
        int n = snprintf(sd->recording, sizeof sd->recording, "%s/%s-%s%s.session.jsonl", sd->dir,
                         slug, stamp, suffix);
        if (n < 0 || (size_t)n >= sizeof sd->recording)
            return -1;
        if (access(sd->recording, F_OK) != 0)
            return 0;
    }
    return 0; /* all taken: the recorder's O_EXCL will say so */
}

int SessionDir_prepare(SessionDir *sd, const Plan *plan, const char *override, char *err,
                       size_t errsize)
{
    memset(sd, 0, sizeof *sd);
    char slug[SLUG_MAX];
    SessionDir_slug(plan ? plan->name : NULL, slug, sizeof slug);
    snprintf(sd->name, sizeof sd->name, "%s", plan && plan->name ? plan->name : slug);
    if (SessionDir_pick(sd->dir, sizeof sd->dir, plan, override, err, errsize) != 0 ||
        SessionDir_create(sd->dir, err, errsize) != 0)
        return -1;
    int a = snprintf(sd->audit, sizeof sd->audit, "%s/%s.audit.jsonl", sd->dir, slug);
    int l = snprintf(sd->lock, sizeof sd->lock, "%s/%s.lock", sd->dir, slug);
    if (a < 0 || (size_t)a >= sizeof sd->audit || l < 0 || (size_t)l >= sizeof sd->lock ||
        SessionDir_recording(sd, slug) != 0)
        return SessionDir_fail(err, errsize, "session directory path too long: %s", sd->dir);
    return 0;
}

/* Explains who holds the lock, from what the holder wrote into it. */
static int SessionDir_held(const SessionDir *sd, int fd, char *err, size_t errsize)
{
    char buf[512] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    long pid = 0;
    char host[256] = "", since[64] = "";
    if (sscanf(buf, "%ld %255s %63s", &pid, host, since) == 3)
        return SessionDir_fail(err, errsize,
                               "plan '%s' is being run by pid %ld on host %s since %s; open it "
                               "with --readonly to watch",
                               sd->name, pid, host, since);
    return SessionDir_fail(err, errsize,
                           "plan '%s' is being run by another process (lock %s); open it with "
                           "--readonly to watch",
                           sd->name, sd->lock);
}

int SessionDir_lock(const SessionDir *sd, char *err, size_t errsize)
{
    /* O_CLOEXEC: a command a step runs must not inherit (and outlive us
     * holding) the lock. */
    int fd = open(sd->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return SessionDir_fail(err, errsize, "lock %s: %s", sd->lock, strerror(errno));
    /* flock dies with its holder: a SIGKILLed console leaves no stale lock. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int errnum = errno;
        if (errnum == EWOULDBLOCK)
            SessionDir_held(sd, fd, err, errsize);
        else
            SessionDir_fail(err, errsize, "lock %s: %s", sd->lock, strerror(errnum));
        close(fd);
        return -1;
    }
    char host[256] = "unknown", since[32], line[400];
    gethostname(host, sizeof host);
    host[sizeof host - 1] = '\0';
    Clock_format_utc(Clock_wall_ms(), since, sizeof since);
    int n = snprintf(line, sizeof line, "%ld %s %s\n", (long)getpid(), host, since);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)n, 0) != n) {
        SessionDir_fail(err, errsize, "lock %s: %s", sd->lock, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
