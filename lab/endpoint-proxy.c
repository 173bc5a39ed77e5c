/* The lab's stand-in for the PrivateLink interface endpoint: a TCP proxy on
 * loopback in front of the source database, with an added delay and a switch
 * that blackholes or resets connections.
 *
 *   endpoint-proxy --listen-port P --target-port T --control FILE --log FILE
 *                  [--port-file FILE] [--state-file FILE]
 *
 * One thread, one poll() loop. Every chunk read from one side is held for
 * delay_ms before it is written to the other, so a round trip grows by twice
 * the delay. The control file (KEY=value lines: delay_ms=N, mode=pass|
 * blackhole|reset) is re-read whenever it changes; after each change the
 * proxy writes the settings it applied to the state file, so a caller can
 * wait until a change is in force. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

enum {
    MAX_CONNS = 256,
    CHUNK_SIZE = 16384,
    QUEUE_LIMIT = 4 * 1024 * 1024, /* bytes held per direction before reading pauses */
    CONTROL_CHECK_MS = 50,
    MAX_DELAY_MS = 600000,
};

typedef enum { MODE_PASS = 0, MODE_BLACKHOLE, MODE_RESET } ProxyMode;

typedef struct Chunk {
    struct Chunk *next;
    int64_t due_ms; /* monotonic time it may be forwarded */
    size_t len;
    size_t off;
    char data[];
} Chunk;

/* One direction of a connection: bytes read from `from`, written to `to`. */
typedef struct Flow {
    Chunk *head;
    Chunk *tail;
    size_t queued;
    bool eof;       /* `from` reached end of file */
    bool shut;      /* `to` has been shut down for writing */
    uint64_t bytes; /* forwarded so far */
} Flow;

typedef struct Conn {
    int id;
    int client;   /* accepted socket */
    int upstream; /* socket to the source, -1 until connected */
    bool connecting;
    Flow up;   /* client -> upstream */
    Flow down; /* upstream -> client */
} Conn;

typedef struct Settings {
    ProxyMode mode;
    int delay_ms;
} Settings;

typedef struct Proxy {
    int listener;
    int target_port;
    const char *control_path;
    const char *state_path;
    FILE *log;
    Settings settings;
    struct timespec control_mtime;
    ino_t control_ino;
    off_t control_size;
    bool control_seen;
    int64_t next_control_check;
    Conn *conns[MAX_CONNS];
    int next_id;
} Proxy;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *mode_name(ProxyMode mode)
{
    switch (mode) {
    case MODE_PASS: return "pass";
    case MODE_BLACKHOLE: return "blackhole";
    case MODE_RESET: return "reset";
    }
    return "?";
}

__attribute__((format(printf, 2, 3))) static void log_line(Proxy *p, const char *fmt, ...)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(p->log, "%s.%03ldZ ", stamp, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->log, fmt, ap);
    va_end(ap);
    fputc('\n', p->log);
    fflush(p->log);
}

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Closing with SO_LINGER 0 sends RST instead of FIN, as a reset path does. */
static void close_reset(int fd)
{
    if (fd < 0)
        return;
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static void flow_clear(Flow *f)
{
    Chunk *c = f->head;
    while (c) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    f->head = f->tail = NULL;
    f->queued = 0;
}

static void conn_close(Proxy *p, int slot, bool reset, const char *why)
{
    Conn *c = p->conns[slot];
    log_line(p, "conn %d closed (%s): %llu bytes to source, %llu bytes to client", c->id, why,
             (unsigned long long)c->up.bytes, (unsigned long long)c->down.bytes);
    if (reset) {
        close_reset(c->client);
        close_reset(c->upstream);
    } else {
        close(c->client);
        if (c->upstream >= 0)
            close(c->upstream);
    }
    flow_clear(&c->up);
    flow_clear(&c->down);
    free(c);
    p->conns[slot] = NULL;
}

static void write_state(Proxy *p)
{
    if (!p->state_path)
        return;
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", p->state_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        log_line(p, "cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    fprintf(f, "mode=%s\ndelay_ms=%d\n", mode_name(p->settings.mode), p->settings.delay_ms);
    if (fclose(f) != 0 || rename(tmp, p->state_path) != 0)
        log_line(p, "cannot write %s: %s", p->state_path, strerror(errno));
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static bool parse_delay(const char *v, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end != '\0' || n < 0 || n > MAX_DELAY_MS)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_mode(const char *v, ProxyMode *out)
{
    static const ProxyMode modes[] = {MODE_PASS, MODE_BLACKHOLE, MODE_RESET};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strcmp(v, mode_name(modes[i])) == 0) {
            *out = modes[i];
            return true;
        }
    }
    return false;
}

/* One control line into `s`; a bad line is logged with its number and left
 * out, the rest of the file still applies. */
static void control_line(Proxy *p, char *line, int lineno, Settings *s)
{
    char *text = trim(line);
    if (*text == '\0' || *text == '#')
        return;
    char *eq = strchr(text, '=');
    if (!eq) {
        log_line(p, "%s:%d: ignored: expected KEY=value", p->control_path, lineno);
        return;
    }
    *eq = '\0';
    char *key = trim(text);
    char *value = trim(eq + 1);
    if (strcmp(key, "delay_ms") == 0) {
        if (!parse_delay(value, &s->delay_ms))
            log_line(p, "%s:%d: ignored: delay_ms must be an integer 0..%d", p->control_path,
                     lineno, MAX_DELAY_MS);
    } else if (strcmp(key, "mode") == 0) {
        if (!parse_mode(value, &s->mode))
            log_line(p, "%s:%d: ignored: mode must be pass, blackhole or reset", p->control_path,
                     lineno);
    } else {
        log_line(p, "%s:%d: ignored: unknown key \"%.40s\" (expected delay_ms or mode)",
                 p->control_path, lineno, key);
    }
}

static void apply_settings(Proxy *p, Settings next)
{
    Settings old = p->settings;
    p->settings = next;
    if (old.mode != next.mode || old.delay_ms != next.delay_ms)
        log_line(p, "settings: mode=%s delay_ms=%d", mode_name(next.mode), next.delay_ms);
    if (next.mode == MODE_RESET) {
        for (int i = 0; i < MAX_CONNS; i++)
            if (p->conns[i])
                conn_close(p, i, true, "reset by control");
    }
    write_state(p);
}

static void control_read(Proxy *p)
{
    FILE *f = fopen(p->control_path, "r");
    if (!f) {
        log_line(p, "cannot read %s: %s; keeping mode=%s delay_ms=%d", p->control_path,
                 strerror(errno), mode_name(p->settings.mode), p->settings.delay_ms);
        return;
    }
    /* Keys absent from the file keep their defaults, so the file alone says
     * what is in force. */
    Settings s = {.mode = MODE_PASS, .delay_ms = 0};
    char line[512];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            log_line(p, "%s:%d: ignored: line longer than %zu bytes", p->control_path, lineno,
                     sizeof line - 2);
            int ch;
            while ((ch = fgetc(f)) != EOF && ch != '\n')
                ;
            continue;
        }
        control_line(p, line, lineno, &s);
    }
    fclose(f);
    apply_settings(p, s);
}

static void control_check(Proxy *p, int64_t now)
{
    if (now < p->next_control_check)
        return;
    p->next_control_check = now + CONTROL_CHECK_MS;
    struct stat st;
    if (stat(p->control_path, &st) != 0)
        return; /* a missing file changes nothing */
    bool changed = !p->control_seen || st.st_ino != p->control_ino ||
                   st.st_size != p->control_size || st.st_mtim.tv_sec != p->control_mtime.tv_sec ||
                   st.st_mtim.tv_nsec != p->control_mtime.tv_nsec;
    if (!changed)
        return;
    p->control_seen = true;
    p->control_ino = st.st_ino;
    p->control_size = st.st_size;
    p->control_mtime = st.st_mtim;
    control_read(p);
}

static int upstream_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void accept_one(Proxy *p)
{
    int fd = accept4(p->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    int id = ++p->next_id;
    if (p->settings.mode == MODE_RESET) {
        log_line(p, "conn %d reset on accept (mode=reset)", id);
        close_reset(fd);
        return;
    }
    int slot = -1;
    for (int i = 0; i < MAX_CONNS && slot < 0; i++)
        if (!p->conns[i])
            slot = i;
    if (slot < 0) {
        log_line(p, "conn %d refused: %d connections open", id, MAX_CONNS);
        close_reset(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    Conn *c = calloc(1, sizeof *c);
    if (!c) {
        close_reset(fd);
        return;
    }
    c->id = id;
    c->client = fd;
    c->upstream = -1;
    p->conns[slot] = c;
    log_line(p, "conn %d accepted (mode=%s delay_ms=%d)", id, mode_name(p->settings.mode),
             p->settings.delay_ms);
}

/* A blackholed path never reaches the source, so the upstream connection is
 * only opened once the path passes traffic. */
static bool conn_start_upstream(Proxy *p, int slot)
{
    Conn *c = p->conns[slot];
    c->upstream = upstream_connect(p->target_port);
    if (c->upstream < 0) {
        conn_close(p, slot, true, "cannot connect to source");
        return false;
    }
    c->connecting = true;
    return true;
}

static bool flow_read(Proxy *p, Flow *f, int from, int64_t now)
{
    static char buf[CHUNK_SIZE];
    if (f->eof || f->queued >= QUEUE_LIMIT)
        return true;
    ssize_t n = read(from, buf, sizeof buf);
    if (n == 0)
        f->eof = true;
    if (n <= 0)
        return n == 0 || errno == EAGAIN || errno == EINTR;
    Chunk *ch = malloc(sizeof *ch + (size_t)n);
    if (!ch)
        return false;
    memcpy(ch->data, buf, (size_t)n);
    ch->next = NULL;
    ch->len = (size_t)n;
    ch->off = 0;
    ch->due_ms = now + p->settings.delay_ms;
    if (f->tail)
        f->tail->next = ch;
    else
        f->head = ch;
    f->tail = ch;
    f->queued += (size_t)n;
    return true;
}

/* Writes every chunk that is due; shuts the write side once the reader's
 * end of file has been forwarded. */
static bool flow_write(Flow *f, int to, int64_t now)
{
    while (f->head && f->head->due_ms <= now) {
        Chunk *ch = f->head;
        ssize_t n = write(to, ch->data + ch->off, ch->len - ch->off);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        ch->off += (size_t)n;
        f->bytes += (uint64_t)n;
        f->queued -= (size_t)n;
        if (ch->off < ch->len)
            return true;
        f->head = ch->next;
        if (!f->head)
            f->tail = NULL;
        free(ch);
    }
    if (f->eof && !f->head && !f->shut) {
        shutdown(to, SHUT_WR);
        f->shut = true;
    }
    return true;
}

static short flow_events_from(const Flow *f)
{
    return (!f->eof && f->queued < QUEUE_LIMIT) ? POLLIN : 0;
}

static short flow_events_to(const Flow *f, int64_t now)
{
    return (f->head && f->head->due_ms <= now) ? POLLOUT : 0;
}

static int64_t flow_next_due(const Flow *f, int64_t best)
{
    if (f->head && (best < 0 || f->head->due_ms < best))
        return f->head->due_ms;
    return best;
}

typedef struct PollSet {
    struct pollfd fds[1 + 2 * MAX_CONNS];
    int slot_of[1 + 2 * MAX_CONNS];
    int n;
} PollSet;

static void pollset_add(PollSet *ps, int fd, short events, int slot)
{
    ps->fds[ps->n] = (struct pollfd){.fd = fd, .events = events};
    ps->slot_of[ps->n] = slot;
    ps->n++;
}

/* A socket whose peer has finished sending and that has nothing due to be
 * written would only report POLLHUP again and again; leave it out. */
static void pollset_add_side(PollSet *ps, int fd, const Flow *from, const Flow *to, int64_t now,
                             int slot)
{
    short events = flow_events_from(from) | flow_events_to(to, now);
    pollset_add(ps, (events == 0 && from->eof) ? -1 : fd, events, slot);
}

/* Builds the poll set; returns the poll timeout in ms. */
static int pollset_build(Proxy *p, PollSet *ps, int64_t now)
{
    ps->n = 0;
    pollset_add(ps, p->listener, POLLIN, -1);
    int64_t due = -1;
    bool passing = p->settings.mode == MODE_PASS;
    for (int i = 0; i < MAX_CONNS; i++) {
        Conn *c = p->conns[i];
        if (!c)
            continue;
        if (c->upstream < 0 || !passing) {
            pollset_add(ps, c->client, 0, i); /* still learns of errors */
            continue;
        }
        if (c->connecting) {
            pollset_add(ps, c->client, 0, i);
            pollset_add(ps, c->upstream, POLLOUT, i);
            continue;
        }
        pollset_add_side(ps, c->client, &c->up, &c->down, now, i);
        pollset_add_side(ps, c->upstream, &c->down, &c->up, now, i);
        due = flow_next_due(&c->up, due);
        due = flow_next_due(&c->down, due);
    }
    int64_t timeout = p->next_control_check - now;
    if (due >= 0 && due - now < timeout)
        timeout = due - now;
    return timeout < 0 ? 0 : (int)timeout;
}

static void conn_finish_connect(Proxy *p, int slot)
{
    Conn *c = p->conns[slot];
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->upstream, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        log_line(p, "conn %d: source connect failed: %s", c->id, strerror(err));
        conn_close(p, slot, true, "source unreachable");
        return;
    }
    c->connecting = false;
}

/* Moves data for one connection after poll; returns false if it closed. */
static bool conn_service(Proxy *p, int slot, int64_t now)
{
    Conn *c = p->conns[slot];
    if (!flow_read(p, &c->up, c->client, now) || !flow_read(p, &c->down, c->upstream, now)) {
        conn_close(p, slot, true, "read error");
        return false;
    }
    if (!flow_write(&c->up, c->upstream, now) || !flow_write(&c->down, c->client, now)) {
        conn_close(p, slot, true, "write error");
        return false;
    }
    if (c->up.shut && c->down.shut) {
        conn_close(p, slot, false, "both sides done");
        return false;
    }
    return true;
}

static void service_ready(Proxy *p, PollSet *ps, int64_t now)
{
    bool seen[MAX_CONNS] = {false};
    for (int k = 1; k < ps->n; k++) {
        int slot = ps->slot_of[k];
        Conn *c = p->conns[slot];
        if (!c || seen[slot])
            continue;
        short rev = ps->fds[k].revents;
        if (rev == 0)
            continue;
        if (rev & (POLLERR | POLLNVAL)) {
            seen[slot] = true;
            conn_close(p, slot, true, "socket error");
            continue;
        }
        if (c->connecting && ps->fds[k].fd == c->upstream) {
            conn_finish_connect(p, slot);
            continue;
        }
        if (p->settings.mode != MODE_PASS || c->upstream < 0 || c->connecting) {
            /* Only a hang-up reaches a connection that is not moving data. */
            seen[slot] = true;
            conn_close(p, slot, true, "client hung up");
            continue;
        }
        seen[slot] = true;
        conn_service(p, slot, now);
    }
}

/* Work not driven by readiness: open upstream links once traffic passes, and
 * forward chunks whose delay just ran out. */
static void service_timers(Proxy *p, int64_t now)
{
    if (p->settings.mode != MODE_PASS)
        return;
    for (int i = 0; i < MAX_CONNS; i++) {
        Conn *c = p->conns[i];
        if (!c)
            continue;
        if (c->upstream < 0) {
            conn_start_upstream(p, i);
            continue;
        }
        if (c->connecting)
            continue;
        if (!flow_write(&c->up, c->upstream, now) || !flow_write(&c->down, c->client, now))
            conn_close(p, i, true, "write error");
    }
}

static int listen_on(int port, int *bound_port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        close(fd);
        return -1;
    }
    set_nonblocking(fd);
    *bound_port = ntohs(sa.sin_port);
    return fd;
}

static bool write_port_file(const char *path, int port)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return false;
    fprintf(f, "%d\n", port);
    return fclose(f) == 0 && rename(tmp, path) == 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: endpoint-proxy --listen-port P --target-port T --control FILE "
                    "--log FILE [--port-file FILE] [--state-file FILE]\n");
}

typedef struct Args {
    int listen_port;
    int target_port;
    const char *control;
    const char *log;
    const char *port_file;
    const char *state_file;
} Args;

static bool parse_port(const char *s, int *out)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || *end != '\0' || n < 0 || n > 65535)
        return false;
    *out = (int)n;
    return true;
}

static bool parse_args(int argc, char **argv, Args *a)
{
    *a = (Args){.listen_port = -1, .target_port = -1};
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "endpoint-proxy: %s needs a value\n", opt);
            return false;
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--listen-port") == 0 && parse_port(val, &a->listen_port))
            continue;
        if (strcmp(opt, "--target-port") == 0 && parse_port(val, &a->target_port))
            continue;
        if (strcmp(opt, "--control") == 0)
            a->control = val;
        else if (strcmp(opt, "--log") == 0)
            a->log = val;
        else if (strcmp(opt, "--port-file") == 0)
            a->port_file = val;
        else if (strcmp(opt, "--state-file") == 0)
            a->state_file = val;
        else {
            fprintf(stderr, "endpoint-proxy: bad option or value: %s %s\n", opt, val);
            return false;
        }
    }
    if (a->listen_port < 0 || a->target_port <= 0 || !a->control || !a->log) {
        usage();
        return false;
    }
    return true;
}

static void run(Proxy *p)
{
    static PollSet ps;
    while (!stop_requested) {
        int64_t now = mono_ms();
        control_check(p, now);
        service_timers(p, now);
        int timeout = pollset_build(p, &ps, now);
        int n = poll(ps.fds, (nfds_t)ps.n, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_line(p, "poll failed: %s", strerror(errno));
            return;
        }
        now = mono_ms();
        if (ps.fds[0].revents & POLLIN)
            accept_one(p);
        service_ready(p, &ps, now);
    }
}

int main(int argc, char **argv)
{
    Args a;
    if (!parse_args(argc, argv, &a))
        return 2;
    Proxy p = {.target_port = a.target_port, .control_path = a.control, .state_path = a.state_file};
    p.log = fopen(a.log, "a");
    if (!p.log) {
        fprintf(stderr, "endpoint-proxy: cannot open log %s: %s\n", a.log, strerror(errno));
        return 1;
    }
    int port = 0;
    p.listener = listen_on(a.listen_port, &port);
    if (p.listener < 0) {
        log_line(&p, "cannot listen on 127.0.0.1:%d: %s", a.listen_port, strerror(errno));
        fprintf(stderr, "endpoint-proxy: cannot listen on 127.0.0.1:%d: %s\n", a.listen_port,
                strerror(errno));
        return 1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    log_line(&p, "listening on 127.0.0.1:%d, forwarding to 127.0.0.1:%d", port, a.target_port);
    control_check(&p, mono_ms());
    if (!p.control_seen)
        write_state(&p);
    if (a.port_file && !write_port_file(a.port_file, port)) {
        log_line(&p, "cannot write %s: %s", a.port_file, strerror(errno));
        return 1;
    }
    run(&p);
    for (int i = 0; i < MAX_CONNS; i++)
        if (p.conns[i])
            conn_close(&p, i, false, "proxy stopping");
    log_line(&p, "stopped");
    fclose(p.log);
    return 0;
}
